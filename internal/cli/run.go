// Package cli is rawtalk's command line: the flags, the dispatch to a mode
// (interactive, piped, listen, scan, demo, script), and the one place where
// an error becomes a message, a hint and an exit status. It is the only
// package that knows about os.Stdin and the process's exit code; the work
// is done by session/ (the network), term/ (the keyboard and screen),
// scan/, practice/ and script/.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/pflag"

	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/pump"
	"github.com/rawtalk/rawtalk/term"
)

// options are the parsed command line.
type options struct {
	ipv4, ipv6    bool
	verbose       bool
	numeric       bool
	wait          float64 // -w seconds; 0 = none
	quit          float64 // -q seconds; >= 0 half-closes at EOF on stdin, as Debian's nc does
	shutdownN     bool    // -N: half-close at EOF on stdin
	crlf          bool
	noShutdown    bool // --no-shutdown: the default; accepted for scripts written for it
	dnsServer     string
	eol           string
	noHistory     bool
	rawOutput     bool
	telnet        telnetChoice // --telnet, --no-telnet, or by the port
	negotiation   bool         // --show-negotiation
	help          bool
	showVersion   bool
	demo          string   // --demo KIND: start a practice server and talk to it
	demoServe     string   // --demo-serve KIND: only run a practice server
	demoPort      int      // --demo-port: the practice server's port; 0 picks a free one
	scan          bool     // -z: report which ports are open (scan.go)
	banner        bool     // -z: show what each open port says first
	json          bool     // -z: one JSON object a port
	concurrency   int      // -z: connects in flight at once; 0 = the scanner's default
	tls           tlsFlags // --tls, --starttls and their options: tls.go
	learn         learning // --log, --hex, --show-ends, --timestamps, --proto, --script: learn.go
	netcatOptions          // -l -k -u -U -s -p -x -X -i: netcat.go (-u also scans UDP with -z)
}

// usageError is a mistake on the command line: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func newFlagSet(o *options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("rawtalk", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.BoolVarP(&o.ipv4, "ipv4", "4", false, "use IPv4 addresses only")
	fs.BoolVarP(&o.ipv6, "ipv6", "6", false, "use IPv6 addresses only")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "report each connect try and, at the end, the byte counts")
	fs.BoolVarP(&o.numeric, "numeric", "n", false, "do not look names up: HOST must be an IP address")
	fs.Float64VarP(&o.wait, "wait", "w", 0, "give up a connect after `SECS`; in piped mode also close after SECS idle")
	fs.Float64VarP(&o.quit, "quit", "q", -1, "piped mode: at EOF on stdin half-close and read until the server closes, as Debian's nc -q `SECS`")
	fs.BoolVarP(&o.crlf, "crlf", "C", false, "piped mode: send each LF as CRLF")
	fs.BoolVar(&o.noShutdown, "no-shutdown", false, "piped mode: keep the connection open at EOF on stdin (the default)")
	fs.BoolVarP(&o.shutdownN, "shutdown", "N", false, "piped mode: half-close the connection at EOF on stdin, for servers that wait for the end of input")
	addNetcatFlags(fs, &o.netcatOptions)
	fs.StringVar(&o.eol, "eol", "crlf", "interactive: what Enter sends after a line: `crlf|lf|cr|none`")
	fs.BoolVar(&o.noHistory, "no-history", false, "interactive: do not keep typed lines in the history file")
	fs.BoolVar(&o.rawOutput, "raw-output", false, "interactive: show the server's bytes unfiltered, escape sequences included")
	fs.StringVar(&o.dnsServer, "dns", "", "look names up with the DNS server at `ADDR` (host:port) instead of the system's")
	fs.StringVar(&o.demo, "demo", "", "start a practice `KIND` server (http, smtp, echo) on 127.0.0.1 and talk to it")
	fs.Lookup("demo").NoOptDefVal = "http"
	fs.StringVar(&o.demoServe, "demo-serve", "", "only run a practice `KIND` server, for another terminal, until Ctrl-C")
	fs.Lookup("demo-serve").NoOptDefVal = "http"
	fs.IntVar(&o.demoPort, "demo-port", 0, "the practice server's `PORT` (default: a free one)")
	fs.BoolVarP(&o.scan, "scan", "z", false, "port scanning: report which of the PORTS... of HOST are open")
	fs.BoolVar(&o.banner, "banner", false, "with -z, show the first line each open port's server says")
	fs.BoolVar(&o.json, "json", false, "with -z, print one JSON object per port")
	fs.IntVar(&o.concurrency, "concurrency", 0, "with -z, probe at most `N` ports at once (default 500)")
	addTelnetFlags(fs, o)
	addTLSFlags(fs, &o.tls)
	addLearnFlags(fs, &o.learn)
	fs.BoolVarP(&o.help, "help", "h", false, "show this help")
	fs.BoolVar(&o.showVersion, "version", false, "print the version")
	return fs
}

