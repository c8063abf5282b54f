package dial

import (
	"context"
	"fmt"
	"net"
	"strings"

	"syscall"
	"time"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// ListenConfig says where to wait for a peer (-l).
type ListenConfig struct {
	// Network is "tcp" (every family), "tcp4" (-4), "tcp6" (-6), or the
	// same with "udp" (-u).
	Network string
	// Host is the address to listen on, a name or an IP; "" means every
	// address of the machine, as nc does.
	Host string
	// Port to listen on; zero lets the kernel pick a free one.
	Port int
	// NumericOnly (-n) refuses to look Host up.
	NumericOnly bool
	// Resolver looks Host up; nil means the system's.
	Resolver *net.Resolver
}

// ListenError is an address or port that could not be listened on.
type ListenError struct {
	Addr    string // the address, "0.0.0.0" or "::" for every address
	Port    int
	Network string // "tcp" or "udp"
	Err     error
}

func (e *ListenError) Error() string {
	return fmt.Sprintf("cannot listen on %s port %d (%s): %s", e.Addr, e.Port, e.Network, Strerror(e.Err))
}

func (e *ListenError) Unwrap() error { return e.Err }

// InUse, Denied and NotLocal classify the failure for hints.
func (e *ListenError) InUse() bool    { return IsErrno(e.Err, syscall.EADDRINUSE) }
func (e *ListenError) Denied() bool   { return IsErrno(e.Err, syscall.EACCES) }
func (e *ListenError) NotLocal() bool { return IsErrno(e.Err, syscall.EADDRNOTAVAIL) }

// address is the host:port to bind. A name is looked up and its first
// address of the allowed family is used, as nc does.
func (c ListenConfig) address(ctx context.Context) (ip string, err error) {
	if c.Host == "" {
		return "", nil
	}
	d := Dialer{Family: c.Network, NumericOnly: c.NumericOnly, Resolver: c.Resolver}
	ips, err := d.Resolve(ctx, c.Host)
	if err != nil {
		return "", err
	}
	_, zone := SplitZone(c.Host)
	return (&net.IPAddr{IP: ips[0], Zone: zone}).String(), nil
}

func (c ListenConfig) network() string {
	if c.Network == "" {
		return "tcp"
	}
	return c.Network
}

// wildcard names "every address" for messages, as nc prints it.
func (c ListenConfig) wildcard() string {
	if strings.HasSuffix(c.Network, "6") {
		return "::"
	}
	return "0.0.0.0"
}

// Listen binds a stream listener. With no Host and no -4/-6 it is one
// socket for IPv4 and IPv6 together, where the machine has IPv6.
func (c ListenConfig) Listen(ctx context.Context) (net.Listener, error) {
	ip, err := c.address(ctx)
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, c.network(), net.JoinHostPort(ip, fmt.Sprint(c.Port)))
	if err != nil {
		return nil, c.listenError(ip, err)
	}
	return ln, nil
}

// ListenPacket binds a UDP socket for -u -l.
func (c ListenConfig) ListenPacket(ctx context.Context) (*net.UDPConn, error) {
	ip, err := c.address(ctx)
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	pc, err := lc.ListenPacket(ctx, c.network(), net.JoinHostPort(ip, fmt.Sprint(c.Port)))
	if err != nil {
		return nil, c.listenError(ip, err)
	}
	return pc.(*net.UDPConn), nil
}

func (c ListenConfig) listenError(ip string, err error) error {
	if ip == "" {
		ip = c.wildcard()
	}
	return &ListenError{Addr: ip, Port: c.Port, Network: strings.TrimRight(c.network(), "46"), Err: SystemError(err)}
}

// ListenAddrs are the lines nc -v prints for a listener, "0.0.0.0 12321":
// the address and the port the kernel gave. A listener on every IPv4 and
// IPv6 address has two. network is the one the listener was asked for.
func ListenAddrs(a net.Addr, network string) []string {
	var ip net.IP
	var port int
	switch a := a.(type) {
	case *net.TCPAddr:
		ip, port = a.IP, a.Port
	case *net.UDPAddr:
		ip, port = a.IP, a.Port
	default:
		return []string{a.String()}
	}
	if ip.IsUnspecified() && ip.To4() == nil && !strings.HasSuffix(network, "6") {
		// Go binds "::" without IPV6_V6ONLY for network "tcp" and "udp":
		// one socket for both families.
		return []string{fmt.Sprintf("0.0.0.0 %d", port), fmt.Sprintf(":: %d", port)}
	}
	if ip == nil {
		ip = net.IPv4zero
	}
	return []string{fmt.Sprintf("%s %d", ip, port)}
}

// PeerWords is a peer as nc prints it after "Connection received on":
// "127.0.0.1 54022", with IPv4 peers of a dual-stack socket shown as IPv4.
func PeerWords(a net.Addr) string {
	switch a := a.(type) {
	case *net.TCPAddr:
		return fmt.Sprintf("%s %d", unmap(a.IP), a.Port)
	case *net.UDPAddr:
		return fmt.Sprintf("%s %d", unmap(a.IP), a.Port)
	}
	if a == nil {
		return "peer"
	}
	return quote.String(a.String()) // a unix socket's path, which a peer may choose
}

func unmap(ip net.IP) net.IP {
	if v4 := ip.To4(); v4 != nil {
		return v4
	}
	return ip
}

// Serve accepts peers on ln one at a time, as nc does, and gives each to
// handle. Without keep the listener is closed as soon as one peer is
// accepted, so later clients are refused, and Serve returns what handle
// returns. With keep (-k) it accepts the next peer when handle returns nil,
// and stops at the first error; clients that come while a session is on
// wait in the kernel's queue.
//
// Serve returns context.Cause(ctx) when ctx ends while it waits for a
// peer: the caller's reason, such as the signal that arrived.
func Serve(ctx context.Context, ln net.Listener, keep bool, handle func(net.Conn) error) error {
	for {
		conn, err := accept(ctx, ln)
		if err != nil {
			return err
		}
		if !keep {
			ln.Close()
			return handle(conn)
		}
		if err := handle(conn); err != nil {
			return err
		}
	}
}

// accept waits for one peer, or for ctx to end.
func accept(ctx context.Context, ln net.Listener) (net.Conn, error) {
	type deadliner interface{ SetDeadline(time.Time) error }
	stop := context.AfterFunc(ctx, func() {
		if d, ok := ln.(deadliner); ok {
			d.SetDeadline(time.Now())
		} else {
			ln.Close()
		}
	})
	conn, err := ln.Accept()
	stop()
	if ctx.Err() != nil {
		if conn != nil {
			conn.Close()
		}
		return nil, context.Cause(ctx)
	}
	if err != nil {
		return nil, err
	}
	return conn, nil
}
