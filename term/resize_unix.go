//go:build unix

package term

import (
	"os"
	"os/signal"
	"syscall"
)

// watchResize calls resized on each SIGWINCH until stop is closed.
func watchResize(_ *ttyState, stop <-chan struct{}, resized func()) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	for {
		select {
		case <-stop:
			return
		case <-winch:
			resized()
		}
	}
}
