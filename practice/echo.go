package practice

import (
	"net"
	"time"
)

// serveEcho sends back every byte the client sends (RFC 862's echo
// service), unchanged, until the client closes or goes quiet.
func (s *Server) serveEcho(conn net.Conn) {
	defer conn.Close()
	buf := make([]byte, 32<<10)
echoLoop:
	for {
		s.idleDeadline(conn)
		n, err := conn.Read(buf)
		if n > 0 {
			conn.SetWriteDeadline(time.Now().Add(writeTimeout))
			if _, err := conn.Write(buf[:n]); err != nil {
				break echoLoop
			}
		}
		if err != nil {
			break echoLoop
		}
	}
}
