package cli

// Every flag rawtalk takes, and every check of them: the options they
// fill, the flag set that defines them (FlagSet, for the man page and the
// shell completions too), and the functions that refuse combinations
// that mean nothing, before anything is looked up, bound or dialled. The
// modes call the checks in the order this file's comments give; that
// order decides which message a command line with two mistakes gets.

import (
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/rawtalk/rawtalk/practice"
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

// hub is whether -l runs ncat's hub (--broker or --chat).
func (h *hubFlags) hub() bool { return h.broker || h.chat }
