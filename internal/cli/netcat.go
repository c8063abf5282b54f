package cli

// nc's and ncat's flags beyond a TCP client: listening, UDP, unix sockets,
// proxies, the source address and port, and an idle timeout. main.go calls
// in here; listen.go holds the listener.

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
	"time"

	"github.com/spf13/pflag"

	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/pump"
	"github.com/rawtalk/rawtalk/term"
)

// netcatOptions are the parsed nc flags; options embeds them.
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

func addNetcatFlags(fs *pflag.FlagSet, o *netcatOptions) {
	fs.BoolVarP(&o.listen, "listen", "l", false, "wait for one client to connect (rawtalk -l [HOST] PORT), then talk as with a server")
	fs.BoolVarP(&o.keepOpen, "keep-open", "k", false, "with -l: after a client leaves, wait for the next (one at a time, like nc; with -u: hear every peer)")
	fs.BoolVarP(&o.udp, "udp", "u", false, "use UDP: one datagram per line typed, or per read when piped")
	fs.BoolVarP(&o.unix, "unixsock", "U", false, "the argument is a unix socket PATH (@NAME: abstract), not HOST PORT")
	fs.StringVarP(&o.source, "source", "s", "", "send from local address `ADDR`; with -l, listen on it")
	fs.StringVarP(&o.sourcePort, "source-port", "p", "", "send from local `PORT`; with -l, the port to listen on (-lp 12321)")
	fs.StringVarP(&o.proxy, "proxy", "x", "", "connect through the proxy at `ADDR`: HOST[:PORT] (kind from -X), or a socks5://, socks5h://, socks4://, socks4a:// or http:// URL")
	fs.StringVarP(&o.proxyType, "proxy-type", "X", "", "the `KIND` of proxy at -x HOST[:PORT]: 5 (SOCKS5, the default), 4 (SOCKS4) or connect (HTTP)")
	fs.StringVar(&o.proxyAuth, "proxy-auth", "", "`USER:PASS` for the proxy (SOCKS5, HTTP Basic; SOCKS4 sends USER)")
	fs.VarP(&o.idle, "idle-timeout", "i", "close the connection after `SECS` with no data either way (500ms, 2s, 1m also work)")
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

// checkNetcatFlags rejects combinations that mean nothing, before anything
// is looked up or bound.
func checkNetcatFlags(o *options, args []string) error {
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

// netcatDialer applies -u, -s, -p and the proxy to the client's dialer.
func netcatDialer(o *options, target dial.Target, d *dial.Dialer) error {
	if o.udp {
		d.Family = strings.Replace(d.Family, "tcp", "udp", 1)
	}
	if o.proxy != "" {
		kind := dial.SOCKS5
		if o.proxyType != "" {
			k, err := dial.ParseProxyKind(o.proxyType)
			if err != nil {
				return err
			}
			kind = k
		}
		p, err := dial.ParseProxy(o.proxy, kind)
		if err != nil {
			return err
		}
		if o.proxyAuth != "" {
			user, pass, _ := strings.Cut(o.proxyAuth, ":")
			p.User, p.Password = user, pass
		}
		d.Proxy = p
	}
	if o.source != "" {
		ip := net.ParseIP(o.source)
		if ip == nil {
			return &usageError{fmt.Sprintf("invalid -s %q: give an IP address of this machine", o.source)}
		}
		if (o.ipv4 && ip.To4() == nil) || (o.ipv6 && ip.To4() != nil) {
			return &usageError{fmt.Sprintf("-s %s is not of the family -4/-6 asks for", o.source)}
		}
		if t := net.ParseIP(target.Host); t != nil && o.proxy == "" && (t.To4() == nil) != (ip.To4() == nil) {
			return &usageError{fmt.Sprintf("-s %s and %s are of different IP families", o.source, target.Host)}
		}
		d.Source = ip
	}
	if o.sourcePort != "" {
		port, err := portArg(o.sourcePort)
		if err != nil {
			return err
		}
		d.SourcePort = port
	}
	return nil
}

// portArg reads a port for -p or -l, where 0 is allowed: "any free port".
func portArg(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil && n == 0 && s != "" && s[0] != '-' && s[0] != '+' {
		return 0, nil
	}
	return dial.LookupPort(s)
}

// connectedWords is nc -v's line for a made connection, also for UDP
// (which "succeeds" without a word from the peer, as in nc) and through a
// proxy (whose address is not the peer's).
func connectedWords(o *options, t dial.Target, conn net.Conn) string {
	if o.proxy == "" && !o.udp {
		return succeeded(t, conn)
	}
	network := "tcp"
	if o.udp {
		network = "udp"
	}
	name := t.Host
	if host, _, err := net.SplitHostPort(conn.RemoteAddr().String()); err == nil && o.proxy == "" && host != t.Host {
		name = fmt.Sprintf("%s (%s)", t.Host, host)
	}
	service := dial.ServiceName(t.Port)
	if service == "" {
		service = "*"
	}
	line := fmt.Sprintf("Connection to %s %d port [%s/%s] succeeded!", name, t.Port, network, service)
	if o.proxy != "" {
		if host, port, err := net.SplitHostPort(conn.RemoteAddr().String()); err == nil {
			line += fmt.Sprintf(" (through proxy %s port %s)", host, port)
		}
	}
	return line
}

// talkUnix is the client for -U PATH.
func talkUnix(o *options, path string, stdin io.Reader, stdout io.Writer, con *console) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	conn, err := dial.DialUnix(ctx, path, seconds(o.wait))
	stop()
	if err != nil {
		return err
	}
	defer conn.Close()
	if isTerminal(stdin) {
		con.sayf("Connected to %s.", path)
	} else {
		con.verbosef("Connection to %s succeeded!", path)
	}
	return converse(o, conn, dial.Target{Host: path}, nil, stdin, stdout, con)
}

// idleEnding reports a session that an idle timeout ended: -i says so and
// exits 1, like ncat; -w (nc's) says so only with -v and exits 0.
func idleEnding(o *options, err error, con *console) error {
	var idle *pump.IdleError
	if !errors.As(err, &idle) {
		return err
	}
	if o.idle > 0 {
		return fmt.Errorf("idle timeout: %w", idle)
	}
	con.verbosef("rawtalk: %s", idle)
	return nil
}

// idleTimeout is piped mode's idle limit: -i, else -w (nc's).
func idleTimeout(o *options) time.Duration {
	if o.idle > 0 {
		return time.Duration(o.idle)
	}
	return seconds(o.wait)
}

// netcatExitCode reports the errors of this file's features, with hints,
// and maps them to an exit status; ok is false for the others.
func netcatExitCode(err error, con *console) (code int, ok bool) {
	var (
		listen  *dial.ListenError
		source  *dial.SourceError
		unix    *dial.UnixError
		proxy   *dial.ProxyError
		refused *dial.ProxyRefusedError
		connect *dial.ConnectError
	)
	switch {
	case errors.As(err, &connect) && connect.Network == "udp" && connect.Refused():
		con.errorf("%s", connect)
		con.hintf("nothing listens on UDP port %d there: the peer answered with ICMP port unreachable", connect.Port)
	case errors.As(err, &listen):
		con.errorf("%s", listen)
		switch {
		case listen.InUse():
			con.hintf("another program already listens on port %d; pick another port, or 0 for a free one", listen.Port)
		case listen.Denied() && listen.Port < 1024:
			con.hintf("ports below 1024 need root (or CAP_NET_BIND_SERVICE); pick a port above 1023")
		case listen.NotLocal():
			con.hintf("%s is not an address of this machine", listen.Addr)
		}
	case errors.As(err, &source):
		con.errorf("%s", source)
		switch {
		case errors.Is(source.Err, syscall.EADDRNOTAVAIL):
			con.hintf("-s must be an address of this machine (see: ip address)")
		case errors.Is(source.Err, syscall.EADDRINUSE):
			con.hintf("another socket already uses that local port; leave out -p to let the kernel pick one")
		case errors.Is(source.Err, syscall.EACCES):
			con.hintf("ports below 1024 need root (or CAP_NET_BIND_SERVICE)")
		}
	case errors.As(err, &unix):
		con.errorf("%s", unix)
		switch {
		case unix.NoSocket() && unix.Op == "connect to":
			con.hintf("no socket at that path; is the server running, and is the path right?")
		case unix.Refused():
			con.hintf("the socket file exists but nothing listens on it; its server may have exited")
		case unix.InUse():
			con.hintf("choose another path, or stop the program that listens there")
		case unix.NotStale():
			con.hintf("rawtalk removes only sockets nobody listens on; choose another path or remove it yourself")
		case unix.NoSocket():
			con.hintf("the directory does not exist")
		case unix.Denied():
			con.hintf("check the permissions of the socket and of its directories")
		}
	case errors.As(err, &refused):
		con.errorf("%s", refused)
		if refused.NeedsAuth {
			con.hintf("give a user name and password: --proxy-auth USER:PASS, or --proxy socks5://USER:PASS@HOST:PORT")
		}
	case errors.As(err, &proxy):
		con.errorf("%s", proxy)
		if proxy.Refused() {
			con.hintf("is the proxy running, and is %d its port?", proxy.Port)
		}
	default:
		return 0, false
	}
	return 1, true
}

// signalWatch turns SIGINT, SIGTERM and SIGHUP into a cancelled context
// while rawtalk waits for a peer or pipes, and steps aside (pause) while an
// interactive session handles signals itself.
type signalWatch struct {
	ch     chan os.Signal
	ctx    context.Context
	cancel context.CancelFunc
	got    chan os.Signal // the signal that cancelled ctx
}

func watchSignals() *signalWatch {
	w := &signalWatch{ch: make(chan os.Signal, 1), got: make(chan os.Signal, 1)}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	w.resume()
	go func() {
		select {
		case s := <-w.ch:
			w.got <- s
			w.cancel()
		case <-w.ctx.Done():
		}
	}()
	return w
}

func (w *signalWatch) pause()  { signal.Stop(w.ch) }
func (w *signalWatch) resume() { signal.Notify(w.ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP) }

func (w *signalWatch) stop() {
	w.pause()
	w.cancel()
}

// err is the way out after ctx was cancelled: the signal, for exit 128+n.
func (w *signalWatch) err() error {
	select {
	case s := <-w.got:
		w.got <- s
		return &term.SignalError{Signal: s}
	default:
		return w.ctx.Err()
	}
}
