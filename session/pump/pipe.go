package pump

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
)

// PipeOptions are the netcat knobs of piped mode.
type PipeOptions struct {
	// CRLF (-C) sends each bare LF from stdin as CRLF.
	CRLF bool
	// HalfClose (-N, -q) half-closes the connection at EOF on stdin, for
	// servers that wait for the end of the input (an echo or wc service).
	// It is off by default, as in OpenBSD nc: many servers and proxies take
	// a FIN as an abort and stop sending (nginx truncated a 20 MB answer to
	// 4-9 MB; HTTP CONNECT tunnels came back empty).
	HalfClose bool
	// QuitDatagram (-q with -u) ends a datagram session (UDP) QuitAfterEOF
	// after EOF on stdin, as Debian's nc does: a UDP peer has no close to
	// wait for. Stream connections read until the server closes.
	QuitDatagram bool
	QuitAfterEOF time.Duration
	// IdleTimeout (-w) ends the session when neither side has sent anything
	// for this long; zero disables it. It costs the zero-copy paths.
	IdleTimeout time.Duration
	// Peek, if set, is shown the first bytes the server sends, once, before
	// they are written out (the hint to try --telnet). The rest still takes
	// the zero-copy path.
	Peek func(first []byte)
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
	return fmt.Sprintf("connection to %s lost: %s", dial.AddrWords(e.Peer), dial.Strerror(e.Err))
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

type copyResult struct {
	n   int64
	err error
}

// Pipe is piped mode: stdin goes to conn and conn goes to stdout, unchanged,
// until both the user's input and the server's output have ended (nc's rule).
// At EOF on stdin reading goes on until the server closes; the write side is
// half-closed first only if opt.HalfClose asks for it.
//
// With no options set, both loops are plain io.Copy calls between the
// caller's *os.File and the *net.TCPConn, so Linux's sendfile and splice
// carry the bytes; counts come from io.Copy's return values. A pipe on
// stdout is grown to 1 MiB, and a pipe on stdin is read through Go's
// poller rather than in a blocking system call (both Linux; see pipes_linux.go).
//
// When the server has closed and stdin is still open, Pipe returns as soon
// as a write to the server fails; the goroutine reading stdin may still be
// blocked in a read the caller cannot interrupt, and ends with the process.
func Pipe(conn net.Conn, stdin io.Reader, stdout io.Writer, opt PipeOptions) (Counts, error) {
	start := time.Now()
	stdin, closeStdin := pollableStdin(stdin)
	defer closeStdin()
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
	growPipe(stdout)

	uploaded := make(chan copyResult, 1)
	downloaded := make(chan copyResult, 1)
	go func() { // upload: the user's bytes to the server
		n, err := io.Copy(conn, stdin)
		if err == nil && opt.HalfClose {
			closeWrite(conn)
		}
		uploaded <- copyResult{n, err}
	}()
	go func() { // download: the server's bytes to the user
		n, err := download(stdout, conn, opt.Peek)
		downloaded <- copyResult{n, err}
	}()

	var counts Counts
	var quit <-chan time.Time
	upDone, downDone, quitting := false, false, false
	var result error
	for !(upDone && downDone) {
		select {
		case r := <-uploaded:
			upDone = true
			counts.Sent = r.n
			switch {
			case r.err == nil:
				// EOF on stdin: the server's answer may still be coming.
				if _, stream := conn.(interface{ CloseWrite() error }); !stream && opt.QuitDatagram {
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
			case dial.IsErrno(r.err, syscall.EPIPE):
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
			upDone, downDone, quitting = true, true, true
		}
	}
	conn.Close()
	if quitting {
		// The download loop ends once the connection is closed: take its
		// count, for -v's closing line.
		counts.Received = (<-downloaded).n
	}
	if idle != nil && idle.fired() && result == nil {
		result = &IdleError{After: opt.IdleTimeout}
	}
	counts.Elapsed = time.Since(start)
	return counts, result
}

// download copies the server's bytes to stdout. With peek set, the first
// read is done by hand and shown to peek; io.Copy, and so splice, carries
// the rest.
func download(stdout io.Writer, conn net.Conn, peek func([]byte)) (int64, error) {
	var first int64
	if peek != nil {
		buf := make([]byte, 4096)
		n, err := conn.Read(buf)
		if n > 0 {
			peek(buf[:n])
			w, werr := stdout.Write(buf[:n])
			first = int64(w)
			if werr != nil {
				return first, werr
			}
		}
		if err == io.EOF {
			return first, nil
		}
		if err != nil {
			return first, err
		}
	}
	n, err := io.Copy(stdout, conn)
	return first + n, err
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
	var refused *dial.ConnectError // UDP: ICMP port unreachable
	if errors.As(err, &op) || errors.As(err, &refused) {
		return true
	}
	return dial.IsErrno(err, syscall.EPIPE) || dial.IsErrno(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed)
}

func isReset(err error) bool { return dial.IsErrno(err, syscall.ECONNRESET) }

// crlfReader turns each LF not already preceded by CR into CRLF (-C).
// Output is at most twice the input, so the converted bytes always fit in
// out and a read allocates nothing.
type crlfReader struct {
	r       io.Reader
	in      [16 << 10]byte // what was read from r
	buf     [32 << 10]byte // the converted bytes
	out     []byte         // converted bytes not yet returned
	afterCR bool           // the last byte read was CR, across reads
}

func (c *crlfReader) Read(p []byte) (int, error) {
	if len(c.out) == 0 {
		n, err := c.r.Read(c.in[:])
		if n == 0 {
			return 0, err
		}
		c.out = c.convert(c.in[:n])
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// convert copies src into c.buf with a CR before each bare LF, a run of
// text at a time.
func (c *crlfReader) convert(src []byte) []byte {
	o := 0
	for len(src) > 0 {
		i := 0
		if src[0] != '\n' { // most lines: find the end in one call
			i = bytes.IndexByte(src, '\n')
		}
		if i < 0 {
			o += copy(c.buf[o:], src)
			c.afterCR = src[len(src)-1] == '\r'
			break
		}
		if i > 0 {
			o += copy(c.buf[o:], src[:i])
			c.afterCR = src[i-1] == '\r'
		}
		if !c.afterCR {
			c.buf[o] = '\r'
			o++
		}
		c.buf[o] = '\n'
		o++
		c.afterCR = false
		src = src[i+1:]
	}
	return c.buf[:o]
}
