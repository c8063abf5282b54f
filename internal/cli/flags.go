package cli

// Every flag rawtalk takes, and every check of them: the options they
// fill, the flag set that defines them (FlagSet, for the man page and the
// shell completions too), and the functions that refuse combinations
// that mean nothing, before anything is looked up, bound or dialled. The
// modes call the checks in the order this file's comments give; that
// order decides which message a command line with two mistakes gets.

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/rawtalk/rawtalk/practice"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/secure"
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
	completion    string     // --completion SHELL: print the shell's completion script (docs.go)
	demo          string     // --demo KIND: start a practice server and talk to it
	demoServe     string     // --demo-serve KIND: only run a practice server
	demoPort      int        // --demo-port: the practice server's port; 0 picks a free one
	scan          bool       // -z: report which ports are open (scan.go)
	banner        bool       // -z: show what each open port says first
	json          bool       // -z: one JSON object a port
	concurrency   int        // -z: connects in flight at once; 0 = the scanner's default
	tls           tlsFlags   // --tls, --starttls and their options (tls.go uses them)
	learn         learnFlags // --log, --hex, --show-ends, --timestamps, --proto, --script (learn.go)
	netcatOptions            // -l -k -u -U -s -p -x -X -i (-u also scans UDP with -z)
	hub           hubFlags   // --broker, --chat, --max-conns, --allow, --deny (broker.go)
}

// netcatOptions are nc's and ncat's flags beyond a TCP client: listening,
// UDP, unix sockets, proxies, the source address and port, an idle timeout.
type netcatOptions struct {
	listen     bool         // -l: wait for a client instead of connecting
	keepOpen   bool         // -k: with -l, accept the next client after one leaves
	udp        bool         // -u
	unix       bool         // -U: the argument is a unix socket path
	source     string       // -s: local address to send from
	sourcePort string       // -p: local port; with -l, the port to listen on
	proxy      string       // -x/--proxy: HOST[:PORT] or a URL
	proxyType  string       // -X/--proxy-type
	proxyAuth  string       // --proxy-auth USER:PASS
	idle       idleDuration // -i/--idle-timeout
}

// tlsFlags are the command line's TLS options.
type tlsFlags struct {
	tls        bool     // --tls, --ssl: TLS from the first byte
	starttls   string   // --starttls PROTO: the plain preamble, then TLS
	serverName string   // --servername: SNI and the name checked
	ca         string   // --ca: PEM bundle trusted instead of the system's CAs
	insecure   bool     // --insecure: no verification
	cert, key  string   // --cert, --key: client certificate
	alpn       []string // --alpn: protocols offered
	pin        string   // --pin: SHA-256 of the leaf's DER
	showCerts  bool     // --show-certs: the chain the server sent, on stderr
}

// learnFlags are the learning aids' flags.
type learnFlags struct {
	log        string // --log FILE: a transcript of the session
	hex        bool   // --hex: a hex dump instead of text
	showEnds   bool   // --show-ends: line endings made visible
	timestamps bool   // --timestamps: time since the last send before each received line
	proto      string // --proto: whose commands Tab completes; "" picks by the port
	explain    bool   // --explain: a note under each reply line, on a terminal
	script     string // --script FILE: run a send/expect script, not a session
}

// FlagSet is rawtalk's complete flag set, in --help's order, for the man
// page and the shell completions, which are generated from it.
func FlagSet() *pflag.FlagSet {
	var o options
	return newFlagSet(&o)
}

