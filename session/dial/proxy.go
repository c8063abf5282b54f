package dial

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/rawtalk/rawtalk/internal/quote"
	"io"
	"net"
	"net/url"
	"strconv"
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

// ParseProxyKind reads -X/--proxy-type: nc's "5", "4" and "connect", or
// ncat's "socks5", "socks4" and "http".
func ParseProxyKind(s string) (ProxyKind, error) {
	switch strings.ToLower(s) {
	case "5", "socks5":
		return SOCKS5, nil
	case "4", "socks4":
		return SOCKS4, nil
	case "connect", "http":
		return HTTPConnect, nil
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
	}
	return p, nil
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
		if errors.As(err, &se) {
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
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		conn.Close()
		var refused *ProxyRefusedError
		if errors.As(err, &refused) {
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
	case errors.Is(err, context.Canceled):
		return errors.New("interrupted during the handshake")
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("no %s answer in time", kind)
	}
	return SystemError(err)
}

// notSpeaking is a proxy whose first answer is not its protocol's.
func notSpeaking(kind ProxyKind, got []byte) error {
	return fmt.Errorf("does not speak %s (it answered %s)", kind, quote.Quote(got))
}

var socks5Replies = map[byte]string{
	1: "general SOCKS server failure",
	2: "connection not allowed by ruleset",
	3: "network unreachable",
	4: "host unreachable",
	5: "connection refused",
	6: "TTL expired",
	7: "command not supported",
	8: "address type not supported",
}

// socks5Connect is RFC 1928's CONNECT, with RFC 1929 user/password
// authentication when p has a user.
func socks5Connect(conn net.Conn, p *Proxy, host string, port int) error {
	methods := []byte{0x00} // no authentication
	if p.User != "" {
		methods = []byte{0x02, 0x00} // user/password first
	}
	hello := append([]byte{5, byte(len(methods))}, methods...)
	if _, err := conn.Write(hello); err != nil {
		return err
	}
	var choice [2]byte
	if _, err := io.ReadFull(conn, choice[:]); err != nil {
		return err
	}
	if choice[0] != 5 {
		return notSpeaking(SOCKS5, choice[:])
	}
	switch choice[1] {
	case 0x00:
	case 0x02:
		if p.User == "" {
			return &ProxyRefusedError{Reason: "proxy wants a user name and password", NeedsAuth: true}
		}
		if len(p.User) > 255 || len(p.Password) > 255 {
			return errors.New("user name or password longer than SOCKS5's 255 bytes")
		}
		auth := []byte{1, byte(len(p.User))}
		auth = append(auth, p.User...)
		auth = append(auth, byte(len(p.Password)))
		auth = append(auth, p.Password...)
		if _, err := conn.Write(auth); err != nil {
			return err
		}
		var status [2]byte
		if _, err := io.ReadFull(conn, status[:]); err != nil {
			return err
		}
		if status[1] != 0 {
			return &ProxyRefusedError{Reason: fmt.Sprintf("proxy rejected the user name or password (SOCKS5 auth status %d)", status[1]), NeedsAuth: true}
		}
	case 0xff:
		if p.User == "" {
			return &ProxyRefusedError{Reason: "proxy accepts none of our authentication methods; it may want a user name and password", NeedsAuth: true}
		}
		return &ProxyRefusedError{Reason: "proxy accepts none of our authentication methods (none, user/password)"}
	default:
		return fmt.Errorf("chose authentication method %d, which was not offered", choice[1])
	}

	req := []byte{5, 1, 0} // version, CONNECT, reserved
	if ip := net.ParseIP(host); ip != nil {
		if v4 := ip.To4(); v4 != nil {
			req = append(append(req, 1), v4...)
		} else {
			req = append(append(req, 4), ip.To16()...)
		}
	} else {
		if len(host) > 255 {
			return errors.New("host name longer than SOCKS5's 255 bytes")
		}
		req = append(append(req, 3, byte(len(host))), host...)
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	if _, err := conn.Write(req); err != nil {
		return err
	}
	// The reply: version, status, reserved, then the bound address, which
	// must be read whole so that none of it is taken for the target's bytes.
	var head [4]byte
	if _, err := io.ReadFull(conn, head[:]); err != nil {
		return err
	}
	if head[0] != 5 {
		return notSpeaking(SOCKS5, head[:])
	}
	if head[1] != 0 {
		why := socks5Replies[head[1]]
		if why == "" {
			why = "unknown reason"
		}
		return &ProxyRefusedError{Reason: fmt.Sprintf("proxy refused the connection: %s (SOCKS5 reply %d)", why, head[1])}
	}
	var rest int
	switch head[3] {
	case 1:
		rest = 4 + 2
	case 4:
		rest = 16 + 2
	case 3:
		var l [1]byte
		if _, err := io.ReadFull(conn, l[:]); err != nil {
			return err
		}
		rest = int(l[0]) + 2
	default:
		return fmt.Errorf("sent an unknown address type %d", head[3])
	}
	_, err := io.ReadFull(conn, make([]byte, rest))
	return err
}

var socks4Replies = map[byte]string{
	91: "request rejected or failed",
	92: "the proxy could not reach identd on this machine",
	93: "identd reported a different user",
}

// socks4Connect is SOCKS4's CONNECT, or SOCKS4a's when host is a name.
func socks4Connect(conn net.Conn, p *Proxy, host string, port int) error {
	req := []byte{4, 1}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	ip := net.ParseIP(host)
	switch {
	case ip != nil && ip.To4() == nil:
		return errors.New("a SOCKS4 proxy reaches IPv4 addresses only (SOCKS5 reaches IPv6)")
	case ip != nil:
		req = append(req, ip.To4()...)
	default:
		req = append(req, 0, 0, 0, 1) // SOCKS4a: the name follows the user id
	}
	req = append(append(req, p.User...), 0)
	if ip == nil {
		req = append(append(req, host...), 0)
	}
	if _, err := conn.Write(req); err != nil {
		return err
	}
	var reply [8]byte
	if _, err := io.ReadFull(conn, reply[:]); err != nil {
		return err
	}
	if reply[0] != 0 && reply[0] != 4 { // 0 by the protocol; some proxies send 4
		return notSpeaking(SOCKS4, reply[:])
	}
	if reply[1] != 90 {
		why := socks4Replies[reply[1]]
		if why == "" {
			why = "unknown reason"
		}
		return &ProxyRefusedError{Reason: fmt.Sprintf("proxy refused the connection: %s (SOCKS4 reply %d)", why, reply[1])}
	}
	return nil
}

// maxProxyHead bounds the HTTP proxy's answer to CONNECT.
const maxProxyHead = 64 << 10

// httpConnect asks an HTTP proxy to CONNECT. The answer's head is read a
// byte at a time, so that bytes the target sends right after it (an SSH or
// SMTP greeting) stay in the socket for the session.
func httpConnect(conn net.Conn, p *Proxy, host string, port int) error {
	target := net.JoinHostPort(host, strconv.Itoa(port))
	var req bytes.Buffer
	fmt.Fprintf(&req, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n", target, target)
	if p.User != "" {
		cred := base64.StdEncoding.EncodeToString([]byte(p.User + ":" + p.Password))
		fmt.Fprintf(&req, "Proxy-Authorization: Basic %s\r\n", cred)
	}
	req.WriteString("\r\n")
	if _, err := conn.Write(req.Bytes()); err != nil {
		return err
	}
	var head []byte
	var b [1]byte
	for !bytes.HasSuffix(head, []byte("\r\n\r\n")) && !bytes.HasSuffix(head, []byte("\n\n")) {
		if len(head) >= maxProxyHead {
			return errors.New("sent an answer to CONNECT with no end of headers")
		}
		if _, err := io.ReadFull(conn, b[:]); err != nil {
			if len(head) > 0 && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		head = append(head, b[0])
		if len(head) == 5 && string(head) != "HTTP/" {
			return notSpeaking(HTTPConnect, head)
		}
	}
	status, _, _ := strings.Cut(string(head), "\n")
	status = strings.TrimRight(status, "\r")
	fields := strings.Fields(status)
	if len(fields) < 2 || len(fields[1]) != 3 {
		return fmt.Errorf("sent a bad status line %s", quote.Quote(status))
	}
	if fields[1][0] != '2' {
		return &ProxyRefusedError{Reason: "proxy refused the connection: " + quote.String(status), NeedsAuth: fields[1] == "407"}
	}
	return nil
}