// Run is rawtalk: it parses args, runs the mode they ask for and returns
// the exit status. main exits with it.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(args, stdin, stdout, stderr)
}

// run is rawtalk without os.Exit: it returns the exit status, and is where
// every error becomes a message and a status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	con := &console{w: stderr}
	fs := newFlagSet(&o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printHelp(stdout, fs.FlagUsages())
			return 0
		}
		con.errorf("%s", err)
		con.usage()
		return 2
	}
	con.verbose = o.verbose
	if o.help {
		printHelp(stdout, fs.FlagUsages())
		return 0
	}
	if o.showVersion {
		fmt.Fprintf(stdout, "rawtalk %s\n", version())
		return 0
	}
	if err := scanFlagsAlone(&o); err != nil {
		return exitCode(err, con)
	}
	if o.scan {
		return runScan(&o, fs.Args(), stdout, con)
	}
	err := dispatch(&o, fs.Args(), stdin, stdout, con)
	return exitCode(err, con)
}

// exitCode reports err and maps it to rawtalk's exit status: 0 done,
// 1 network failure, 2 usage error.
func exitCode(err error, con *console) int {
	if err == nil {
		return 0
	}
	if code, ok := netcatExitCode(err, con); ok {
		return code
	}
	var usage *usageError
	var arg *dial.ArgError
	var connect *dial.ConnectError
	var host *dial.HostError
	var sig *term.SignalError
	if code, ok := tlsExitCode(err, con); ok {
		return code
	}
	if code, ok := learnExitCode(err, con); ok {
		return code
	}
	switch {
	case errors.As(err, &usage):
		con.errorf("%s", usage.msg)
		con.usage()
		return 2
	case errors.As(err, &arg):
		con.errorf("%s", arg)
		if arg.What == "" || arg.What == "address" || arg.What == "argument" {
			con.usage()
		}
		return 2
	case errors.As(err, &connect):
		con.errorf("%s", connect)
		switch {
		case connect.Refused():
			con.hintf("nothing is listening there; is the server running, and is %d the right port?", connect.Port)
		case connect.TimedOut():
			con.hintf("no answer; a firewall may be dropping packets (-w SECS sets how long to wait)")
		case connect.Unreachable() && connect.IP.To4() == nil:
			con.hintf("this machine has no route to that IPv6 address; -4 uses IPv4")
		}
		return 1
	case errors.As(err, &host):
		con.errorf("%s", host)
		return 1
	case errors.As(err, &sig):
		if s, ok := sig.Signal.(syscall.Signal); ok {
			return 128 + int(s)
		}
		return 1
	}
	con.errorf("%s", err)
	return 1
}

