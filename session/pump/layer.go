package pump

import (
	"net"
	"syscall"
)

// Layer returns wrapper, a connection that moves its bytes through inner,
// with the optional abilities of inner and only those: CloseWrite, through
// closeWrite, when inner can half-close (UDP cannot), and SyscallConn when
// inner is a socket (telnet's urgent data needs it). Code that asks what a
// connection can do then gets the same answer through the wrapper.
//
// The socket is lent for Control, Read and Write calls but without its
// poll descriptor: with that, os.File's io.Copy would splice to and from
// the socket around the wrapper. Bytes moved through the socket directly
// (telnet's urgent data) bypass the wrapper.
func Layer(wrapper, inner net.Conn, closeWrite func() error) net.Conn {
	_, half := inner.(interface{ CloseWrite() error })
	socket, isSocket := inner.(syscall.Conn)
	switch {
	case half && isSocket:
		return &halfCloserSocket{&halfCloser{wrapper, closeWrite}, socket}
	case half:
		return &halfCloser{wrapper, closeWrite}
	case isSocket:
		return &socketLender{wrapper, socket}
	}
	return wrapper
}

// halfCloser is a wrapper that can half-close.
type halfCloser struct {
	net.Conn
	closeWrite func() error
}

func (c *halfCloser) CloseWrite() error { return c.closeWrite() }

// socketLender is a wrapper over a socket.
type socketLender struct {
	net.Conn
	socket syscall.Conn
}

func (c *socketLender) SyscallConn() (syscall.RawConn, error) { return lend(c.socket) }

// halfCloserSocket is both.
type halfCloserSocket struct {
	*halfCloser
	socket syscall.Conn
}

func (c *halfCloserSocket) SyscallConn() (syscall.RawConn, error) { return lend(c.socket) }

// lend is the socket's RawConn, hiding the poll descriptor behind it.
func lend(socket syscall.Conn) (syscall.RawConn, error) {
	rc, err := socket.SyscallConn()
	if err != nil {
		return nil, err
	}
	return rawConn{rc}, nil
}

// rawConn is a syscall.RawConn and nothing more.
type rawConn struct{ rc syscall.RawConn }

func (r rawConn) Control(f func(fd uintptr)) error           { return r.rc.Control(f) }
func (r rawConn) Read(f func(fd uintptr) (done bool)) error  { return r.rc.Read(f) }
func (r rawConn) Write(f func(fd uintptr) (done bool)) error { return r.rc.Write(f) }
