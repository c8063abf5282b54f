package dial

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"
)

// ProxyKind is the protocol spoken to a proxy server.
type ProxyKind int

const (
	SOCKS5      ProxyKind = iota // RFC 1928, with RFC 1929 user/password
	SOCKS4                       // SOCKS4, or SOCKS4a when the proxy resolves names
	HTTPConnect                  // an HTTP proxy's CONNECT method
)

func (k ProxyKind) String() string {
	switch k {
	case SOCKS4:
		return "SOCKS4"
	case HTTPConnect:
		return "HTTP CONNECT"
	}
	return "SOCKS5"
}

// Proxy is a proxy server to reach the target through (-x, --proxy).
type Proxy struct {
	Kind ProxyKind
	Host string // the proxy server: a name or an IP
	Port int
	// User and Password authenticate: RFC 1929 for SOCKS5, HTTP Basic for
	// CONNECT; SOCKS4 sends User as its user id. Empty: no authentication.
	User, Password string
	// RemoteDNS sends the target's name to the proxy, which looks it up
	// (socks5h://, socks4a://, nc's -X 5, and always for CONNECT); else
	// rawtalk looks it up and sends the address.
	RemoteDNS bool
}

// defaultProxyPort is nc's: 1080 for SOCKS, 3128 for HTTP.
func defaultProxyPort(k ProxyKind) int {
	if k == HTTPConnect {
		return 3128
	}
	return 1080
}

// proxyKindNames are the words -X/--proxy-type takes: nc's "5", "4" and
// "connect", then ncat's "socks5", "socks4" and "http".
var proxyKindNames = []struct {
	name string
	kind ProxyKind
}{{"5", SOCKS5}, {"4", SOCKS4}, {"connect", HTTPConnect}, {"socks5", SOCKS5}, {"socks4", SOCKS4}, {"http", HTTPConnect}}

// ProxyKindNames are the words -X/--proxy-type takes, for its shell
// completion.
func ProxyKindNames() []string {
	names := make([]string, len(proxyKindNames))
	for i, k := range proxyKindNames {
		names[i] = k.name
	}
	return names
}

// ParseProxyKind reads -X/--proxy-type: one of ProxyKindNames, in any case.
func ParseProxyKind(s string) (ProxyKind, error) {
	for _, k := range proxyKindNames {
		if strings.EqualFold(s, k.name) {
			return k.kind, nil
		}
	}
	return 0, &ArgError{Arg: s, What: "proxy type", Reason: "expected 5, 4 or connect (or socks5, socks4, http)"}
}

// ParseProxy reads -x/--proxy: a URL (socks5://user:pass@host:port,
// socks5h://, socks4://, socks4a://, http://) or nc's HOST[:PORT], whose
// protocol is kind. nc's -X 5 lets the proxy resolve names, as OpenBSD nc
// does; socks5:// resolves them here, as curl does.
func ParseProxy(s string, kind ProxyKind) (*Proxy, error) {
	if strings.Contains(s, "://") {
		return parseProxyURL(s)
	}
	p := &Proxy{Kind: kind, RemoteDNS: kind != SOCKS4}
	host, port, err := splitProxyHostPort(s, defaultProxyPort(kind))
	if err != nil {
		return nil, err
	}
	p.Host, p.Port = host, port
	return p, nil
}

