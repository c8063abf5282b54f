// Every check of the flags and arguments, before anything is dialled or
// bound; flags.go defines them.

package cli

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/rawtalk/rawtalk/practice"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/secure"
	"github.com/rawtalk/rawtalk/term"
)

// The checks, in the order run calls them: checkScanFlags and, with -z,
// scanArgs; otherwise checkCommonFlags, then checkDemoFlags (--demo),
// or checkSessionFlags, checkLearnFlags and checkTLSFlags, then the
// mode's own: listenArgs (-l), sourceIP and portArg (connecting).

// checkScanFlags refuses the scanner's flags without -z, which would
// otherwise be ignored in silence, and -z with the modes it cannot join.
func checkScanFlags(o *options) error {
	switch {
	case o.scan && o.listen:
		return &usageError{"-z scans ports and -l listens: use one or the other"}
	case o.scan && (o.unix || o.proxy != ""):
		return &usageError{"-z scans TCP or UDP ports directly: not with -U or a proxy"}
	case o.scan:
		return nil
	case o.banner, o.json, o.concurrency != 0:
		return &usageError{"--banner, --json and --concurrency work only with -z (port scanning)"}
	}
	return nil
}

// scanArgs checks the flags that go with -z and splits the arguments into
// the host and the port lists: HOST PORTS..., HOST:PORTS or [IPV6]:PORTS.
func scanArgs(o *options, args []string) (host string, ports []string, err error) {
	switch {
	case o.ipv4 && o.ipv6:
		return "", nil, &usageError{"-4 and -6 cannot be used together"}
	case o.wait < 0:
		return "", nil, &usageError{"invalid -w: must be a positive number of seconds"}
	case len(args) == 0:
		return "", nil, &dial.ArgError{Reason: "missing host and ports"}
	}
	host, ports = args[0], args[1:]
	if len(args) == 1 {
		h, p, err := dial.SplitHostPort(args[0])
		if err != nil {
			return "", nil, &dial.ArgError{Arg: args[0], What: "address", Reason: "missing ports; use HOST PORTS, e.g. HOST 1-1024"}
		}
		host, ports = h, []string{p}
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "" {
		return "", nil, &dial.ArgError{Arg: host, What: "host", Reason: "empty"}
	}
	if strings.ContainsAny(host, " /\\\t") {
		return "", nil, &dial.ArgError{Arg: host, What: "host", Reason: "not a host name or an IP address"}
	}
	return host, ports, nil
}

// checkCommonFlags checks what every mode but -z shares.
func checkCommonFlags(o *options) error {
	switch {
	case o.ipv4 && o.ipv6:
		return &usageError{"-4 and -6 cannot be used together"}
	case o.wait < 0:
		return &usageError{fmt.Sprintf("invalid -w %v: must be a positive number of seconds", o.wait)}
	case o.noShutdown && halfCloseAtEOF(o):
		return &usageError{"--no-shutdown contradicts -N and -q, which half-close at EOF on stdin"}
	}
	return nil
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

// checkDemoFlags picks the practice server kind from the flags and the
// optional argument: pflag gives "--demo smtp" as --demo=http plus an
// argument smtp.
func checkDemoFlags(o *options, args []string) (kind string, err error) {
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

// checkSessionFlags checks --eol and the netcat flags of a session
// (connecting or listening).
func checkSessionFlags(o *options, args []string) error {
	if _, err := term.ParseEOL(o.eol); err != nil {
		return &usageError{"invalid --eol: " + err.Error()}
	}
	proxied := o.proxy != ""
	switch {
	case o.keepOpen && !o.listen:
		return &usageError{"-k (keep listening) needs -l"}
	case o.listen && proxied:
		return &usageError{"-x/--proxy is for connecting out; it cannot be used with -l"}
	case o.udp && proxied:
		return &usageError{"-u cannot go through a proxy: SOCKS UDP and CONNECT carry TCP only"}
	case o.unix && proxied:
		return &usageError{"-U cannot go through a proxy"}
	case o.unix && o.udp:
		return &usageError{"-U with -u (unix datagram sockets) is not supported; -U is a stream socket"}
	case o.unix && (o.ipv4 || o.ipv6):
		return &usageError{"-4 and -6 are for IP; they mean nothing with -U"}
	case o.unix && (o.source != "" || o.sourcePort != ""):
		return &usageError{"-s and -p are for IP; with -U give only the socket PATH"}
	case o.unix && len(args) != 1:
		if len(args) == 0 {
			return &usageError{"-U needs a socket path: rawtalk -U PATH"}
		}
		return &usageError{fmt.Sprintf("-U takes a socket path, not a port: rawtalk -U PATH (got %q)", strings.Join(args, " "))}
	case o.proxyType != "" && !proxied:
		return &usageError{"-X/--proxy-type needs a proxy: -x HOST[:PORT]"}
	case o.proxyAuth != "" && !proxied:
		return &usageError{"--proxy-auth needs a proxy: -x HOST[:PORT] or --proxy URL"}
	case o.proxyType != "" && strings.Contains(o.proxy, "://"):
		return &usageError{"-X/--proxy-type cannot be used with a proxy URL; the URL's scheme says the type"}
	}
	return nil
}

// checkLearnFlags checks --proto; the --script and --log files are read
// and opened next, by learning.prepare.
func checkLearnFlags(l *learnFlags) error {
	if l.proto != "" && l.proto != "none" && !slices.Contains(term.Protocols(), l.proto) {
		return &dial.ArgError{Arg: l.proto, What: "--proto", Reason: "want one of " + strings.Join(term.Protocols(), ", ") + " or none"}
	}
	return nil
}

// checkTLSFlags checks the TLS flags; newTLSSetup reads the files they
// name next. On a terminal the TLS options may come without --tls: they
// are for a later starttls typed at the escape prompt.
func checkTLSFlags(f *tlsFlags, interactive bool) error {
	if f.tls && f.starttls != "" {
		return &usageError{"--tls and --starttls cannot be used together: --starttls PROTO already ends in TLS"}
	}
	if !f.tls && f.starttls == "" && !interactive {
		for _, set := range []struct {
			on   bool
			flag string
		}{{f.serverName != "", "--servername"}, {f.ca != "", "--ca"}, {f.insecure, "--insecure"},
			{f.cert != "", "--cert"}, {f.key != "", "--key"}, {len(f.alpn) > 0, "--alpn"}, {f.pin != "", "--pin"},
			{f.showCerts, "--show-certs"}} {
			if set.on {
				return &usageError{set.flag + " needs --tls or --starttls PROTO"}
			}
		}
	}
	if f.starttls != "" && !slices.Contains(secure.StartTLSProtocols(), f.starttls) {
		return &dial.ArgError{Arg: f.starttls, What: "--starttls protocol", Reason: "want one of " + strings.Join(secure.StartTLSProtocols(), ", ")}
	}
	return nil
}

// listenArgs reads where to listen: `-l PORT`, `-l HOST PORT`,
// `-l HOST:PORT`, `-lp PORT [HOST]`, or nc's `-l -s ADDR -p PORT`.
func listenArgs(o *options, args []string) (host string, port int, err error) {
	var portArgument string
	switch {
	case o.sourcePort != "" && len(args) > 1:
		return "", 0, &usageError{fmt.Sprintf("the port is given twice: -p %s and %s", o.sourcePort, args[1])}
	case o.sourcePort != "" && len(args) == 1 && isNumber(args[0]):
		// -l -p 8080 9090, -l -s ADDR -p 8080 9090: not a host named 9090.
		return "", 0, &usageError{fmt.Sprintf("the port is given twice: -p %s and %s", o.sourcePort, args[0])}
	case o.sourcePort != "" && len(args) == 1:
		host, portArgument = args[0], o.sourcePort
	case o.sourcePort != "":
		portArgument = o.sourcePort
	case len(args) == 0:
		return "", 0, &usageError{"-l needs a port: rawtalk -l [HOST] PORT (0 picks a free one)"}
	case len(args) == 1:
		// PORT alone, or HOST:PORT.
		var err error
		host, portArgument, err = dial.SplitHostPort(args[0])
		switch {
		case errors.Is(err, dial.ErrNoPort):
			host, portArgument = "", args[0]
		case err != nil:
			return "", 0, &usageError{fmt.Sprintf("invalid address %q: an IPv6 address needs brackets: [ADDR]:PORT, or ADDR PORT", args[0])}
		}
	case len(args) == 2:
		host, portArgument = strings.Trim(args[0], "[]"), args[1]
	default:
		return "", 0, &usageError{"too many arguments; expected rawtalk -l [HOST] PORT"}
	}
	if o.source != "" {
		if host != "" && host != o.source && isNumber(host) {
			return "", 0, &usageError{fmt.Sprintf("too many arguments: -s %s says where to listen, so give only the port: rawtalk -l -s ADDR PORT (got %q)", o.source, strings.Join(args, " "))}
		}
		if host != "" && host != o.source {
			return "", 0, &usageError{fmt.Sprintf("two addresses to listen on: -s %s and %s", o.source, host)}
		}
		host = o.source
	}
	port, err = portArg(portArgument)
	return host, port, err
}

// isNumber is whether s is a decimal number: on -l's command line, a
// port, never a host.
func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// sourceIP checks -s for a connection to target.
func sourceIP(o *options, target dial.Target) (net.IP, error) {
	ip := net.ParseIP(o.source)
	if ip == nil {
		return nil, &usageError{fmt.Sprintf("invalid -s %q: give an IP address of this machine", o.source)}
	}
	if (o.ipv4 && ip.To4() == nil) || (o.ipv6 && ip.To4() != nil) {
		return nil, &usageError{fmt.Sprintf("-s %s is not of the family -4/-6 asks for", o.source)}
	}
	if t := net.ParseIP(target.Host); t != nil && o.proxy == "" && (t.To4() == nil) != (ip.To4() == nil) {
		return nil, &usageError{fmt.Sprintf("-s %s and %s are of different IP families", o.source, target.Host)}
	}
	return ip, nil
}

// portArg reads a port for -p or -l, where 0 is allowed: "any free port".
func portArg(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil && n == 0 && s != "" && s[0] != '-' && s[0] != '+' {
		return 0, nil
	}
	return dial.LookupPort(s)
}

// checkListenFlags refuses the listener's flags without -l, and the
// combinations a listener cannot honour, TLS flags for clients among
// them; dispatch calls it before checkSessionFlags.
func checkListenFlags(o *options) error {
	h, t := &o.hub, &o.tls
	if !o.listen {
		for _, f := range []struct {
			on   bool
			name string
		}{{h.broker, "--broker"}, {h.chat, "--chat"}, {h.maxConns > 0, "--max-conns"}, {len(h.allow) > 0, "--allow"}, {len(h.deny) > 0, "--deny"}} {
			if f.on {
				return &hintedUsageError{f.name + " needs -l: it is for a listener", "rawtalk -l " + f.name + " ... PORT, then clients connect to PORT"}
			}
		}
		return nil
	}
	switch {
	case h.maxConns > 0 && !h.hub():
		return &hintedUsageError{"--max-conns needs --broker or --chat: without them -l serves one client at a time", "rawtalk -l --broker --max-conns N PORT"}
	case h.hub() && o.udp:
		return &usageError{"--broker and --chat relay between TCP clients; not with -u"}
	case h.hub() && (o.learn.script != "" || o.learn.log != "" || o.learn.hex || o.learn.showEnds || o.learn.timestamps):
		return &usageError{"--broker and --chat relay between clients; --script, --log, --hex, --show-ends and --timestamps need a session with one"}
	case (len(h.allow) > 0 || len(h.deny) > 0) && (o.udp || o.unix):
		return &usageError{"--allow and --deny check IP addresses of TCP clients; not with -u or -U"}
	case t.starttls != "":
		return &hintedUsageError{"--starttls is for connecting; a listener speaks TLS from the first byte", "rawtalk -l --tls PORT"}
	case t.tls && o.udp:
		return &usageError{"--tls with -u: TLS over UDP (DTLS) is not supported"}
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{t.pin != "", "--pin"}, {t.insecure, "--insecure"}, {t.serverName != "", "--servername"}, {t.showCerts, "--show-certs"}} {
		if f.on {
			return &hintedUsageError{f.name + " checks the server a client connects to; it means nothing with -l", "with -l --tls, --ca FILE checks the clients' certificates"}
		}
	}
	if !t.tls {
		for _, f := range []struct {
			on   bool
			name string
		}{{t.cert != "", "--cert"}, {t.key != "", "--key"}, {t.ca != "", "--ca"}, {len(t.alpn) > 0, "--alpn"}} {
			if f.on {
				return &hintedUsageError{f.name + " needs --tls: without it -l listens in plain text", "rawtalk -l --tls [--cert FILE --key FILE] PORT (without --cert, a self-signed certificate)"}
			}
		}
	}
	return nil
}

// accessList reads --allow and --deny.
func accessList(h *hubFlags) (dial.AccessList, error) {
	allow, err := dial.ParseAddrList("--allow", h.allow)
	if err != nil {
		return dial.AccessList{}, err
	}
	deny, err := dial.ParseAddrList("--deny", h.deny)
	return dial.AccessList{Allow: allow, Deny: deny}, err
}
