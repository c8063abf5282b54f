package cli

// The one place where an error becomes rawtalk's words and exit status,
// for every mode: connecting, listening, scanning, TLS, scripts, signals
// and usage. A mode returns its error up to run, which calls exitCode;
// nothing else prints an error or picks a status (-k's listener reports
// a failed session through exitCode too, and goes on).

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/internal/safefile"
	"github.com/rawtalk/rawtalk/script"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/secure"
	"github.com/rawtalk/rawtalk/term"
)

// usageError is a mistake on the command line: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// hintedUsageError is a usage error with a next step: exit 2, the message
// and its hint instead of the synopsis.
type hintedUsageError struct{ msg, hint string }

func (e *hintedUsageError) Error() string { return e.msg }

// listenError is a practice server (--demo) that could not listen: exit
// 1, like any other network failure.
type listenError struct {
	addr string
	err  error
}

func (e *listenError) Error() string {
	msg := fmt.Sprintf("cannot listen on %s: %s", e.addr, dial.Strerror(e.err))
	if dial.IsErrno(e.err, syscall.EADDRINUSE) {
		msg += "; choose another --demo-port, or leave it out for a free one"
	}
	return msg
}

// errInterrupted is a port scan that Ctrl-C or SIGTERM stopped: exit 1.
var errInterrupted = errors.New("interrupted")

// errLogIncomplete is a run that went well but whose --log transcript
// could not be written in full: exit 1, quietly; the warning was said
// when writing first failed.
var errLogIncomplete = errors.New("the transcript is incomplete")

// errNothingOpen is a port scan that found no open port: exit 1, quietly,
// as nc -z does; the summary has said it.
var errNothingOpen = errors.New("no open port")

// noRouteHint follows a failed connect to an IPv6 address with no route.
const noRouteHint = "this machine has no route to that IPv6 address; -4 uses IPv4"

// outcome is what rawtalk says about an error, and its exit status.
type outcome struct {
	code  int
	msg   string   // the "rawtalk: " line; "" for none
	hints []string // "rawtalk: hint: " lines after it
	usage bool     // the one-line synopsis after them
}

// exitCode reports err on the console and returns rawtalk's exit status:
// 0 done, 1 network failure, 2 usage error, 128+N ended by signal N.
func exitCode(err error, con *console) int {
	if err == nil {
		return 0
	}
	o := explain(err)
	// The last escape pass: peer text in a message is escaped where it is
	// quoted (internal/quote); whatever missed that is escaped here.
	if o.msg != "" {
		con.errorf("%s", quote.Backstop(o.msg))
	}
	for _, h := range o.hints {
		con.hintf("%s", quote.Backstop(h))
	}
	if o.usage {
		con.usage()
	}
	return o.code
}

// explain is the table: one row an error kind, the first that matches
// wins. The order matters because errors wrap others and errors.As looks
// down the whole chain: a ProxyError wraps the ConnectError to the proxy,
// a StepError or TLSError the network error under it, a SourceError or
// ListenError the errno. So the kinds that know more come first: the
// mode's own (listen, source, unix socket, proxy, TLS, script) before the
// plain ConnectError, HostError and SignalError; and a refused UDP
// connect, a ConnectError with its own hint, before them all.
func explain(err error) outcome {
	var (
		connect *dial.ConnectError
		listen  *dial.ListenError
		source  *dial.SourceError
		unix    *dial.UnixError
		refused *dial.ProxyRefusedError
		proxy   *dial.ProxyError
		tlsErr  *secure.TLSError
		syntax  *script.SyntaxError
		step    *script.StepError
		usage   *usageError
		hinted  *hintedUsageError
		arg     *dial.ArgError
		host    *dial.HostError
		sig     *term.SignalError
		demo    *listenError
		link    *safefile.SymlinkError
	)
	switch {
	// Connecting and listening (nc's features).
	case errors.As(err, &connect) && connect.Network == "udp" && connect.Refused():
		return failed(connect, fmt.Sprintf("nothing listens on UDP port %d there: the peer answered with ICMP port unreachable", connect.Port))
	case errors.As(err, &listen):
		return failed(listen, listenHint(listen))
	case errors.As(err, &source):
		return failed(source, sourceHint(source))
	case errors.As(err, &unix):
		return failed(unix, unixHint(unix))
	case errors.As(err, &refused):
		hint := ""
		switch {
		case refused.NeedsAuth && refused.WithCredentials:
			hint = "the proxy refused these credentials; check the user name and password"
		case refused.NeedsAuth:
			hint = "give a user name and password: --proxy-auth USER:PASS, or --proxy socks5://USER:PASS@HOST:PORT"
		}
		return failed(refused, hint)
	case errors.As(err, &proxy):
		hint := ""
		if proxy.Refused() {
			hint = fmt.Sprintf("is the proxy running, and is %d its port?", proxy.Port)
		}
		return failed(proxy, hint)

	// TLS and STARTTLS: secure words the hint. A session whose starttls
	// failed at the escape prompt ends with it, and the error and hint are
	// on the screen already.
	case errors.As(err, &tlsErr):
		return failed(tlsErr, tlsErr.Hint)
	case errors.Is(err, secure.ErrUpgradeFailed):
		return outcome{code: 1, msg: "session over: the starttls above failed, and the connection with it"}

	// --script: a malformed script is a usage error without the synopsis.
	case errors.As(err, &syntax):
		return outcome{code: 2, msg: syntax.Error()}
	case errors.As(err, &step):
		return outcome{code: 1, msg: fmt.Sprintf("%s:%d: %s: %s", step.File, step.Line, step.Op, dial.Strerror(step.Err))}

	// The command line.
	case errors.As(err, &hinted):
		return outcome{code: 2, msg: hinted.msg, hints: []string{hinted.hint}}
	case errors.As(err, &link):
		return outcome{code: 2, msg: err.Error(), hints: []string{
			"a link there could send what you type to someone else's file; give the path of a regular file"}}
	case errors.As(err, &usage):
		return outcome{code: 2, msg: usage.msg, usage: true}
	case errors.As(err, &arg):
		return outcome{code: 2, msg: arg.Error(), hints: arg.Hints, usage: arg.What == "" || arg.What == "address" || arg.What == "argument"}

	// A plain TCP client.
	case errors.As(err, &connect):
		return failed(connect, connectHint(connect))
	case errors.As(err, &host):
		return failed(host, hostHint(host))

	// A signal ended the session: no words, the shell's status for it.
	case errors.As(err, &sig):
		if s, ok := sig.Signal.(syscall.Signal); ok {
			return outcome{code: 128 + int(s)}
		}
		return outcome{code: 1}

	// A practice server that could not listen; a scan stopped by Ctrl-C,
	// or one that found nothing open.
	case errors.As(err, &demo), errors.Is(err, errInterrupted):
		return failed(err, "")
	case errors.Is(err, errNothingOpen), errors.Is(err, errLogIncomplete):
		return outcome{code: 1}
	}
	return failed(err, "") // anything else is a network failure
}