func parseProxyURL(s string) (*Proxy, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, &ArgError{Arg: s, What: "proxy", Reason: "not a URL"}
	}
	p := &Proxy{}
	switch strings.ToLower(u.Scheme) {
	case "socks5":
		p.Kind = SOCKS5
	case "socks5h":
		p.Kind, p.RemoteDNS = SOCKS5, true
	case "socks4":
		p.Kind = SOCKS4
	case "socks4a":
		p.Kind, p.RemoteDNS = SOCKS4, true
	case "http":
		p.Kind, p.RemoteDNS = HTTPConnect, true
	default:
		return nil, &ArgError{Arg: s, What: "proxy", Reason: fmt.Sprintf("unknown scheme %q; use socks5://, socks5h://, socks4://, socks4a:// or http://", u.Scheme)}
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, &ArgError{Arg: s, What: "proxy", Reason: "a proxy URL has no path; use SCHEME://[USER:PASS@]HOST:PORT"}
	}
	host, port, err := splitProxyHostPort(u.Host, defaultProxyPort(p.Kind))
	if err != nil {
		return nil, err
	}
	p.Host, p.Port = host, port
	if u.User != nil {
		p.User = u.User.Username()
		p.Password, _ = u.User.Password()
		if err := p.checkAuth(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// SetAuth reads --proxy-auth USER:PASS into p, whose Kind must be set: a
// mistake is a usage error before anything is dialled. The messages never
// repeat the argument, which holds a password.
func (p *Proxy) SetAuth(s string) error {
	user, pass, ok := strings.Cut(s, ":")
	switch {
	case !ok:
		return &ArgError{Reason: "--proxy-auth wants USER:PASS, with a colon between the user name and the password (USER: for none)"}
	case user == "":
		return &ArgError{Reason: "--proxy-auth has an empty user name; it wants USER:PASS"}
	}
	p.User, p.Password = user, pass
	return p.checkAuth()
}

// checkAuth rejects credentials the proxy's protocol cannot carry, so that
// the mistake is found before dialling, not during the handshake.
func (p *Proxy) checkAuth() error {
	switch p.Kind {
	case SOCKS5:
		// RFC 1929 gives each a one-byte length.
		if len(p.User) > 255 {
			return &ArgError{Reason: fmt.Sprintf("the proxy user name is %d bytes; SOCKS5 carries at most 255", len(p.User))}
		}
		if len(p.Password) > 255 {
			return &ArgError{Reason: fmt.Sprintf("the proxy password is %d bytes; SOCKS5 carries at most 255", len(p.Password))}
		}
	case SOCKS4:
		if strings.IndexByte(p.User, 0) >= 0 {
			return &ArgError{Reason: "the proxy user id holds a NUL byte, which ends it in SOCKS4"}
		}
	}
	return nil
}

// splitProxyHostPort reads HOST, HOST:PORT, [IPV6] or [IPV6]:PORT.
func splitProxyHostPort(s string, defaultPort int) (string, int, error) {
	host, port, err := SplitHostPort(s)
	switch {
	case errors.Is(err, ErrBadBrackets):
		return "", 0, &ArgError{Arg: s, What: "proxy address", Reason: "expected [IPV6]:PORT"}
	case errors.Is(err, ErrNeedsBrackets):
		return "", 0, &ArgError{Arg: s, What: "proxy address", Reason: "an IPv6 address needs brackets: [ADDR]:PORT"}
	}
	if host == "" {
		return "", 0, &ArgError{Arg: s, What: "proxy address", Reason: "empty host"}
	}
	if port == "" {
		return host, defaultPort, nil
	}
	n, err := LookupPort(port)
	if err != nil {
		return "", 0, err
	}
	return host, n, nil
}

// ProxyError is a proxy server that could not be reached, or that failed
// the handshake.
type ProxyError struct {
	Host string // the proxy as named
	Port int
	Err  error
}

func (e *ProxyError) Error() string {
	var ce *ConnectError
	if errors.As(e.Err, &ce) {
		return fmt.Sprintf("proxy %s port %d: %s", ce.IP, e.Port, lowerFirst(Strerror(ce.Err)))
	}
	var he *HostError
	if errors.As(e.Err, &he) {
		return "proxy " + he.Error()
	}
	return fmt.Sprintf("proxy %s port %d: %s", e.Host, e.Port, lowerFirst(Strerror(e.Err)))
}

func (e *ProxyError) Unwrap() error { return e.Err }

// Refused tells that nothing listens where the proxy should be.
func (e *ProxyError) Refused() bool {
	var ce *ConnectError
	return errors.As(e.Err, &ce) && ce.Refused()
}

// ProxyRefusedError is a proxy that answered but would not connect to the
// target, or would not let us in.
type ProxyRefusedError struct {
	Reason string // the proxy's answer in words, with its code
	// NeedsAuth: the proxy asks for credentials that were not given, or
	// refused the ones that were.
	NeedsAuth bool
	// WithCredentials: credentials were given (-x USER:PASS@, --proxy-auth),
	// so a NeedsAuth refusal is of these ones.
	WithCredentials bool
}

func (e *ProxyRefusedError) Error() string { return e.Reason }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// dialProxy reaches t through d.Proxy: a direct connection to the proxy,
// then the proxy's handshake, bounded by d.Timeout and ctx.
func (d *Dialer) dialProxy(ctx context.Context, t Target) (net.Conn, error) {
	p := d.Proxy
	if d.NumericOnly && net.ParseIP(t.Host) == nil {
		return nil, &ArgError{Arg: t.Host, What: "host", Reason: "-n forbids name lookups; give an IP address"}
	}
	// The target's address, when it is looked up here.
	dest := t.Host
	if !p.RemoteDNS {
		r := *d
		r.Source = nil // -s picks the family of the proxy's address, not the target's
		if p.Kind == SOCKS4 {
			r.Family = "tcp4"
		}
		ips, err := r.Resolve(ctx, t.Host)
		if err != nil {
			var he *HostError
			if p.Kind == SOCKS4 && errors.As(err, &he) && strings.Contains(he.Reason, "IPv4") {
				he.Reason += "; a SOCKS4 proxy reaches IPv4 addresses only (SOCKS5 reaches IPv6)"
			}
			return nil, err
		}
		dest = ips[0].String()
	}

	direct := *d
	direct.Proxy = nil
	conn, err := direct.dialDirect(ctx, Target{Host: p.Host, Port: p.Port})
	if err != nil {
		var se *SourceError
		if errors.As(err, &se) || canceled(ctx) != nil {
			return nil, err
		}
		return nil, &ProxyError{Host: p.Host, Port: p.Port, Err: err}
	}

	if d.Timeout > 0 {
		conn.SetDeadline(time.Now().Add(d.Timeout))
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	switch p.Kind {
	case SOCKS5:
		err = socks5Connect(conn, p, dest, t.Port)
	case SOCKS4:
		err = socks4Connect(conn, p, dest, t.Port)
	case HTTPConnect:
		err = httpConnect(conn, p, dest, t.Port)
	}
	stop()
	if cause := canceled(ctx); cause != nil {
		// The deadline set to interrupt the handshake is not the proxy's
		// slowness: report the reason for the interruption.
		conn.Close()
		return nil, cause
	}
	if err != nil {
		conn.Close()
		var refused *ProxyRefusedError
		if errors.As(err, &refused) {
			refused.WithCredentials = p.User != ""
			return nil, err
		}
		return nil, &ProxyError{Host: p.Host, Port: p.Port, Err: handshakeError(p.Kind, err)}
	}
	conn.SetDeadline(time.Time{})
	return conn, nil
}

// handshakeError says what went wrong while talking to the proxy.
func handshakeError(kind ProxyKind, err error) error {
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("closed the connection during the %s handshake", kind)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("no %s answer in time", kind)
	}
	return SystemError(err)
}
