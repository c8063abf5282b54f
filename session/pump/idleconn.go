package pump

import (
	"net"
	"time"
)

// WithIdleTimeout gives conn an idle limit (-i): once no byte has moved
// either way for d, conn is closed, and the read or write that was
// waiting returns an *IdleError. It is for the interactive session, which
// only sees the conn; piped mode has PipeOptions.IdleTimeout. Through
// Layer it keeps the conn's half-close and socket (telnet's urgent data).
func WithIdleTimeout(conn net.Conn, d time.Duration) net.Conn {
	c := &idleConn{Conn: conn, watch: newIdleWatch(d, conn), after: d}
	return Layer(c, conn, c.closeWrite)
}

type idleConn struct {
	net.Conn
	watch *idleWatch
	after time.Duration // the limit, for the error
}

func (c *idleConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.watch.touch()
	}
	return n, c.explain(err)
}

func (c *idleConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.watch.touch()
	}
	return n, c.explain(err)
}

func (c *idleConn) Close() error {
	c.watch.stop()
	return c.Conn.Close()
}

// closeWrite is Ctrl-D's half-close; Layer offers it only when the conn
// under it can half-close.
func (c *idleConn) closeWrite() error {
	return c.Conn.(interface{ CloseWrite() error }).CloseWrite()
}

func (c *idleConn) explain(err error) error {
	if err != nil && c.watch.fired() {
		return &IdleError{After: c.after}
	}
	return err
}
