package session

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// Transcript is a connection that writes what passes through it, both
// ways, to a log (--log, and the escape prompt's log command). Logging can
// start and stop while the connection is in use. The format is one text
// line a record, so that a student can read it and a program can parse it:
//
//	# 2026-05-01T12:00:00.000+02:00 rawtalk transcript: localhost (127.0.0.1 port 25) from 127.0.0.1 port 54022
//	2026-05-01T12:00:00.012+02:00 < 220 ready\r\n
//	2026-05-01T12:00:01.345+02:00 > EHLO me\r\n
//	# 2026-05-01T12:00:02.001+02:00 < EOF (the server closed the connection)
//	# 2026-05-01T12:00:02.002+02:00 end: 9 bytes sent, 11 bytes received
//
// A data record is an RFC 3339 time with milliseconds, a space, > (sent)
// or < (received), a space, and the bytes of one read or write, cut after
// each LF so that a record holds at most one line, escaped (see
// AppendEscaped); records end with a newline. Lines that start with "# "
// are events, not data. Concatenating the records of one direction gives
// back exactly the bytes that went that way.
type Transcript struct {
	net.Conn
	// Peer is the host as the user named it, for the header line.
	Peer string
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time

	mu       sync.Mutex
	w        *bufio.Writer // the log; nil when not logging
	closer   io.Closer     // closes what w writes to
	name     string        // the log's name, for status
	sent     int64         // bytes sent since logging started
	received int64         // bytes received since logging started
	failed   error         // the write to the log that failed, ending it
}

// NewTranscript wraps conn; nothing is logged until Start.
func NewTranscript(conn net.Conn) *Transcript {
	return &Transcript{Conn: conn}
}

// TimeFormat is the transcript's timestamp: RFC 3339 with milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// OpenLog opens a transcript file: appended to if it exists, created with
// mode 0600 if not (a transcript holds whatever was typed, passwords too).
func OpenLog(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
}

// Start logs to w from now on, under name, beginning with a header line.
// A log already running is ended first. If w is an io.Closer, Stop and
// Close close it.
func (t *Transcript) Start(w io.Writer, name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopLocked()
	t.w = bufio.NewWriter(w)
	t.closer, _ = w.(io.Closer)
	t.name = name
	t.sent, t.received, t.failed = 0, 0, nil
	peer := AddrWords(t.Conn.RemoteAddr())
	if host, _, _ := net.SplitHostPort(t.Conn.RemoteAddr().String()); t.Peer != "" && t.Peer != host {
		peer = fmt.Sprintf("%s (%s)", t.Peer, peer)
	}
	t.eventLocked(fmt.Sprintf("rawtalk transcript: %s from %s", peer, AddrWords(t.Conn.LocalAddr())))
	t.flushLocked()
	if t.failed != nil {
		err := t.failed
		t.stopLocked()
		return err
	}
	return nil
}

// Stop ends the log with a closing line and closes it. It returns the
// first error writing the log met, if any.
func (t *Transcript) Stop() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stopLocked()
}

func (t *Transcript) stopLocked() error {
	if t.w == nil {
		return nil
	}
	t.eventLocked(fmt.Sprintf("end: %d bytes sent, %d bytes received", t.sent, t.received))
	t.flushLocked()
	err := t.failed
	if t.closer != nil {
		if cerr := t.closer.Close(); err == nil {
			err = cerr
		}
	}
	t.w, t.closer, t.name = nil, nil, ""
	return err
}

// Logging is the name of the log being written, or "".
func (t *Transcript) Logging() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.name
}

// Err is why logging stopped on its own: a failed write to the log.
func (t *Transcript) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

func (t *Transcript) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.w == nil {
		return n, err
	}
	t.received += int64(n)
	t.recordLocked('<', p[:n])
	switch {
	case err == io.EOF:
		t.eventLocked("< EOF (the server closed the connection)")
	case err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, os.ErrDeadlineExceeded):
		t.eventLocked("< error: " + Strerror(err))
	}
	t.flushLocked()
	return n, err
}

