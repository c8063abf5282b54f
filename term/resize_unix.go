//go:build unix

package term

import (
	"os"
	"os/signal"
	"syscall"
)

// watchResize calls resized on each SIGWINCH until stop is closed. A
// window changed between the session's first look at its size (cols, rows)
// and the signal's registration here sent its SIGWINCH to nobody: compare
// once, so that change is not lost.
func watchResize(t *ttyState, cols, rows int, stop <-chan struct{}, resized func()) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	if c, r := t.size(); c != cols || r != rows {
		resized()
	}
	for {
		select {
		case <-stop:
			return
		case <-winch:
			resized()
		}
	}
}
