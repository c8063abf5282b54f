package session

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"
)

// PipeOptions are the netcat knobs of piped mode.
type PipeOptions struct {
	// CRLF (-C) sends each bare LF from stdin as CRLF.
	CRLF bool
	// NoShutdown keeps the write side open at EOF on stdin instead of
	// half-closing it, for servers that hang up on a half-close.
	NoShutdown bool
	// QuitAfterEOF (-q) ends the session this long after EOF on stdin;
	// negative waits for the server to close.
	QuitAfterEOF time.Duration
	// IdleTimeout (-w) ends the session when neither side has sent anything
	// for this long; zero disables it. It costs the zero-copy paths.
	IdleTimeout time.Duration
}

// Counts is what a session moved, for -v's closing line and `status`.
type Counts struct {
	Sent, Received int64
	Elapsed        time.Duration
}

// TransferError is a connection lost in the middle of a session.
type TransferError struct {
	Peer net.Addr
	Err  error
}

func (e *TransferError) Error() string {
	return fmt.Sprintf("connection to %s lost: %s", addrWords(e.Peer), Strerror(e.Err))
}

func (e *TransferError) Unwrap() error { return e.Err }

// InputError is a failure to read what the user piped in.
type InputError struct{ Err error }

func (e *InputError) Error() string { return "reading standard input: " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// IdleError reports that -w's idle timeout ended the session.
type IdleError struct{ After time.Duration }

func (e *IdleError) Error() string {
	return fmt.Sprintf("no data in either direction for %v; closing", e.After)
}

// addrWords prints an address as nc does: "127.0.0.1 port 80".
func addrWords(a net.Addr) string {
	if a == nil {
		return "peer"
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host + " port " + port
}

type copyResult struct {
	n   int64
	err error
}

// Pipe is piped mode: stdin goes to conn and conn goes to stdout, unchanged,
// until both the user's input and the server's output have ended (nc's rule).
// At EOF on stdin the write side is half-closed so the server knows the
// request is complete, and reading goes on until the server closes.
//
// With no options set, both loops are plain io.Copy calls between the
// caller's *os.File and the *net.TCPConn, so Linux's sendfile and splice
// carry the bytes; counts come from io.Copy's return values.
//
// When the server has closed and stdin is still open, Pipe returns as soon
// as a write to the server fails; the goroutine reading stdin may still be
// blocked in a read the caller cannot interrupt, and ends with the process.
func Pipe(conn net.Conn, stdin io.Reader, stdout io.Writer, opt PipeOptions) (Counts, error) {
	start := time.Now()
	var idle *idleWatch
	if opt.IdleTimeout > 0 {
		idle = newIdleWatch(opt.IdleTimeout, conn)
		defer idle.stop()
		stdin = idle.reader(stdin)
		stdout = idle.writer(stdout)
	}
	if opt.CRLF {
		stdin = &crlfReader{r: stdin}
	}

	uploaded := make(chan copyResult, 1)
	downloaded := make(chan copyResult, 1)
	go func() { // upload: the user's bytes to the server
		n, err := io.Copy(conn, stdin)
		if err == nil && !opt.NoShutdown {
			closeWrite(conn)
		}
		uploaded <- copyResult{n, err}
	}()
	go func() { // download: the server's bytes to the user
		n, err := io.Copy(stdout, conn)
		downloaded <- copyResult{n, err}
	}()

	var counts Counts
	var quit <-chan time.Time
	upDone, downDone := false, false
	var result error
	for !(upDone && downDone) {
		select {
		case r := <-uploaded:
			upDone = true
			counts.Sent = r.n
			switch {
			case r.err == nil:
				if opt.QuitAfterEOF >= 0 {
					quit = time.After(opt.QuitAfterEOF)
				}
			case isNetWriteError(r.err, conn):
				// The server is gone; the download loop says how.
				if !downDone && isReset(r.err) {
					result = &TransferError{Peer: conn.RemoteAddr(), Err: syscall.ECONNRESET}
				}
			default:
				result = &InputError{Err: r.err}
				downDone = true
			}
		case r := <-downloaded:
			downDone = true
			counts.Received = r.n
			switch {
			case r.err == nil:
				// The server closed. Keep sending what stdin still has, as nc
				// does, unless the user asked to stop at stdin EOF only.
			case errors.Is(r.err, syscall.EPIPE):
				// stdout was closed (`| head -c 10`): the reader is done.
				upDone = true
			default:
				if idle != nil && idle.fired() {
					result = &IdleError{After: opt.IdleTimeout}
				} else {
					result = &TransferError{Peer: conn.RemoteAddr(), Err: r.err}
				}
				upDone = true
			}
		case <-quit:
			upDone, downDone = true, true
		}
	}
	conn.Close()
	if idle != nil && idle.fired() && result == nil {
		result = &IdleError{After: opt.IdleTimeout}
	}
	counts.Elapsed = time.Since(start)
	return counts, result
}

// closeWrite half-closes conn if it can: TCP and unix stream sockets can.
func closeWrite(conn net.Conn) {
	if cw, ok := conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
}

// isNetWriteError tells a failed write to the server from a failed read of
// stdin: io.Copy reports both the same way.
func isNetWriteError(err error, conn net.Conn) bool {
	var op *net.OpError
	var refused *ConnectError // UDP: ICMP port unreachable
	if errors.As(err, &op) || errors.As(err, &refused) {
		return true
	}
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed)
}

func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

// crlfReader turns each LF not already preceded by CR into CRLF (-C).
type crlfReader struct {
	r       io.Reader
	buf     [16 << 10]byte
	out     []byte // converted bytes not yet returned
	afterCR bool   // the last byte read was CR, across reads
}

func (c *crlfReader) Read(p []byte) (int, error) {
	if len(c.out) == 0 {
		n, err := c.r.Read(c.buf[:len(c.buf)/2])
		if n == 0 {
			return 0, err
		}
		out := c.buf[len(c.buf)/2 : len(c.buf)/2]
		for _, b := range c.buf[:n] {
			if b == '\n' && !c.afterCR {
				out = append(out, '\r')
			}
			out = append(out, b)
			c.afterCR = b == '\r'
		}
		c.out = out
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}
