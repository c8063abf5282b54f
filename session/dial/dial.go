package dial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// Dialer reaches a Target by trying each of its addresses in turn, the way
// telnet does, and tells its caller about every try so that -v and
// telnet's "Trying ..." lines can be printed by the one file that owns stderr.
type Dialer struct {
	// Family is "tcp" for any, "tcp4" (-4) or "tcp6" (-6); "udp", "udp4"
	// or "udp6" with -u.
	Family string
	// Timeout bounds each connect (-w); zero leaves it to the kernel.
	Timeout time.Duration
	// NumericOnly (-n) refuses to look names up.
	NumericOnly bool
	// Resolver looks names up; nil means the system's.
	Resolver *net.Resolver
	// DNSServer is the address Resolver asks (--dns), for messages: a
	// custom resolver's errors name the system's server instead.
	DNSServer string
	// OnTry, if set, is called before each address is tried, with its
	// IPv6 zone if the target had one.
	OnTry func(addr net.IPAddr)
	// OnFail, if set, is called when one address fails and another is left.
	OnFail func(err *ConnectError)
	// Source (-s) is the local address to send from; nil lets the kernel
	// choose. Only target addresses of its family are tried.
	Source net.IP
	// SourcePort (-p without -l) is the local port to send from; zero lets
	// the kernel choose.
	SourcePort int
	// Proxy, if set, reaches the target through a proxy server (-x,
	// --proxy); Source, SourcePort and Timeout then apply to the proxy.
	Proxy *Proxy
}

// ConnectError is one failed connect to one address.
type ConnectError struct {
	IP      net.IP
	Zone    string // the IPv6 zone (fe80::1%eth0), if any
	Port    int
	Network string // "tcp" or "udp", as nc prints it
	Err     error
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("connect to %s port %d (%s) failed: %s", e.Addr(), e.Port, e.Network, Strerror(e.Err))
}

// Addr is the address tried, with its zone, as nc prints it.
func (e *ConnectError) Addr() string {
	return (&net.IPAddr{IP: e.IP, Zone: e.Zone}).String()
}

func (e *ConnectError) Unwrap() error { return e.Err }

// Refused, TimedOut and Unreachable classify the failure for hints.
func (e *ConnectError) Refused() bool { return IsErrno(e.Err, syscall.ECONNREFUSED) }

func (e *ConnectError) TimedOut() bool {
	return IsErrno(e.Err, syscall.ETIMEDOUT) || errors.Is(e.Err, os.ErrDeadlineExceeded) ||
		errors.Is(e.Err, context.DeadlineExceeded)
}

func (e *ConnectError) Unreachable() bool {
	return IsErrno(e.Err, syscall.ENETUNREACH) || IsErrno(e.Err, syscall.EHOSTUNREACH) ||
		IsErrno(e.Err, syscall.EADDRNOTAVAIL)
}

// Dial connects to t, trying each address until one answers, directly or
// through d.Proxy. The error is a *HostError, an *ArgError, a *SourceError,
// a *ProxyError, a *ProxyRefusedError, or the last address's
// *ConnectError; if ctx is cancelled, it is context.Cause(ctx), so that a
// signal that ends a connect or a proxy handshake comes back as itself,
// not as a failure of the network.
func (d *Dialer) Dial(ctx context.Context, t Target) (net.Conn, error) {
	if d.Proxy != nil {
		return d.dialProxy(ctx, t)
	}
	return d.dialDirect(ctx, t)
}

