package cli

// Signals, in two shapes. untilInterrupt is for a step that only has to
// stop on Ctrl-C or SIGTERM (dialling, the TLS handshake, a scan, the
// practice server); signalWatch is for a listener, which remembers the
// signal (for exit 128+N) and steps aside while an interactive session
// handles signals itself. Piped mode ignores SIGPIPE (ignoreSIGPIPE).

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/rawtalk/rawtalk/term"
)

// untilInterrupt returns a context that SIGINT or SIGTERM cancels, and the
// function that stops watching.
func untilInterrupt() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
	cancel context.CancelFunc
	got    chan os.Signal // the signal that cancelled ctx
}

func watchSignals() *signalWatch {
	w := &signalWatch{ch: make(chan os.Signal, 1), got: make(chan os.Signal, 1)}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	w.resume()
	go func() {
		select {
		case s := <-w.ch:
			w.got <- s
			w.cancel()
		case <-w.ctx.Done():
		}
	}()
	return w
}

func (w *signalWatch) pause()  { signal.Stop(w.ch) }
func (w *signalWatch) resume() { signal.Notify(w.ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP) }

func (w *signalWatch) stop() {
	w.pause()
	w.cancel()
}

// err is the way out after ctx was cancelled: the signal, for exit 128+n.
func (w *signalWatch) err() error {
	select {
	case s := <-w.got:
		w.got <- s
		return &term.SignalError{Signal: s}
	default:
		return w.ctx.Err()
	}
}