func newFlagSet(o *options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("rawtalk", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.BoolVarP(&o.ipv4, "ipv4", "4", false, "use IPv4 addresses only")
	fs.BoolVarP(&o.ipv6, "ipv6", "6", false, "use IPv6 addresses only")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "report each connect try and, at the end, the byte counts")
	fs.BoolVarP(&o.numeric, "numeric", "n", false, "do not look names up: HOST must be an IP address")
	fs.VarP(secondsFlag{&o.wait}, "wait", "w", "give up a name look-up or a connect after `SECS` (0, the default: no limit but the system's); in piped mode also close after SECS idle")
	o.quit = -1
	fs.VarP(secondsFlag{&o.quit}, "quit", "q", "piped mode: at EOF on stdin half-close and read until the server closes, as Debian's nc -q `SECS`")
	fs.BoolVarP(&o.crlf, "crlf", "C", false, "piped mode: send each LF as CRLF")
	fs.BoolVar(&o.noShutdown, "no-shutdown", false, "piped mode: keep the connection open at EOF on stdin (the default)")
	fs.BoolVarP(&o.shutdownN, "shutdown", "N", false, "piped mode: half-close the connection at EOF on stdin, for servers that wait for the end of input")

	n := &o.netcatOptions
	fs.BoolVarP(&n.listen, "listen", "l", false, "wait for one client to connect (rawtalk -l [HOST] PORT), then talk as with a server")
	fs.BoolVarP(&n.keepOpen, "keep-open", "k", false, "with -l: after a client leaves, wait for the next (one at a time, like nc; with -u: hear every peer)")
	fs.BoolVarP(&n.udp, "udp", "u", false, "use UDP: one datagram per line typed, or per read when piped")
	fs.BoolVarP(&n.unix, "unixsock", "U", false, "the argument is a unix socket PATH (@NAME: abstract), not HOST PORT")
	fs.StringVarP(&n.source, "source", "s", "", "send from local address `ADDR`; with -l, listen on it")
	fs.StringVarP(&n.sourcePort, "source-port", "p", "", "send from local `PORT`; with -l, the port to listen on (-lp 12321)")
	fs.StringVarP(&n.proxy, "proxy", "x", "", "connect through the proxy at `ADDR`: HOST[:PORT] (kind from -X), or a socks5://, socks5h://, socks4://, socks4a:// or http:// URL")
	fs.StringVarP(&n.proxyType, "proxy-type", "X", "", "the `KIND` of proxy at -x HOST[:PORT]: 5 (SOCKS5, the default), 4 (SOCKS4) or connect (HTTP)")
	fs.StringVar(&n.proxyAuth, "proxy-auth", "", "`USER:PASS` for the proxy (SOCKS5, HTTP Basic; SOCKS4 sends USER)")
	fs.VarP(&n.idle, "idle-timeout", "i", "close the connection after `SECS` with no data either way (500ms, 2s, 1m also work)")

	addListenFlags(fs, &o.hub)

	fs.StringVar(&o.eol, "eol", "crlf", "interactive: what Enter sends after a line: `crlf|lf|cr|none`")
	fs.BoolVar(&o.noHistory, "no-history", false, "interactive: do not keep typed lines in the history file")
	fs.BoolVar(&o.rawOutput, "raw-output", false, "interactive: show the server's bytes unfiltered, escape sequences included")
	fs.StringVar(&o.dnsServer, "dns", "", "look names up with the DNS server at `ADDR` (host:port) instead of the system's")
	fs.StringVar(&o.demo, "demo", "", "start a practice `KIND` server ("+strings.Join(practice.Kinds(), ", ")+") on 127.0.0.1 and talk to it")
	fs.Lookup("demo").NoOptDefVal = "http"
	fs.StringVar(&o.demoServe, "demo-serve", "", "only run a practice `KIND` server, for another terminal, until Ctrl-C; lab runs several at once, to find by scanning")
	fs.Lookup("demo-serve").NoOptDefVal = "http"
	fs.IntVar(&o.demoPort, "demo-port", 0, "the practice server's `PORT` (default: a free one)")
	fs.BoolVarP(&o.scan, "scan", "z", false, "port scanning: report which of the PORTS... of HOST are open")
	fs.BoolVar(&o.banner, "banner", false, "with -z, show the first line each open port's server says")
	fs.BoolVar(&o.json, "json", false, "with -z, print one JSON object per port")
	fs.Var((*positiveInt)(&o.concurrency), "concurrency", "with -z, probe at most `N` ports at once, 1 or more (default 500)")

	fs.Var(telnetFlag{&o.telnet, telnetOn}, "telnet", "speak the telnet protocol: answer option negotiation, keep it off the output (default on port 23)")
	fs.Var(telnetFlag{&o.telnet, telnetOff}, "no-telnet", "pass telnet negotiation through as plain bytes, even on port 23")
	for _, name := range []string{"telnet", "no-telnet"} {
		fs.Lookup(name).NoOptDefVal = "true"
	}
	fs.BoolVar(&o.negotiation, "show-negotiation", false, "telnet mode: show option negotiation as telnet does (-v shows it too)")

	t := &o.tls
	fs.BoolVar(&t.tls, "tls", false, "speak TLS from the first byte, verifying the server's certificate")
	fs.BoolVar(&t.tls, "ssl", false, "same as --tls")
	fs.StringVar(&t.starttls, "starttls", "", "speak `PROTO`'s plain-text preamble, then TLS: "+strings.Join(secure.StartTLSProtocols(), ", "))
	fs.StringVar(&t.serverName, "servername", "", "send `NAME` as SNI and check the certificate for it (default: HOST)")
	fs.StringVar(&t.ca, "ca", "", "trust the CAs in PEM `FILE` instead of the system's; with -l --tls, ask each client for a certificate signed by them")
	fs.BoolVar(&t.insecure, "insecure", false, "do not verify the server's certificate (says so on stderr)")
	fs.StringVar(&t.cert, "cert", "", "send the client certificate in PEM `FILE` (it may hold the key too); with -l --tls, the server's (default: a fresh self-signed one)")
	fs.StringVar(&t.key, "key", "", "the --cert certificate's private key, PEM `FILE`")
	fs.StringSliceVar(&t.alpn, "alpn", nil, "offer these ALPN `PROTOCOLS`, comma-separated (h2,http/1.1)")
	fs.StringVar(&t.pin, "pin", "", "accept only the certificate whose DER has this SHA-256 (`sha256:BASE64` or hex), verified or not")
	fs.BoolVar(&t.showCerts, "show-certs", false, "print the certificates the server sent (names, dates, key, sha256) and the verification result, on stderr")

	l := &o.learn
	fs.StringVar(&l.log, "log", "", "write a transcript (timestamps, > sent, < received, bytes escaped) to `FILE`, appending")
	fs.BoolVar(&l.hex, "hex", false, "show received bytes (and on a terminal sent ones, marked >) as a hex dump, like hexdump -C")
	fs.BoolVar(&l.showEnds, "show-ends", false, "show line endings in received text: ␍␊ for CRLF, ␊ for a bare LF, ␍ for a bare CR")
	fs.BoolVar(&l.timestamps, "timestamps", false, "start each received line with the time since you last sent something: [+0.012s]")
	fs.StringVar(&l.proto, "proto", "", "interactive: Tab completes `PROTO`'s commands: "+strings.Join(term.Protocols(), ", ")+", none (default: by the port)")
	fs.BoolVar(&l.explain, "explain", false, "interactive: after each reply line with a status code, a dim note (  ↳ ...) saying what it means; for the protocol --proto names or the port suggests")
	fs.StringVar(&l.script, "script", "", "run the send/expect script `FILE` (- for stdin) instead of a session; exit 0 if every expect matched")

	fs.BoolVarP(&o.help, "help", "h", false, "show this help")
	fs.BoolVar(&o.showVersion, "version", false, "print the version")
	fs.StringVar(&o.completion, "completion", "", "print the completion script for `SHELL` (bash, zsh, fish) and exit")
	return fs
}

