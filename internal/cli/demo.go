package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/rawtalk/rawtalk/practice"
	"github.com/rawtalk/rawtalk/session/dial"
)

// listenError is a practice server that could not listen: exit 1, like
// any other network failure.
type listenError struct {
	addr string
	err  error
}

func (e *listenError) Error() string {
	msg := fmt.Sprintf("cannot listen on %s: %s", e.addr, dial.Strerror(e.err))
	if errors.Is(e.err, syscall.EADDRINUSE) {
		msg += "; choose another --demo-port, or leave it out for a free one"
	}
	return msg
}

// demo runs --demo (a practice server and a session with it) and
// --demo-serve (the server alone).
func demo(o *options, args []string, stdin io.Reader, stdout io.Writer, con *console) error {
	kind, err := demoKind(o, args)
	if err != nil {
		return err
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
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
	if isTerminal(stdin) || o.verbose {
		con.sayf("rawtalk: practice %s server on %s", kind, ln.Addr())
		con.hintf("%s", firstSteps(kind))
	}
	// The session is an ordinary `rawtalk HOST PORT`, so it behaves the
	// same, on a terminal and piped.
	talk := *o
	talk.demo, talk.demoServe, talk.demoPort = "", "", 0
	talk.learn.proto = demoProto(kind, o.learn.proto)
	// The practice servers answer what they were sent and then close, and
	// none takes a FIN as an abort: piped into them, EOF ends the lesson.
	talk.shutdownN = !o.noShutdown
	return dispatch(&talk, []string{host, port}, stdin, stdout, con)
}

// demoKind picks the practice server kind from the flags and the optional
// argument: pflag gives "--demo smtp" as --demo=http plus an argument smtp.
func demoKind(o *options, args []string) (string, error) {
	flag, kind := "--demo", o.demo
	switch {
	case o.demo != "" && o.demoServe != "":
		return "", &usageError{"--demo and --demo-serve cannot be used together"}
	case o.demoServe != "":
		flag, kind = "--demo-serve", o.demoServe
	case o.demo == "":
		return "", &usageError{"--demo-port needs --demo or --demo-serve"}
	}
	if o.demoPort < 0 || o.demoPort > 65535 {
		return "", &usageError{fmt.Sprintf("invalid --demo-port %d: out of range 0-65535", o.demoPort)}
	}
	switch {
	case len(args) == 0:
		return kind, nil
	case len(args) == 1 && kind == "http":
		return args[0], nil
	}
	return "", &usageError{fmt.Sprintf("%s starts its own server: it takes a KIND (%s), not %q",
		flag, strings.Join(practice.Kinds(), ", "), strings.Join(args, " "))}
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
