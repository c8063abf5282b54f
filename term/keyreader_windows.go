package term

import (
	"io"
	"os"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/sys/windows"
)

// KeyReader gives the keystrokes of the console on stdin through a reader
// the session can stop (SetReadDeadline) when it ends: Windows console
// reads cannot be cancelled, so it waits on the console handle and a cancel
// event together, then reads the key events itself. It also makes Ctrl-Z a
// key like any other, where Go's console reader takes it for end-of-file.
// If stdin is not a console, stdin is returned.
func KeyReader(stdin *os.File) io.Reader {
	h := windows.Handle(stdin.Fd())
	var mode uint32
	if windows.GetConsoleMode(h, &mode) != nil {
		return stdin
	}
	cancel, err := windows.CreateEvent(nil, 1, 0, nil) // manual reset, not set
	if err != nil {
		return stdin
	}
	return &consoleReader{in: h, cancel: cancel}
}

// consoleReader reads key presses from a console input handle as UTF-8,
// with escape sequences for the special keys (the session turns on VT
// input), until its cancel event is set.
type consoleReader struct {
	in, cancel windows.Handle
	mu         sync.Mutex // one Read at a time; guards the fields below
	pending    []byte     // decoded keys not yet returned
	high       uint16     // a UTF-16 high surrogate waiting for its pair

	timerMu sync.Mutex  // guards timer: SetReadDeadline runs while a Read blocks
	timer   *time.Timer // sets cancel at a future deadline
}

// inputRecord is Windows' INPUT_RECORD as it holds a KEY_EVENT_RECORD.
type inputRecord struct {
	eventType       uint16
	_               uint16
	keyDown         int32
	repeatCount     uint16
	virtualKeyCode  uint16
	virtualScanCode uint16
	unicodeChar     uint16
	controlKeyState uint32
}

const keyEvent = 0x0001 // KEY_EVENT

var procReadConsoleInputW = windows.NewLazySystemDLL("kernel32.dll").NewProc("ReadConsoleInputW")

func (r *consoleReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.pending) == 0 {
		ev, err := windows.WaitForMultipleObjects([]windows.Handle{r.cancel, r.in}, false, windows.INFINITE)
		if err != nil {
			return 0, err
		}
		if ev == windows.WAIT_OBJECT_0 {
			return 0, os.ErrDeadlineExceeded
		}
		if err := r.readEvents(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// readEvents takes the waiting console events and keeps the characters of
// key presses; mouse, focus and window events are dropped (the window size
// is polled).
func (r *consoleReader) readEvents() error {
	var recs [32]inputRecord
	var n uint32
	ok, _, err := procReadConsoleInputW.Call(uintptr(r.in), uintptr(unsafe.Pointer(&recs[0])),
		uintptr(len(recs)), uintptr(unsafe.Pointer(&n)))
	if ok == 0 {
		return err
	}
	for _, rec := range recs[:n] {
		if rec.eventType != keyEvent || rec.keyDown == 0 || rec.unicodeChar == 0 {
			continue
		}
		for range max(rec.repeatCount, 1) {
			r.addUTF16(rec.unicodeChar)
		}
	}
	return nil
}

// addUTF16 appends one UTF-16 code unit as UTF-8, pairing surrogates.
func (r *consoleReader) addUTF16(c uint16) {
	switch {
	case utf16.IsSurrogate(rune(c)) && c < 0xdc00:
		r.high = c
		return
	case utf16.IsSurrogate(rune(c)) && r.high != 0:
		r.pending = utf8.AppendRune(r.pending, utf16.DecodeRune(rune(r.high), rune(c)))
	default:
		r.pending = utf8.AppendRune(r.pending, rune(c))
	}
	r.high = 0
}

// SetReadDeadline stops a blocked Read, and every later one, at t; the zero
// time lets Reads block again.
func (r *consoleReader) SetReadDeadline(t time.Time) error {
	r.timerMu.Lock()
	defer r.timerMu.Unlock()
	if r.timer != nil {
		r.timer.Stop()
	}
	switch {
	case t.IsZero():
		return windows.ResetEvent(r.cancel)
	case !t.After(time.Now()):
		return windows.SetEvent(r.cancel)
	}
	r.timer = time.AfterFunc(time.Until(t), func() { windows.SetEvent(r.cancel) })
	return nil
}