// idleDuration is -i's value: seconds, or a number with ncat's ms, s, m or
// h suffix.
type idleDuration time.Duration

func (d *idleDuration) String() string {
	if *d == 0 {
		return ""
	}
	return time.Duration(*d).String()
}

func (d *idleDuration) Type() string { return "duration" }

func (d *idleDuration) Set(s string) error {
	unit := time.Second
	num := s
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}} {
		if strings.HasSuffix(s, u.suffix) {
			num, unit = strings.TrimSuffix(s, u.suffix), u.unit
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || !(f > 0 && f <= 1e9) { // NaN fails too
		return errors.New("want a positive number of seconds, or with ms, s, m or h")
	}
	*d = idleDuration(f * float64(unit))
	return nil
}

// secondsFlag is a flag whose value is a number of seconds (-w, -q): one that
// is not is refused in plain words (errNotSeconds; run names the flag),
// not in strconv's.
type secondsFlag struct{ p *float64 }

// errNotSeconds is a secondsFlag given something else than a number.
var errNotSeconds = errors.New("want a number of seconds, such as 1 or 0.5")

func (f secondsFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return errNotSeconds
	}
	*f.p = v
	return nil
}

func (f secondsFlag) String() string { return strconv.FormatFloat(*f.p, 'g', -1, 64) }
func (f secondsFlag) Type() string   { return "float64" }

