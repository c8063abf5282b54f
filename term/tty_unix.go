//go:build unix

package term

import (
	"sync"

	"golang.org/x/sys/unix"
	xterm "golang.org/x/term"
)

// ttyState puts a terminal in the raw mode rawtalk needs and restores it
// exactly, once, from whichever way out comes first. golang.org/x/term's
// MakeRaw would do, but it also turns output processing off, and its State
// cannot be adjusted: so the termios is kept here, with the ioctl request
// numbers per system as x/term splits them (tty_termios_*.go).
type ttyState struct {
	fd    int
	saved *unix.Termios // the mode the user had; nil if fd is not a terminal
	once  sync.Once     // restore runs once, whatever calls it
	mu    sync.Mutex    // serialises raw and cooked switches (Ctrl-Z, restore)
}

func newTTYState(fd int) *ttyState {
	t := &ttyState{fd: fd}
	if saved, err := unix.IoctlGetTermios(fd, ioctlGetTermios); err == nil {
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
	return unix.IoctlSetTermios(t.fd, ioctlSetTermios, &raw)
}

// cooked puts back the user's mode for a while (Ctrl-Z).
func (t *ttyState) cooked() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.saved != nil {
		unix.IoctlSetTermios(t.fd, ioctlSetTermios, t.saved)
	}
}

// restore puts back the user's mode for good.
func (t *ttyState) restore() {
	t.once.Do(t.cooked)
}

// size is the terminal's width and height, 80x24 if unknown.
func (t *ttyState) size() (cols, rows int) {
	cols, rows, err := xterm.GetSize(t.fd)
	if err != nil || cols <= 0 || rows <= 0 {
		return 80, 24
	}
	return cols, rows
}
