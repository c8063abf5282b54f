//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package telnet

import (
	"net"
	"os"
	"syscall"
)

// writeUrgent sends b with MSG_OOB, so that its last byte is TCP urgent
// data: BSD telnet's synch marks the DM this way, and a telnetd reading with
// SO_OOBINLINE skips ahead to it. Connections without a socket get a plain
// write.
func writeUrgent(conn net.Conn, b []byte) error {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		_, err := conn.Write(b)
		return err
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	var sendErr error
	err = rc.Write(func(fd uintptr) bool {
		for len(b) > 0 {
			n, err := syscall.SendmsgN(int(fd), b, nil, nil, syscall.MSG_OOB)
			switch err {
			case nil:
				b = b[n:]
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false // wait until the socket is writable
			default:
				sendErr = err
				return true
			}
		}
		return true
	})
	if err == nil && sendErr != nil {
		err = &net.OpError{Op: "write", Net: "tcp", Source: conn.LocalAddr(), Addr: conn.RemoteAddr(),
			Err: os.NewSyscallError("sendmsg", sendErr)}
	}
	return err
}

// keepUrgentInline sets SO_OOBINLINE on conn's socket, as BSD telnet does.
// A telnetd marks its synch (IAC DM) as urgent data, and telnetd marks the
// IAC rather than the DM; without this option the kernel takes the urgent
// byte out of the stream, and the DM that is left would show as data.
func keepUrgentInline(conn net.Conn) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return
	}
	if rc, err := sc.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_OOBINLINE, 1)
		})
	}
}
