package cli

// -l --broker and -l --chat: ncat's hub, on any TCP or unix listener,
// with TLS and --allow/--deny as for one client (session/broker relays).

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/session/broker"
	"github.com/rawtalk/rawtalk/term"
)

// broker runs the hub on ln until a signal. The listener's own stdin
// speaks to every client as user0; its stdout shows what the clients say
// (on a terminal, made safe as a server's bytes are). With -v, or always
// on a terminal, clients are reported as they come and go.
func (l *listening) broker(ln net.Listener, peerWords func(net.Conn) string) error {
	out := l.stdout
	if l.terminal && !l.opt.rawOutput && !l.opt.hub.chat {
		out = &safeWriter{w: l.stdout} // --chat lines are escaped already
	}
	opt := broker.Options{
		Chat:     l.opt.hub.chat,
		MaxConns: int(l.opt.hub.maxConns),
		Peer:     peerWords,
		Local:    l.stdin,
		Out:      out,
		Joined: func(peer, name string) {
			l.say("Connection received on %s (%s)", peer, name)
		},
		Left: func(peer, name string) {
			l.say("Connection closed by %s (%s)", peer, name)
		},
		Refused: func(peer, reason string) {
			l.con.verbosef("rawtalk: refused a connection from %s (%s)", quote.String(peer), reason)
		},
	}
	if l.tlsServer != nil {
		opt.Prepare = func(ctx context.Context, conn net.Conn) (net.Conn, error) {
			tc, err := l.handshakeTLS(ctx, conn, peerWords(conn))
			if err != nil && ctx.Err() == nil {
				exitCode(err, l.con) // report it; the hub goes on
			}
			return tc, err
		}
	}
	err := broker.Serve(l.sigs.ctx, ln, opt)
	if errors.Is(err, context.Canceled) {
		return l.sigs.err()
	}
	return err
}

// safeWriter shows peer bytes on a terminal as the session does: text
// and colours pass, other control bytes become visible.
type safeWriter struct {
	w   io.Writer
	san term.Sanitizer
}

func (s *safeWriter) Write(p []byte) (int, error) {
	if _, err := s.w.Write(s.san.Append(nil, p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
