//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package telnet

import "net"

// writeUrgent is a plain write where rawtalk has no MSG_OOB: the server
// still sees IAC DM, only without the urgent mark.
func writeUrgent(conn net.Conn, b []byte) error {
	_, err := conn.Write(b)
	return err
}

// keepUrgentInline does nothing where rawtalk has no SO_OOBINLINE.
func keepUrgentInline(conn net.Conn) {}
