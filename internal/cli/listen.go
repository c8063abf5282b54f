package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/term"
)

// listen is -l: wait for a client over TCP, UDP (-u) or a unix socket (-U)
// and hold with it the same session a client connection gets: interactive
// on a terminal, piped otherwise. nc's words ("Listening on 0.0.0.0 12321",
// "Connection received on 127.0.0.1 54022") are printed with -v, and
// always on a terminal, where a person is waiting to see them.
func listen(o *options, args []string, stdin io.Reader, stdout io.Writer, con *console) error {
	say := con.verbosef
	if isTerminal(stdin) {
		say = con.sayf
	}
	sigs := watchSignals()
	defer sigs.stop()

	if o.unix {
		return listenUnix(o, args[0], say, sigs, stdin, stdout, con)
	}
	cfg, err := listenConfig(o, args)
	if err != nil {
		return err
	}
	if o.udp {
		return listenUDP(o, cfg, say, sigs, stdin, stdout, con)
	}
	ln, err := cfg.Listen(sigs.ctx)
	if err != nil {
		return err
	}
	defer ln.Close()
	var listening []string
	for _, a := range dial.ListenAddrs(ln.Addr(), cfg.Network) {
		listening = append(listening, "Listening on "+a)
	}
	peerWords := func(c net.Conn) string { return dial.PeerWords(c.RemoteAddr()) }
	return serve(o, ln, listening, peerWords, say, sigs, stdin, stdout, con)
}

func listenUnix(o *options, path string, say func(string, ...any), sigs *signalWatch, stdin io.Reader, stdout io.Writer, con *console) error {
	ln, err := dial.ListenUnix(path)
	if err != nil {
		return err
	}
	defer ln.Close() // removes the socket file
	peerWords := func(net.Conn) string { return path }
	return serve(o, ln, []string{"Listening on " + path}, peerWords, say, sigs, stdin, stdout, con)
}

// serve accepts clients on ln, one at a time, and talks with each. The
// listening lines are said again after each session with -k, to show that
// rawtalk waits for the next client.
func serve(o *options, ln net.Listener, listening []string, peerWords func(net.Conn) string, say func(string, ...any), sigs *signalWatch, stdin io.Reader, stdout io.Writer, con *console) error {
	for _, line := range listening {
		say("%s", line)
	}
	err := dial.Serve(sigs.ctx, ln, o.keepOpen, func(conn net.Conn) error {
		say("Connection received on %s", peerWords(conn))
		if err := talkAccepted(o, conn, peerWords(conn), sigs, stdin, stdout, con); err != nil {
			return err
		}
		if o.keepOpen {
			for _, line := range listening {
				say("%s", line)
			}
		}
		return nil
	})
	if errors.Is(err, context.Canceled) {
		return sigs.err()
	}
	return err
}

func listenUDP(o *options, cfg dial.ListenConfig, say func(string, ...any), sigs *signalWatch, stdin io.Reader, stdout io.Writer, con *console) error {
	pc, err := cfg.ListenPacket(sigs.ctx)
	if err != nil {
		return err
	}
	defer pc.Close()
	for _, a := range dial.ListenAddrs(pc.LocalAddr(), cfg.Network) {
		say("Bound on %s", a) // nc's words for UDP: nothing listens, a socket is bound
	}
	onPeer := func(a net.Addr) { say("Connection received on %s", dial.PeerWords(a)) }
	conn, err := dial.AcceptUDP(sigs.ctx, pc, o.keepOpen, onPeer)
	if errors.Is(err, context.Canceled) {
		return sigs.err()
	}
	if err != nil {
		return err
	}
	return talkAccepted(o, conn, dial.PeerWords(conn.RemoteAddr()), sigs, stdin, stdout, con)
}

// talkAccepted holds the session with one client. With -k, a session that
// ends in a network error is reported and the listener goes on; a signal
// ends everything.
func talkAccepted(o *options, conn net.Conn, peer string, sigs *signalWatch, stdin io.Reader, stdout io.Writer, con *console) error {
	defer conn.Close()
	var err error
	if isTerminal(stdin) {
		// The interactive session handles signals itself.
		sigs.pause()
		name := peer // the escape prompt's status shows the port itself
		if host, _, ok := strings.Cut(peer, " "); ok && !o.unix {
			name = host
		}
		err = converse(o, conn, dial.Target{Host: name}, nil, stdin, stdout, con)
		sigs.resume()
	} else {
		stop := context.AfterFunc(sigs.ctx, func() { conn.Close() })
		err = converse(o, conn, dial.Target{Host: peer}, nil, stdin, stdout, con)
		stop()
		if sigs.ctx.Err() != nil {
			return sigs.err()
		}
	}
	var sig *term.SignalError
	if err == nil || !o.keepOpen || errors.As(err, &sig) {
		return err
	}
	exitCode(err, con) // report it, and wait for the next client
	return nil
}

// listenConfig reads where to listen: `-l PORT`, `-l HOST PORT`,
// `-l HOST:PORT`, `-lp PORT [HOST]`, or nc's `-l -s ADDR -p PORT`.
func listenConfig(o *options, args []string) (dial.ListenConfig, error) {
	cfg := dial.ListenConfig{
		Network:     "tcp",
		NumericOnly: o.numeric,
		Resolver:    resolver(o.dnsServer),
	}
	if o.udp {
		cfg.Network = "udp"
	}
	switch {
	case o.ipv4:
		cfg.Network += "4"
	case o.ipv6:
		cfg.Network += "6"
	}
	var host, port string
	switch {
	case o.sourcePort != "" && len(args) > 1:
		return cfg, &usageError{fmt.Sprintf("the port is given twice: -p %s and %s", o.sourcePort, args[1])}
	case o.sourcePort != "" && len(args) == 1:
		host, port = args[0], o.sourcePort
	case o.sourcePort != "":
		port = o.sourcePort
	case len(args) == 0:
		return cfg, &usageError{"-l needs a port: rawtalk -l [HOST] PORT (0 picks a free one)"}
	case len(args) == 1:
		// PORT alone, or HOST:PORT.
		var err error
		host, port, err = dial.SplitHostPort(args[0])
		switch {
		case errors.Is(err, dial.ErrNoPort):
			host, port = "", args[0]
		case err != nil:
			return cfg, &usageError{fmt.Sprintf("invalid address %q: an IPv6 address needs brackets: [ADDR]:PORT, or ADDR PORT", args[0])}
		}
	case len(args) == 2:
		host, port = strings.Trim(args[0], "[]"), args[1]
	default:
		return cfg, &usageError{"too many arguments; expected rawtalk -l [HOST] PORT"}
	}
	if o.source != "" {
		if host != "" && host != o.source {
			return cfg, &usageError{fmt.Sprintf("two addresses to listen on: -s %s and %s", o.source, host)}
		}
		host = o.source
	}
	n, err := portArg(port)
	if err != nil {
		return cfg, err
	}
	cfg.Host, cfg.Port = host, n
	return cfg, nil
}