// flagValueError rewords pflag's error for a secondsFlag given something
// else (`invalid argument "x" for "-q, --quit" flag: ...`) as rawtalk's.
func flagValueError(err error) error {
	var bad *pflag.InvalidValueError
	if !errors.As(err, &bad) || !errors.Is(err, errNotSeconds) {
		return &usageError{err.Error()}
	}
	name := "--" + bad.GetFlag().Name
	if bad.GetFlag().Shorthand != "" {
		name = "-" + bad.GetFlag().Shorthand
	}
	return &usageError{fmt.Sprintf("invalid %s %q: %s", name, bad.GetValue(), errNotSeconds)}
}

// telnetChoice is what --telnet and --no-telnet asked for.
type telnetChoice int8

const (
	telnetByPort telnetChoice = iota // neither flag: on for port 23 only
	telnetOn
	telnetOff
)

// on tells whether telnet mode is on for a connection to port.
func (c telnetChoice) on(port int) bool {
	return c == telnetOn || c == telnetByPort && port == 23
}

// telnetFlag is one of --telnet and --no-telnet. Both set the same choice,
// so the last one given wins, as with other paired flags.
type telnetFlag struct {
	choice *telnetChoice
	sets   telnetChoice // what the flag means when true
}

func (f telnetFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	switch {
	case v:
		*f.choice = f.sets
	case f.sets == telnetOn:
		*f.choice = telnetOff
	default:
		*f.choice = telnetOn
	}
	return nil
}

func (f telnetFlag) String() string { return "false" }
func (f telnetFlag) Type() string   { return "bool" }

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

// The listener's flags beyond nc's: ncat's hub (--broker, --chat,
// --max-conns) and address lists (--allow, --deny), and the checks of
// them and of TLS on a listener, which checkListenFlags makes before
// anything is bound.

// hubFlags are ncat's listener options.
type hubFlags struct {
	broker   bool        // --broker: relay every client's bytes to the others
	chat     bool        // --chat: the same, line by line, with names
	maxConns positiveInt // --max-conns: clients at once in the hub; 0 = no limit
	allow    []string    // --allow: only these addresses may connect
	deny     []string    // --deny: these addresses may not
}

func addListenFlags(fs *pflag.FlagSet, h *hubFlags) {
	fs.BoolVar(&h.broker, "broker", false, "with -l: a hub, as ncat's: every client's bytes go to all the other clients")
	fs.BoolVar(&h.chat, "chat", false, "with -l: a chat hub, as ncat's: each line goes to the others as <user1> line, escaped; joins and leaves are announced")
	fs.Var(&h.maxConns, "max-conns", "with --broker or --chat: at most `N` clients at once; more are closed as they come")
	fs.StringSliceVar(&h.allow, "allow", nil, "with -l: let in only these `ADDRS`, IP addresses and CIDR ranges, comma-separated (-v logs refusals)")
	fs.StringSliceVar(&h.deny, "deny", nil, "with -l: refuse these `ADDRS`, IP addresses and CIDR ranges, comma-separated")
}

// positiveInt is a count that must be 1 or more when given; 0 means unset.
type positiveInt int

func (n *positiveInt) String() string {
	if *n == 0 {
		return ""
	}
	return strconv.Itoa(int(*n))
}

func (n *positiveInt) Type() string { return "int" }

func (n *positiveInt) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return errors.New("want a whole number, 1 or more")
	}
	*n = positiveInt(v)
	return nil
}

// hub is whether -l runs ncat's hub (--broker or --chat).
func (h *hubFlags) hub() bool { return h.broker || h.chat }

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