// failed is a network failure: exit 1, the error and a hint if any.
func failed(err error, hint string) outcome {
	o := outcome{code: 1, msg: err.Error()}
	if hint != "" {
		o.hints = []string{hint}
	}
	return o
}

func connectHint(e *dial.ConnectError) string {
	switch {
	case e.Refused():
		return fmt.Sprintf("nothing is listening there; is the server running, and is %d the right port?", e.Port)
	case e.TimedOut():
		return "no answer; a firewall may be dropping packets (-w SECS sets how long to wait)"
	case e.Unreachable() && e.IP.To4() == nil:
		return noRouteHint
	}
	return ""
}

// hostHint tells a wrong name from a DNS server that failed, so the user
// knows whether to fix the spelling or ask elsewhere.
func hostHint(e *dial.HostError) string {
	switch e.Kind {
	case dial.NoSuchHost:
		if e.Reason == "" {
			return "the DNS server knows no such name; check its spelling"
		}
	case dial.ServerFailed:
		return "the name may well exist; try again later, or ask another DNS server with --dns ADDR"
	case dial.ServerRefused:
		return "it may not serve this machine; ask another DNS server with --dns ADDR"
	case dial.ServerUnreachable:
		return "is a DNS server running there? --dns ADDR asks another"
	case dial.LookupTimedOut:
		return "-w SECS sets how long to wait for the look-up and the connect"
	case dial.NoSuchInterface:
		return "after % comes the interface the address is on (see: ip link), as in fe80::1%eth0"
	}
	return ""
}

func listenHint(e *dial.ListenError) string {
	switch {
	case e.InUse():
		return fmt.Sprintf("another program already listens on port %d; pick another port, or 0 for a free one", e.Port)
	case e.Denied() && e.Port < 1024:
		return "ports below 1024 need root (or CAP_NET_BIND_SERVICE); pick a port above 1023"
	case e.NotLocal():
		return fmt.Sprintf("%s is not an address of this machine", e.Addr)
	}
	return ""
}

func sourceHint(e *dial.SourceError) string {
	switch {
	case dial.IsErrno(e.Err, syscall.EADDRNOTAVAIL):
		return "-s must be an address of this machine (see: ip address)"
	case dial.IsErrno(e.Err, syscall.EADDRINUSE):
		return "another socket already uses that local port; leave out -p to let the kernel pick one"
	case dial.IsErrno(e.Err, syscall.EACCES):
		return "ports below 1024 need root (or CAP_NET_BIND_SERVICE)"
	}
	return ""
}

func unixHint(e *dial.UnixError) string {
	switch {
	case e.NoListener():
		return "is the server running, and is the name right? an abstract name (@NAME) has no file; it exists while its server listens"
	case e.NoSocket() && e.Op == "connect to":
		return "no socket at that path; is the server running, and is the path right?"
	case e.Refused():
		return "the socket file exists but nothing listens on it; its server may have exited"
	case e.InUse():
		return "choose another path, or stop the program that listens there"
	case e.NotStale():
		return "rawtalk removes only sockets nobody listens on; choose another path or remove it yourself"
	case e.NoSocket():
		return "the directory does not exist"
	case e.Denied():
		return "check the permissions of the socket and of its directories"
	}
	return ""
}