func dispatch(o *options, args []string, stdin io.Reader, stdout io.Writer, con *console) error {
	if o.ipv4 && o.ipv6 {
		return &usageError{"-4 and -6 cannot be used together"}
	}
	if o.wait < 0 {
		return &usageError{fmt.Sprintf("invalid -w %v: must be a positive number of seconds", o.wait)}
	}
	if o.noShutdown && halfCloseAtEOF(o) {
		return &usageError{"--no-shutdown contradicts -N and -q, which half-close at EOF on stdin"}
	}
	if o.demo != "" || o.demoServe != "" || o.demoPort != 0 {
		return demo(o, args, stdin, stdout, con)
	}
	if _, err := term.ParseEOL(o.eol); err != nil {
		return &usageError{"invalid --eol: " + err.Error()}
	}
	if err := checkNetcatFlags(o, args); err != nil {
		return err
	}
	interactive := isTerminal(stdin) && o.learn.script == ""
	if err := o.learn.prepare(stdin); err != nil {
		return err
	}
	defer o.learn.close()
	tlsSetup, err := newTLSSetup(&o.tls, o.wait, o.verbose, interactive)
	if err != nil {
		return err
	}
	switch {
	case o.listen:
		return listen(o, args, stdin, stdout, con)
	case o.unix:
		return talkUnix(o, args[0], stdin, stdout, con)
	}
	target, err := dial.ParseTarget(args)
	if err != nil {
		return err
	}

	dialer := &dial.Dialer{
		Family:      "tcp",
		Timeout:     seconds(o.wait),
		NumericOnly: o.numeric,
		Resolver:    resolver(o.dnsServer),
	}
	switch {
	case o.ipv4:
		dialer.Family = "tcp4"
	case o.ipv6:
		dialer.Family = "tcp6"
	}
	if err := netcatDialer(o, target, dialer); err != nil {
		return err
	}
	if interactive {
		dialer.OnTry = func(ip net.IP) { con.sayf("Trying %s...", ip) }
	}
	dialer.OnFail = func(e *dial.ConnectError) {
		if interactive || o.verbose {
			con.errorf("%s", e)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	conn, err := dialer.Dial(ctx, target)
	stop()
	if err != nil {
		return err
	}
	defer conn.Close()

	if interactive {
		con.sayf("Connected to %s.", target.Host)
	} else {
		con.verbosef("%s", connectedWords(o, target, conn))
	}
	if conn, err = tlsSetup.upgrade(conn, target, stdout, con); err != nil {
		return err
	}
	return converse(o, conn, target, tlsSetup, stdin, stdout, con)
}

// converse is the session on a made connection, dialed or accepted:
// interactive on a terminal, piped otherwise. tlsSetup is nil for an
// accepted connection.
func converse(o *options, conn net.Conn, target dial.Target, tls *tlsSetup, stdin io.Reader, stdout io.Writer, con *console) error {
	interactive := isTerminal(stdin) && o.learn.script == ""
	eol, _ := term.ParseEOL(o.eol) // checked by dispatch
	if tls == nil {
		tls = &tlsSetup{flags: &o.tls}
	}

	// Writes to a closed stdout must come back as EPIPE, not kill rawtalk,
	// so that `| head -c 10` ends the session quietly.
	signal.Ignore(syscall.SIGPIPE)

	if o.learn.script != "" {
		return o.learn.runScript(conn, target, stdout, o.wait, con)
	}
	if interactive {
		if o.idle > 0 {
			conn = pump.WithIdleTimeout(conn, time.Duration(o.idle))
		}
		err := talk(o, conn, target, stdin.(*os.File), stdout, eol, tls, con)
		return idleEnding(o, err, con)
	}

	popt := pump.PipeOptions{
		CRLF:         o.crlf,
		HalfClose:    halfCloseAtEOF(o),
		QuitAfterEOF: seconds(o.quit),
		IdleTimeout:  idleTimeout(o),
	}
	conn, stdout, err := o.learn.piped(conn, target, stdout)
	if err != nil {
		return err
	}
	conn = startTelnet(o, target, conn, &popt, con)
	counts, err := pump.Pipe(conn, stdin, stdout, popt)
	err = tls.after(err, target, counts, con)
	con.verbosef("rawtalk: %d bytes sent, %d bytes received in %.2f seconds",
		counts.Sent, counts.Received, counts.Elapsed.Seconds())
	return idleEnding(o, err, con)
}

// halfCloseAtEOF is whether piped mode half-closes at EOF on stdin. Not by
// default, as in OpenBSD nc: servers and proxies take a FIN as an abort
// (nginx truncated 20 MB answers to 4-9 MB, tinyproxy emptied CONNECT
// tunnels), and with TLS the half-close is close_notify, which TLS 1.2
// defines as "close now" (Dovecot ends the session unanswered, Postfix
// resets it). -N asks for it, as in nc and ncat --ssl; so does -q SECS,
// as in Debian's nc, which then reads until the server closes whatever
// SECS is (measured with netcat-openbsd 1.219).
func halfCloseAtEOF(o *options) bool {
	return o.shutdownN || o.quit >= 0
}

// succeeded is nc -v's line for a made connection.
func succeeded(t dial.Target, conn net.Conn) string {
	host, _, _ := net.SplitHostPort(conn.RemoteAddr().String())
	name := t.Host
	if name != host {
		name = fmt.Sprintf("%s (%s)", t.Host, host)
	}
	service := dial.ServiceName(t.Port)
	if service == "" {
		service = "*"
	}
	return fmt.Sprintf("Connection to %s %d port [tcp/%s] succeeded!", name, t.Port, service)
}

// resolver returns a resolver that asks only the DNS server at addr, or nil
// for the system's.
func resolver(addr string) *net.Resolver {
	if addr == "" {
		return nil
	}
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
}

func seconds(s float64) time.Duration {
	if s < 0 {
		return -1
	}
	return time.Duration(s * float64(time.Second))
}

// terminal describes the user's terminal to the session. Keys are read
// through a second open of the same terminal device, which Go can poll, so
// the session can stop reading at its end instead of leaving a read blocked
// until the next keypress; the shell's own file stays as it was.
func terminal(stdin *os.File, stdout io.Writer) term.Terminal {
	t := term.Terminal{In: stdin, Out: stdout, Fd: int(stdin.Fd())}
	if name, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", stdin.Fd())); err == nil {
		if f, err := os.OpenFile(name, os.O_RDONLY, 0); err == nil {
			t.In = f
		}
	}
	return t
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
