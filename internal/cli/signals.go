package cli

// Signals, in two shapes. untilInterrupt is for a step that only has to
// stop on a signal (dialling, a proxy handshake, TLS, a scan, the practice
// server); signalWatch is for a listener, which steps aside while an
// interactive session handles signals itself. Both cancel their context
// with the signal as its cause (a *term.SignalError), so that whatever
// was waiting returns it and errors.go exits 128+N, as a shell expects:
// 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. Piped mode ignores
// SIGPIPE (ignoreSIGPIPE).

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/rawtalk/rawtalk/term"
)

// stopSignals are the signals that end rawtalk with 128+N.
var stopSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// untilInterrupt returns a context that SIGINT, SIGTERM or SIGHUP
// cancels, with a *term.SignalError as its cause, and the function that
// stops watching.
func untilInterrupt() (context.Context, context.CancelFunc) {
	w := watchSignals()
	return w.ctx, w.stop
}

// ignoreSIGPIPE makes writes to a closed stdout come back as EPIPE instead
// of killing rawtalk, so that `| head -c 10` ends the session quietly.
func ignoreSIGPIPE() { signal.Ignore(syscall.SIGPIPE) }

// signalWatch turns SIGINT, SIGTERM and SIGHUP into a cancelled context
// while rawtalk waits for a peer or pipes, and steps aside (pause) while an
// interactive session handles signals itself.
type signalWatch struct {
	ch     chan os.Signal
	ctx    context.Context
	cancel context.CancelCauseFunc
}

func watchSignals() *signalWatch {
	w := &signalWatch{ch: make(chan os.Signal, 1)}
	w.ctx, w.cancel = context.WithCancelCause(context.Background())
	w.resume()
	go func() {
		select {
		case s := <-w.ch:
			w.cancel(&term.SignalError{Signal: s})
		case <-w.ctx.Done():
		}
	}()
	return w
}

func (w *signalWatch) pause()  { signal.Stop(w.ch) }
func (w *signalWatch) resume() { signal.Notify(w.ch, stopSignals...) }

func (w *signalWatch) stop() {
	w.pause()
	w.cancel(context.Canceled)
}

// err is the way out after ctx was cancelled: the signal (a
// *term.SignalError), for exit 128+N.
func (w *signalWatch) err() error { return context.Cause(w.ctx) }
