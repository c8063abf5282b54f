package scan

import (
	"context"
	"net/netip"
	"os"
	"syscall"
	"time"
)

// tcpProber connects with non-blocking sockets of its own instead of
// net.Dialer, for speed: on loopback the kernel answers a connect before
// the call returns, so a second connect() on the same socket tells the
// result at once (0 or EISCONN: open; ECONNREFUSED: closed; EALREADY:
// still waiting), with no poller round trip. A socket whose connect was
// refused is back to unconnected and is reused for the next port, which
// saves the socket() and close() that cost as much as the connect. Only
// connects still waiting go to Go's poller, through an *os.File, bounded by
// the timeout. Measured on loopback: the full range in 0.31 s where
// net.Dialer takes 0.64 s and nc -z 0.86 s.
type tcpProber struct {
	opt Options
	fd  [2]int // a reusable socket for IPv4 and for IPv6, or -1
	sa4 syscall.SockaddrInet4
	sa6 syscall.SockaddrInet6
}

func newTCPProber(opt Options) prober {
	return &tcpProber{opt: opt, fd: [2]int{-1, -1}}
}

func (p *tcpProber) close() {
	for i, fd := range p.fd {
		if fd >= 0 {
			syscall.Close(fd)
			p.fd[i] = -1
		}
	}
}

// socket returns the reusable socket for ip's family, or a new one.
func (p *tcpProber) socket(ip netip.Addr) (fd, family int, err error) {
	family = 0
	domain := syscall.AF_INET
	if ip.Is6() {
		family, domain = 1, syscall.AF_INET6
	}
	if fd := p.fd[family]; fd >= 0 {
		p.fd[family] = -1
		return fd, family, nil
	}
	fd, err = syscall.Socket(domain, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, family, os.NewSyscallError("socket", err)
	}
	return fd, family, nil
}

func (p *tcpProber) sockaddr(ip netip.Addr, port uint16) syscall.Sockaddr {
	if ip.Is6() {
		p.sa6.Addr, p.sa6.Port = ip.As16(), int(port)
		return &p.sa6
	}
	p.sa4.Addr, p.sa4.Port = ip.As4(), int(port)
	return &p.sa4
}

func (p *tcpProber) probe(ctx context.Context, ip netip.Addr, port uint16) outcome {
	start := time.Now()
	fd, family, err := p.socket(ip)
	if err != nil {
		return outcome{err: err}
	}
	sa := p.sockaddr(ip, port)
	err = syscall.Connect(fd, sa)
	if err == syscall.EINPROGRESS {
		err = syscall.Connect(fd, sa)
	}
	switch err {
	case syscall.ECONNREFUSED:
		// The failed connect left the socket unconnected: keep it.
		p.fd[family] = fd
		return outcome{err: err}
	case nil, syscall.EISCONN:
		if selfConnected(fd) {
			syscall.Close(fd)
			return outcome{err: syscall.ECONNREFUSED}
		}
		if !p.opt.Banner {
			syscall.Close(fd)
			return outcome{open: true}
		}
		return p.opened(ctx, os.NewFile(uintptr(fd), ""))
	case syscall.EALREADY, syscall.EINPROGRESS:
		return p.wait(ctx, fd, sa, start)
	}
	syscall.Close(fd)
	return outcome{err: err}
}

// wait lets Go's poller tell when a pending connect ends, and asks the
// socket how it ended, until the deadline.
func (p *tcpProber) wait(ctx context.Context, fd int, sa syscall.Sockaddr, start time.Time) outcome {
	f := os.NewFile(uintptr(fd), "")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return outcome{err: err}
	}
	f.SetWriteDeadline(start.Add(p.opt.Timeout))
	stop := context.AfterFunc(ctx, func() { f.SetWriteDeadline(time.Unix(1, 0)) })
	var connErr error
	err = rc.Write(func(fd uintptr) bool {
		connErr = syscall.Connect(int(fd), sa)
		return connErr != syscall.EALREADY && connErr != syscall.EINPROGRESS
	})
	stop()
	if err == nil && (connErr == nil || connErr == syscall.EISCONN) {
		if selfConnected(fd) {
			f.Close()
			return outcome{err: syscall.ECONNREFUSED}
		}
		return p.opened(ctx, f)
	}
	f.Close()
	if err != nil {
		return outcome{err: err} // the deadline passed, or the scan was cancelled
	}
	return outcome{err: connErr}
}

// opened reads the banner of a connected socket if asked to, and closes it.
func (p *tcpProber) opened(ctx context.Context, f *os.File) outcome {
	defer f.Close()
	o := outcome{open: true}
	if p.opt.Banner {
		o.banner = readBanner(ctx, f, p.opt.BannerTimeout)
	}
	return o
}

// selfConnected reports a connection to itself: connecting to a closed port
// in the ephemeral range of this machine's own address can be given that
// same port as the local one, and TCP's simultaneous open then "succeeds"
// with nothing listening. Go's net.Dialer retries such dials for the same
// reason; the scanner reports the port as what it is, closed.
func selfConnected(fd int) bool {
	local, err1 := syscall.Getsockname(fd)
	peer, err2 := syscall.Getpeername(fd)
	if err1 != nil || err2 != nil {
		return false
	}
	switch l := local.(type) {
	case *syscall.SockaddrInet4:
		p, ok := peer.(*syscall.SockaddrInet4)
		return ok && l.Port == p.Port && l.Addr == p.Addr
	case *syscall.SockaddrInet6:
		p, ok := peer.(*syscall.SockaddrInet6)
		return ok && l.Port == p.Port && l.Addr == p.Addr
	}
	return false
}

// startPoller makes sure Go's network poller exists before the scan may
// take every file descriptor: the runtime creates it on first use, with two
// descriptors of its own, and crashes ("netpollinit failed") if it cannot
// have them. So first make sure four descriptors are free, with pipes the
// poller does not see, then create it with a pipe it does.
func startPoller() error {
	var spare [4]int
	if err := syscall.Pipe2(spare[:2], syscall.O_CLOEXEC); err != nil {
		return err
	}
	err := syscall.Pipe2(spare[2:], syscall.O_CLOEXEC)
	syscall.Close(spare[0])
	syscall.Close(spare[1])
	if err != nil {
		return err
	}
	syscall.Close(spare[2])
	syscall.Close(spare[3])
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	r.Close()
	w.Close()
	return nil
}
