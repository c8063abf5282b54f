package cli

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/secure"
	"github.com/rawtalk/rawtalk/term"
)

// listening is one run of -l: the app, the words it says, and the signals
// that end the wait.
type listening struct {
	*app
	say       func(string, ...any) // nc's words: always on a terminal, else with -v
	sigs      *signalWatch
	tlsServer *secure.TLSServer // -l --tls (listen_tls.go); nil: plain
	access    dial.AccessList   // --allow, --deny
}

// listen is -l: wait for a client over TCP, UDP (-u) or a unix socket (-U)
// and hold with it the same session a client connection gets: interactive
// on a terminal, piped otherwise. nc's words ("Listening on 0.0.0.0 12321",
// "Connection received on 127.0.0.1 54022") are printed with -v, and
// always on a terminal, where a person is waiting to see them.
func (a *app) listen(args []string) error {
	l := &listening{app: a, say: a.con.verbosef, sigs: watchSignals()}
	if a.terminal {
		l.say = a.con.sayf
	}
	defer l.sigs.stop()
	var err error
	if l.tlsServer, err = newListenTLS(&a.opt); err != nil {
		return err
	}
	if l.access, err = accessList(&a.opt.hub); err != nil {
		return err
	}

	if a.opt.unix {
		return l.unix(args[0])
	}
	cfg, err := listenConfig(&a.opt, args)
	if err != nil {
		return err
	}
	if a.opt.udp {
		return l.udp(cfg)
	}
	ln, err := cfg.Listen(l.sigs.ctx)
	if err != nil {
		return err
	}
	defer ln.Close()
	if err := l.readyTLS(cfg.Host, ln.Addr()); err != nil {
		return err
	}
	ln = l.access.Guard(ln, l.refused)
	var words []string
	for _, addr := range listenWords(cfg, ln.Addr()) {
		words = append(words, "Listening on "+addr)
	}
	peerWords := func(c net.Conn) string { return dial.PeerWords(c.RemoteAddr()) }
	return l.serve(ln, words, peerWords)
}

func (l *listening) unix(path string) error {
	ln, err := dial.ListenUnix(path)
	if err != nil {
		return err
	}
	defer ln.Close() // removes the socket file
	if err := l.readyTLS("", ln.Addr()); err != nil {
		return err
	}
	peerWords := func(net.Conn) string { return path }
	return l.serve(ln, []string{"Listening on " + path}, peerWords)
}

// serve accepts clients on ln, one at a time, and talks with each. The
// listening lines are said again after each session with -k, to show that
// rawtalk waits for the next client.
func (l *listening) serve(ln net.Listener, listening []string, peerWords func(net.Conn) string) error {
	for _, line := range listening {
		l.say("%s", line)
	}
	if l.opt.hub.hub() {
		return l.broker(ln, peerWords)
	}
	err := dial.Serve(l.sigs.ctx, ln, l.opt.keepOpen, func(conn net.Conn) error {
		l.say("Connection received on %s", peerWords(conn))
		if err := l.talkAccepted(conn, peerWords(conn)); err != nil {
			return err
		}
		if l.opt.keepOpen {
			for _, line := range listening {
				l.say("%s", line)
			}
		}
		return nil
	})
	if errors.Is(err, context.Canceled) {
		return l.sigs.err()
	}
	return err
}

func (l *listening) udp(cfg dial.ListenConfig) error {
	pc, err := cfg.ListenPacket(l.sigs.ctx)
	if err != nil {
		return err
	}
	defer pc.Close()
	for _, addr := range listenWords(cfg, pc.LocalAddr()) {
		l.say("Bound on %s", addr) // nc's words for UDP: nothing listens, a socket is bound
	}
	onPeer := func(addr net.Addr) { l.say("Connection received on %s", dial.PeerWords(addr)) }
	conn, err := dial.AcceptUDP(l.sigs.ctx, pc, l.opt.keepOpen, onPeer)
	if errors.Is(err, context.Canceled) {
		return l.sigs.err()
	}
	if err != nil {
		return err
	}
	return l.talkAccepted(conn, dial.PeerWords(conn.RemoteAddr()))
}

// talkAccepted holds the session with one client. With -k, a session that
// ends in a network error is reported and the listener goes on; a signal
// ends everything.
func (l *listening) talkAccepted(conn net.Conn, peer string) error {
	defer conn.Close()
	conn, err := l.handshakeTLS(l.sigs.ctx, conn, peer)
	if err != nil {
		if l.sigs.ctx.Err() != nil {
			return l.sigs.err()
		}
		return l.sessionEnded(err)
	}
	defer conn.Close()
	if l.terminal {
		// The interactive session handles signals itself.
		l.sigs.pause()
		name := peer // the escape prompt's status shows the port itself
		if host, _, ok := strings.Cut(peer, " "); ok && !l.opt.unix {
			name = host
		}
		err = l.converse(conn, dial.Target{Host: name}, l.tlsSetup())
		l.sigs.resume()
	} else {
		stop := context.AfterFunc(l.sigs.ctx, func() { conn.Close() })
		err = l.converse(conn, dial.Target{Host: peer}, l.tlsSetup())
		stop()
		if l.sigs.ctx.Err() != nil {
			return l.sigs.err()
		}
	}
	return l.sessionEnded(err)
}

// sessionEnded is what ends a client's session, or its TLS handshake:
// with -k a network error is reported and the listener goes on; a signal
// ends everything.
func (l *listening) sessionEnded(err error) error {
	var sig *term.SignalError
	if err == nil || !l.opt.keepOpen || errors.As(err, &sig) {
		return err
	}
	exitCode(err, l.con) // report it, and wait for the next client
	return nil
}

// tlsSetup is what the session of an accepted client knows of TLS.
func (l *listening) tlsSetup() *tlsSetup {
	return &tlsSetup{flags: &l.opt.tls, server: l.tlsServer}
}

// refused logs a peer that --allow or --deny kept out (-v).
func (l *listening) refused(peer net.Addr, reason string) {
	l.con.verbosef("rawtalk: refused a connection from %s (%s)", quote.String(dial.PeerWords(peer)), reason)
}
