package dial

import (
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// maxDatagram is the largest UDP payload; reads use a buffer this big so
// that no datagram is cut short.
const maxDatagram = 65535

// udpConn is a UDP socket talking to one peer, as nc -u does: each Write is
// one datagram, each Read returns one datagram.
//
// It exists for two reasons. An ICMP "port unreachable" comes back as
// ECONNREFUSED on the next read or write of a connected UDP socket, which
// Go reports as a bare system error; udpConn turns it into a *ConnectError
// that says which port nobody listens on. And a listener (-u -l) learns its
// peer from the first datagram, which must still be delivered, and whose
// socket Go does not know is connected.
type udpConn struct {
	*net.UDPConn
	peer    *net.UDPAddr // the one peer; nil for a dialed socket (Go knows it)
	pending []byte       // a datagram received before the conn was handed out
	refused atomic.Bool  // a write saw ECONNREFUSED, which the reader never will
}

// newUDPConn wraps c. peer and first are set by a listener: the peer it
// connected to and the datagram that peer sent first.
func newUDPConn(c *net.UDPConn, peer *net.UDPAddr, first []byte) *udpConn {
	return &udpConn{UDPConn: c, peer: peer, pending: first}
}

// RemoteAddr is the peer, also when the socket was connected behind Go's back.
func (c *udpConn) RemoteAddr() net.Addr {
	if c.peer != nil {
		return c.peer
	}
	return c.UDPConn.RemoteAddr()
}

// Read returns one datagram (cut to len(p)).
func (c *udpConn) Read(p []byte) (int, error) {
	if c.pending != nil {
		n := copy(p, c.pending)
		c.pending = nil
		return n, nil
	}
	for {
		n, from, err := c.UDPConn.ReadFromUDP(p)
		if err != nil {
			if c.refused.Load() {
				err = syscall.ECONNREFUSED
			}
			return n, c.explain(err)
		}
		// Datagrams from others that were queued before the socket was
		// connected to the peer are dropped, as the kernel drops later ones.
		if c.peer != nil && !sameUDPAddr(from, c.peer) {
			continue
		}
		return n, nil
	}
}

// Write sends p as one datagram. The kernel reports an ICMP port
// unreachable once, to whichever call comes first; when that is a write,
// the reader is woken with the same news, so that the session ends.
func (c *udpConn) Write(p []byte) (int, error) {
	n, err := c.UDPConn.Write(p)
	if IsErrno(err, syscall.ECONNREFUSED) {
		c.refused.Store(true)
		c.UDPConn.SetReadDeadline(time.Now())
	}
	return n, c.explain(err)
}

// WriteTo copies datagrams to w until an error, with a buffer big enough
// for any datagram; io.Copy prefers it to its own 32 KiB buffer.
func (c *udpConn) WriteTo(w io.Writer) (int64, error) { return copyDatagrams(w, c) }

// copyDatagrams is the download loop for UDP: one read, one datagram, one
// write, through a buffer that fits any datagram.
func copyDatagrams(w io.Writer, r io.Reader) (int64, error) {
	buf := make([]byte, maxDatagram)
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if err != nil {
			return total, err
		}
	}
}

// explain turns ECONNREFUSED, the kernel's report of an ICMP port
// unreachable, into a *ConnectError naming the port.
func (c *udpConn) explain(err error) error {
	if err == nil || !IsErrno(err, syscall.ECONNREFUSED) {
		return err
	}
	e := &ConnectError{Network: "udp", Err: syscall.ECONNREFUSED}
	if a, ok := c.RemoteAddr().(*net.UDPAddr); ok {
		e.IP, e.Port = a.IP, a.Port
	}
	return e
}

func sameUDPAddr(a, b *net.UDPAddr) bool {
	return a != nil && b != nil && a.Port == b.Port && a.IP.Equal(b.IP)
}

// AcceptUDP waits on pc for the first datagram and makes the socket a
// conversation with its sender, as nc -u -l does: the socket is connected
// to that peer (the kernel then drops datagrams from anyone else), and the
// returned conn delivers the first datagram before any other.
//
// With multi (-k) the socket is left unconnected: datagrams from every
// peer are read, and writes go to the peer heard from last. onPeer, if
// set, is called for the first peer and, with multi, each new one.
func AcceptUDP(ctx context.Context, pc *net.UDPConn, multi bool, onPeer func(net.Addr)) (net.Conn, error) {
	stop := context.AfterFunc(ctx, func() { pc.SetReadDeadline(time.Now()) })
	buf := make([]byte, maxDatagram)
	n, peer, err := pc.ReadFromUDP(buf)
	stop()
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	if err != nil {
		return nil, err
	}
	if onPeer != nil {
		onPeer(peer)
	}
	first := append([]byte{}, buf[:n]...)
	if multi {
		return &udpFanIn{UDPConn: pc, last: peer, pending: first, onPeer: onPeer}, nil
	}
	if err := connectUDP(pc, peer); err != nil {
		return nil, err
	}
	return newUDPConn(pc, peer, first), nil
}

// connectUDP connects pc to peer with connect(2): Go has no way to connect
// a socket it already bound.
func connectUDP(pc *net.UDPConn, peer *net.UDPAddr) error {
	raw, err := pc.SyscallConn()
	if err != nil {
		return err
	}
	var cerr error
	err = raw.Control(func(fd uintptr) {
		local, err := syscall.Getsockname(sockHandle(fd))
		if err != nil {
			cerr = err
			return
		}
		var sa syscall.Sockaddr
		if _, ok := local.(*syscall.SockaddrInet4); ok {
			a := &syscall.SockaddrInet4{Port: peer.Port}
			copy(a.Addr[:], peer.IP.To4())
			sa = a
		} else {
			a := &syscall.SockaddrInet6{Port: peer.Port}
			copy(a.Addr[:], peer.IP.To16())
			sa = a
		}
		cerr = syscall.Connect(sockHandle(fd), sa)
	})
	if err != nil {
		return err
	}
	if cerr != nil {
		return &ConnectError{IP: peer.IP, Port: peer.Port, Network: "udp", Err: cerr}
	}
	return nil
}

// udpFanIn is a listening UDP socket that hears every peer and answers the
// one heard from last (-u -l -k).
type udpFanIn struct {
	*net.UDPConn
	onPeer func(net.Addr) // told about each new peer

	mu      sync.Mutex
	last    *net.UDPAddr // where writes go
	pending []byte       // the first datagram, not yet read
}

func (c *udpFanIn) RemoteAddr() net.Addr {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

func (c *udpFanIn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if c.pending != nil {
		n := copy(p, c.pending)
		c.pending = nil
		c.mu.Unlock()
		return n, nil
	}
	c.mu.Unlock()
	n, from, err := c.UDPConn.ReadFromUDP(p)
	if err != nil {
		return n, err
	}
	c.mu.Lock()
	changed := !sameUDPAddr(from, c.last)
	c.last = from
	c.mu.Unlock()
	if changed && c.onPeer != nil {
		c.onPeer(from)
	}
	return n, nil
}

func (c *udpFanIn) Write(p []byte) (int, error) {
	c.mu.Lock()
	to := c.last
	c.mu.Unlock()
	return c.UDPConn.WriteToUDP(p, to)
}

func (c *udpFanIn) WriteTo(w io.Writer) (int64, error) {
	return copyDatagrams(w, c)
}