func (t *Transcript) Write(p []byte) (int, error) {
	n, err := t.Conn.Write(p)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.w == nil {
		return n, err
	}
	t.sent += int64(n)
	t.recordLocked('>', p[:n])
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		t.eventLocked("> error: " + Strerror(err))
	}
	t.flushLocked()
	return n, err
}

// CloseWrite half-closes the connection, if it can be, and logs it.
func (t *Transcript) CloseWrite() error {
	cw, ok := t.Conn.(interface{ CloseWrite() error })
	if !ok {
		return errors.ErrUnsupported
	}
	err := cw.CloseWrite()
	if err == nil {
		t.mu.Lock()
		if t.w != nil {
			t.eventLocked("> EOF (half-close: nothing more will be sent)")
			t.flushLocked()
		}
		t.mu.Unlock()
	}
	return err
}

// Close closes the connection and ends the log.
func (t *Transcript) Close() error {
	err := t.Conn.Close()
	t.Stop()
	return err
}

// recordLocked writes one data record per line of p.
func (t *Transcript) recordLocked(dir byte, p []byte) {
	if len(p) == 0 {
		return
	}
	stamp := t.now().Format(TimeFormat)
	line := make([]byte, 0, len(stamp)+3+len(p)+16)
	for len(p) > 0 {
		end := len(p)
		for i, b := range p {
			if b == '\n' {
				end = i + 1
				break
			}
		}
		line = append(line[:0], stamp...)
		line = append(line, ' ', dir, ' ')
		line = AppendEscaped(line, p[:end])
		line = append(line, '\n')
		t.writeLocked(line)
		p = p[end:]
	}
}

// eventLocked writes a "# TIME what" line.
func (t *Transcript) eventLocked(what string) {
	t.writeLocked([]byte("# " + t.now().Format(TimeFormat) + " " + what + "\n"))
}

func (t *Transcript) writeLocked(b []byte) {
	if t.failed == nil {
		_, t.failed = t.w.Write(b)
	}
}

func (t *Transcript) flushLocked() {
	if t.failed == nil {
		t.failed = t.w.Flush()
	}
}

func (t *Transcript) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// AppendEscaped appends p in the transcript's escaping: printable ASCII
// other than backslash as itself, \\ for a backslash, \r \n \t for CR, LF
// and tab, and \xNN (two lowercase hex digits) for every other byte,
// UTF-8 included. The result is ASCII and decodes back to p exactly.
func AppendEscaped(dst, p []byte) []byte {
	const hex = "0123456789abcdef"
	for _, b := range p {
		switch {
		case b == '\\':
			dst = append(dst, '\\', '\\')
		case b == '\r':
			dst = append(dst, '\\', 'r')
		case b == '\n':
			dst = append(dst, '\\', 'n')
		case b == '\t':
			dst = append(dst, '\\', 't')
		case b >= 0x20 && b < 0x7f:
			dst = append(dst, b)
		default:
			dst = append(dst, '\\', 'x', hex[b>>4], hex[b&0xf])
		}
	}
	return dst
}

// WithSocket returns wrapper, a connection that passes bytes through
// inner, made to lend out inner's socket when inner is one (it has
// SyscallConn), so that telnet under a transcript or a view still sends
// and receives TCP urgent data. Bytes moved through the socket directly
// bypass the wrapper. CloseWrite goes to the wrapper.
func WithSocket(wrapper, inner net.Conn) net.Conn {
	sc, ok := inner.(syscall.Conn)
	if !ok {
		return wrapper
	}
	return &socketConn{Conn: wrapper, socket: sc}
}

type socketConn struct {
	net.Conn              // the wrapper
	socket   syscall.Conn // the socket under it
}

// SyscallConn lends out the socket for Control, Read and Write calls, but
// not its poll descriptor: with that, os.File's io.Copy paths would splice
// to and from the socket around the wrapper.
func (c *socketConn) SyscallConn() (syscall.RawConn, error) {
	rc, err := c.socket.SyscallConn()
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

func (c *socketConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.ErrUnsupported
}
