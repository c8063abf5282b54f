//go:build unix

package term

import (
	"testing"
	"time"

	"github.com/creack/pty"
)

// A window changed after the session first read its size but before
// watchResize registered for SIGWINCH sent its signal to nobody: watchResize
// must notice the difference itself, at once.
func TestWatchResizeCatchesAChangeBeforeItListened(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Skip("no pty:", err)
	}
	defer master.Close()
	defer slave.Close()
	if err := pty.Setsize(master, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	tty := newTTYState(int(slave.Fd()))
	cols, rows := tty.size()
	// The change lands before anyone listens for SIGWINCH.
	if err := pty.Setsize(master, &pty.Winsize{Rows: 24, Cols: 40}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	resized := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		watchResize(tty, cols, rows, stop, func() {
			select {
			case resized <- struct{}{}:
			default:
			}
		})
		close(done)
	}()
	defer func() { close(stop); <-done }()
	select {
	case <-resized:
	case <-time.After(10 * time.Second):
		t.Fatal("the change made before watchResize listened was never reported")
	}
}
