package term

import (
	"sync"

	"golang.org/x/sys/windows"
	xterm "golang.org/x/term"
)

// ttyState puts the Windows console in the mode rawtalk needs and restores
// it exactly, once: keys arrive one by one, unechoed, Ctrl-C and Ctrl-Z as
// bytes, arrows as escape sequences (VT input); output understands escape
// sequences (VT processing) and a bare LF still returns to column 0
// (DISABLE_NEWLINE_AUTO_RETURN stays off, like OPOST on Unix).
type ttyState struct {
	in, out         windows.Handle // the console's input, and its screen buffer
	inMode, outMode uint32         // the modes the user had
	haveIn, haveOut bool           // whether each is a console at all
	once            sync.Once      // restore runs once, whatever calls it
	mu              sync.Mutex     // serialises raw and cooked switches
}

// consoleOut is the console's active screen buffer, opened once: stdout and
// stderr write to it when they are the console, and its window is the size
// the user sees.
var consoleOut = sync.OnceValue(func() windows.Handle {
	name, _ := windows.UTF16PtrFromString("CONOUT$")
	h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return windows.InvalidHandle
	}
	return h
})

func newTTYState(fd int) *ttyState {
	t := &ttyState{in: windows.Handle(fd), out: consoleOut()}
	t.haveIn = windows.GetConsoleMode(t.in, &t.inMode) == nil
	t.haveOut = t.out != windows.InvalidHandle && windows.GetConsoleMode(t.out, &t.outMode) == nil
	return t
}

func (t *ttyState) raw() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.haveOut {
		setOutputMode(t.out, t.outMode)
	}
	if !t.haveIn {
		return nil
	}
	raw := t.inMode &^ (windows.ENABLE_ECHO_INPUT | windows.ENABLE_PROCESSED_INPUT | windows.ENABLE_LINE_INPUT)
	if windows.SetConsoleMode(t.in, raw|windows.ENABLE_VIRTUAL_TERMINAL_INPUT) == nil {
		return nil
	}
	return windows.SetConsoleMode(t.in, raw) // a console older than VT input
}

// setOutputMode turns on escape sequences and output processing on a
// console output handle, falling back to plain processing on consoles
// older than Windows 10.
func setOutputMode(h windows.Handle, mode uint32) {
	mode = (mode | windows.ENABLE_PROCESSED_OUTPUT) &^ windows.DISABLE_NEWLINE_AUTO_RETURN
	if windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) != nil {
		windows.SetConsoleMode(h, mode)
	}
}

// cooked puts back the user's modes.
func (t *ttyState) cooked() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.haveIn {
		windows.SetConsoleMode(t.in, t.inMode)
	}
	if t.haveOut {
		windows.SetConsoleMode(t.out, t.outMode)
	}
}

// restore puts back the user's modes for good.
func (t *ttyState) restore() {
	t.once.Do(t.cooked)
}

// size is the console window's width and height (the visible window, not
// the scroll-back buffer), 80x24 if unknown.
func (t *ttyState) size() (cols, rows int) {
	cols, rows, err := xterm.GetSize(int(t.out))
	if err != nil || cols <= 0 || rows <= 0 {
		return 80, 24
	}
	return cols, rows
}
