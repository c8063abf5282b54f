package scan

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
)

// Classes of failure beyond the States, which classify returns to the
// worker: the process is out of file descriptors (retry the port with
// fewer workers), or the address cannot be reached on any port.
const (
	outOfFiles State = 100 + iota
	addressFailed
)

// classify turns a probe's error into the port's state.
func classify(err error, network string) State {
	errno, ok := err.(syscall.Errno) // the built-in prober's errors: no allocation
	if !ok {
		errno, ok = dial.Errno(err) // Winsock's numbers too
	}
	if ok {
		switch errno {
		case syscall.ECONNREFUSED:
			return Closed
		case syscall.EMFILE, syscall.ENFILE:
			return outOfFiles
		case syscall.ENETUNREACH, syscall.EADDRNOTAVAIL, syscall.EAFNOSUPPORT, syscall.EINVAL:
			return addressFailed
		}
	}
	if network == "udp" && isTimeout(err) {
		return OpenFiltered
	}
	// Timed out, host unreachable, or blocked by a local firewall (EACCES,
	// EPERM): nothing says whether a service listens.
	return Filtered
}

func isTimeout(err error) bool {
	var ne net.Error
	return dial.IsErrno(err, syscall.ETIMEDOUT) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// dialProber probes with Options.Dial: portable, and the way tests watch
// the connections the scanner makes.
type dialProber struct{ opt Options }

func (p *dialProber) probe(ctx context.Context, ip netip.Addr, port uint16) outcome {
	network := "tcp4"
	if ip.Is6() && !ip.Is4In6() {
		network = "tcp6"
	}
	dctx, cancel := context.WithTimeout(ctx, p.opt.Timeout)
	conn, err := p.opt.Dial(dctx, network, netip.AddrPortFrom(ip, port).String())
	cancel()
	if err != nil {
		return outcome{err: err}
	}
	defer conn.Close()
	o := outcome{open: true}
	if p.opt.Banner {
		o.banner = readBanner(ctx, conn, p.opt.BannerTimeout)
	}
	return o
}

func (p *dialProber) close() {}

// deadlineReader is a connection that can bound a read: a net.Conn, or an
// *os.File holding a socket.
type deadlineReader interface {
	io.Reader
	SetReadDeadline(time.Time) error
}

// readBanner reads what a server says first: up to the end of its first
// line or bannerMax bytes, whichever comes first, within timeout.
func readBanner(ctx context.Context, r deadlineReader, timeout time.Duration) []byte {
	r.SetReadDeadline(time.Now().Add(timeout))
	stop := context.AfterFunc(ctx, func() { r.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	buf := make([]byte, 0, bannerMax)
	for len(buf) < bannerMax {
		n, err := r.Read(buf[len(buf):bannerMax])
		buf = buf[:len(buf)+n]
		if i := bytes.IndexByte(buf[len(buf)-n:], '\n'); i >= 0 {
			return buf[:len(buf)-n+i+1]
		}
		if err != nil {
			break
		}
	}
	if len(buf) == 0 {
		return nil
	}
	return buf
}
