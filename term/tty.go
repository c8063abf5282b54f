package term

import (
	"sync"

	"golang.org/x/sys/unix"
)

// ttyState puts a terminal in the raw mode rawtalk needs and restores it
// exactly, once, from whichever way out comes first.
type ttyState struct {
	fd    int
	saved *unix.Termios // the mode the user had; nil if fd is not a terminal
	once  sync.Once     // restore runs once, whatever calls it
	mu    sync.Mutex    // serialises raw and cooked switches (Ctrl-Z, restore)
}

func newTTYState(fd int) *ttyState {
	t := &ttyState{fd: fd}
	if saved, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
		t.saved = saved
	}
	return t
}

// raw switches to raw input: no echo, no line buffering, no signals from
// keys (Ctrl-C, Ctrl-Z and Ctrl-] reach rawtalk as bytes). Output
// processing stays on, so a server's bare LF still starts a new line at
// column 0, as readline expects.
func (t *ttyState) raw() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.saved == nil {
		return nil
	}
	raw := *t.saved
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(t.fd, unix.TCSETS, &raw)
}

// cooked puts back the user's mode for a while (Ctrl-Z).
func (t *ttyState) cooked() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.saved != nil {
		unix.IoctlSetTermios(t.fd, unix.TCSETS, t.saved)
	}
}

// restore puts back the user's mode for good.
func (t *ttyState) restore() {
	t.once.Do(t.cooked)
}

// width is the terminal's width in columns, 80 if unknown.
func (t *ttyState) width() int {
	ws, err := unix.IoctlGetWinsize(t.fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 80
	}
	return int(ws.Col)
}

// size is the terminal's width and height, 80x24 if unknown.
func (t *ttyState) size() (cols, rows int) {
	ws, err := unix.IoctlGetWinsize(t.fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 || ws.Row == 0 {
		return 80, 24
	}
	return int(ws.Col), int(ws.Row)
}

// Size is the terminal's width and height, for telnet's NAWS.
func (t Terminal) Size() (cols, rows int) {
	return newTTYState(t.Fd).size()
}
