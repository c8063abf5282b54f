package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/rawtalk/rawtalk/practice"
)

// demo runs --demo (a practice server and a session with it) and
// --demo-serve (the server alone).
func (a *app) demo(args []string) error {
	o, con := &a.opt, a.con
	kind, err := checkDemoFlags(o, args)
	if err != nil {
		return err
	}
	if kind == labKind {
		return a.serveLab() // lab.go
	}
	srv, err := practice.New(kind)
	if err != nil {
		return &usageError{err.Error()}
	}
	ln, err := demoListen(o)
	if err != nil {
		return err
	}
	if o.demoServe != "" {
		ctx, stop := untilInterrupt()
		defer stop()
		return serveDemo(ctx, srv, ln, con)
	}

	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	defer func() {
		cancel()
		<-served
	}()

	host, port := splitAddr(ln.Addr())
	if a.terminal || o.verbose {
		con.sayf("rawtalk: practice %s server on %s", kind, ln.Addr())
		con.hintf("%s", firstSteps(kind))
	}
	// The session is an ordinary `rawtalk HOST PORT`, so it behaves the
	// same, on a terminal and piped.
	talk := *a
	talk.opt.demo, talk.opt.demoServe, talk.opt.demoPort = "", "", 0
	talk.opt.learn.proto = demoProto(kind, o.learn.proto)
	// The practice servers answer what they were sent and then close, and
	// none takes a FIN as an abort: piped into them, EOF ends the lesson.
	talk.opt.shutdownN = !o.noShutdown
	return talk.dispatch([]string{host, port})
}

// demoListen listens on loopback only: 127.0.0.1, or ::1 with -6.
func demoListen(o *options) (net.Listener, error) {
	network, host := "tcp4", "127.0.0.1"
	if o.ipv6 {
		network, host = "tcp6", "::1"
	}
	addr := net.JoinHostPort(host, strconv.Itoa(o.demoPort))
	ln, err := net.Listen(network, addr)
	if err != nil {
		var sys *os.SyscallError
		if errors.As(err, &sys) {
			err = sys.Err
		}
		return nil, &listenError{addr: addr, err: err}
	}
	return ln, nil
}

// serveDemo is --demo-serve: it says where the server is and serves until
// ctx ends (Ctrl-C or SIGTERM), which is a normal end.
func serveDemo(ctx context.Context, srv *practice.Server, ln net.Listener, con *console) error {
	host, port := splitAddr(ln.Addr())
	con.sayf("rawtalk: practice %s server listening on %s; connect with: rawtalk %s %s", srv.Kind, ln.Addr(), host, port)
	srv.OnConnect = func(remote net.Addr) {
		h, p := splitAddr(remote)
		con.verbosef("Connection received on %s %s", h, p)
	}
	if err := srv.Serve(ctx, ln); err != nil {
		return fmt.Errorf("practice server: %w", err)
	}
	mail := ""
	if srv.Kind == "smtp" {
		mail = " and " + plural(srv.Mail().Count(), "message")
	}
	con.verbosef("rawtalk: practice %s server stopped after %s%s", srv.Kind, plural(srv.Connections(), "connection"), mail)
	return nil
}

// firstSteps is what to type first, for the line printed before a --demo
// session.
func firstSteps(kind string) string {
	switch kind {
	case "http":
		return "type GET / HTTP/1.1, then Host: localhost, then an empty line"
	case "smtp":
		return "type EHLO me, then HELP"
	case "pop3":
		return "type USER me, then PASS practice, then LIST and RETR 1"
	case "imap":
		return "type a1 LOGIN me practice, then a2 SELECT INBOX, then a3 FETCH 1 BODY[]"
	}
	return "type a line; the server sends it back"
}

// plural is "1 connection", "2 connections".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func splitAddr(a net.Addr) (host, port string) {
	host, port, _ = net.SplitHostPort(a.String())
	return host, port
}