func (d *Dialer) dialDirect(ctx context.Context, t Target) (net.Conn, error) {
	ips, err := d.Resolve(ctx, t.Host)
	if err != nil {
		return nil, err
	}
	family := d.family()
	network := strings.TrimRight(family, "46")
	_, zone := SplitZone(t.Host)
	var last *ConnectError
	for i, ip := range ips {
		peer := net.IPAddr{IP: ip, Zone: zone}
		if d.OnTry != nil {
			d.OnTry(peer)
		}
		nd := net.Dialer{Timeout: d.Timeout, LocalAddr: d.localAddr(network), Control: FastRefusal}
		if d.SourcePort != 0 && network == "tcp" {
			// A port left in TIME_WAIT by the last run may be bound again,
			// so `-p 40000` works twice in a row.
			nd.Control = reuseAddr
		}
		addr := net.JoinHostPort(peer.String(), fmt.Sprint(t.Port))
		conn, err := nd.DialContext(ctx, family, addr)
		if cause := canceled(ctx); cause != nil {
			if conn != nil {
				conn.Close()
			}
			return nil, cause
		}
		if err == nil {
			if network == "udp" {
				return newUDPConn(conn.(*net.UDPConn), nil, nil), nil
			}
			return conn, nil
		}
		if isBindError(err) {
			return nil, &SourceError{IP: d.Source, Port: d.SourcePort, Err: SystemError(err)}
		}
		last = &ConnectError{IP: ip, Zone: zone, Port: t.Port, Network: network, Err: SystemError(err)}
		if i < len(ips)-1 && d.OnFail != nil {
			d.OnFail(last)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, last
}

// canceled is the error for work that ctx's cancellation ended: its cause
// (context.Cause), the caller's reason for cancelling; nil if ctx is not
// cancelled. A deadline is left to be reported as a timeout.
func canceled(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return context.Cause(ctx)
	}
	return nil
}

// family is the network to dial, narrowed to the source address's family
// when -s gives one.
func (d *Dialer) family() string {
	family := d.Family
	if family == "" {
		family = "tcp"
	}
	if d.Source != nil && !strings.HasSuffix(family, "4") && !strings.HasSuffix(family, "6") {
		if d.Source.To4() != nil {
			return family + "4"
		}
		return family + "6"
	}
	return family
}

// localAddr is the address to bind before connecting, or nil.
func (d *Dialer) localAddr(network string) net.Addr {
	if d.Source == nil && d.SourcePort == 0 {
		return nil
	}
	if network == "udp" {
		return &net.UDPAddr{IP: d.Source, Port: d.SourcePort}
	}
	return &net.TCPAddr{IP: d.Source, Port: d.SourcePort}
}

// SourceError is a local address or port (-s, -p) that could not be bound.
type SourceError struct {
	IP   net.IP // nil when only a port was asked for
	Port int    // zero when only an address was asked for
	Err  error
}

func (e *SourceError) Error() string {
	var what string
	switch {
	case e.IP != nil && e.Port != 0:
		what = fmt.Sprintf("source address %s port %d", e.IP, e.Port)
	case e.IP != nil:
		what = "source address " + e.IP.String()
	default:
		what = fmt.Sprintf("source port %d", e.Port)
	}
	return fmt.Sprintf("cannot send from %s: %s", what, Strerror(e.Err))
}

func (e *SourceError) Unwrap() error { return e.Err }

// isBindError tells a failure to take the local address from a failure to
// reach the peer: Go reports both as a dial error.
func isBindError(err error) bool {
	var sys *os.SyscallError
	return errors.As(err, &sys) && sys.Syscall == "bind"
}

func reuseAddr(network, address string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(sockHandle(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	})
	if err != nil {
		return err
	}
	return serr
}

func familyAllows(family string, ip net.IP) bool {
	switch family {
	case "tcp4", "udp4":
		return ip.To4() != nil
	case "tcp6", "udp6":
		return ip.To4() == nil
	}
	return true
}

func familyName(family string) string {
	if strings.HasSuffix(family, "6") {
		return "IPv6"
	}
	return "IPv4"
}

// SystemError keeps the system error under a failed dial, read or write
// and drops Go's "dial tcp ...:" prefix, which would repeat what rawtalk's
// own message already says.
func SystemError(err error) error {
	var sys *os.SyscallError
	if errors.As(err, &sys) {
		return sys.Err
	}
	var op *net.OpError
	if errors.As(err, &op) {
		if op.Timeout() {
			return syscall.ETIMEDOUT
		}
		return op.Err
	}
	return err
}

// Strerror is a system error as C programs print it ("Connection refused"),
// so rawtalk's messages read like nc's and telnet's.
func Strerror(err error) string {
	if errno, ok := Errno(err); ok {
		s := errno.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return "Connection timed out"
	}
	return err.Error()
}
