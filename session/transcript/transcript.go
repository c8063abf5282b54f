package transcript

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/rawtalk/rawtalk/internal/safefile"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/pump"
	"io"
	"net"
	"os"
	"sync"
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
//
// Read and write through Conn, which half-closes as the connection under
// it can.
type Transcript struct {
	conn net.Conn // the connection logged
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

// New wraps conn; nothing is logged until Start.
func New(conn net.Conn) *Transcript {
	return &Transcript{conn: conn}
}

// Conn is the transcript as the connection to use: it half-closes (and
// logs that) if the connection under it can, and lends out its socket if
// it is one (see Layer).
func (t *Transcript) Conn() net.Conn { return pump.Layer(t, t.conn, t.closeWrite) }

// TimeFormat is the transcript's timestamp: RFC 3339 with milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// OpenLog opens a transcript file: appended to if it exists, created with
// mode 0600 if not (a transcript holds whatever was typed, passwords too).
// A symbolic link at path is refused with a *safefile.SymlinkError, so a
// link planted there cannot send the transcript elsewhere.
func OpenLog(path string) (*os.File, error) {
	return safefile.OpenAppend(path, 0o600)
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
	peer := dial.AddrWords(t.conn.RemoteAddr())
	if host, _, _ := net.SplitHostPort(t.conn.RemoteAddr().String()); t.Peer != "" && t.Peer != host {
		peer = fmt.Sprintf("%s (%s)", t.Peer, peer)
	}
	t.eventLocked(fmt.Sprintf("rawtalk transcript: %s from %s", peer, dial.AddrWords(t.conn.LocalAddr())))
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
	n, err := t.conn.Read(p)
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
		t.eventLocked("< error: " + dial.Strerror(err))
	}
	t.flushLocked()
	return n, err
}

func (t *Transcript) Write(p []byte) (int, error) {
	n, err := t.conn.Write(p)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.w == nil {
		return n, err
	}
	t.sent += int64(n)
	t.recordLocked('>', p[:n])
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		t.eventLocked("> error: " + dial.Strerror(err))
	}
	t.flushLocked()
	return n, err
}

// closeWrite half-closes the connection, which Conn offers only when it
// can, and logs it.
func (t *Transcript) closeWrite() error {
	err := t.conn.(interface{ CloseWrite() error }).CloseWrite()
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
	err := t.conn.Close()
	t.Stop()
	return err
}

func (t *Transcript) LocalAddr() net.Addr                { return t.conn.LocalAddr() }
func (t *Transcript) RemoteAddr() net.Addr               { return t.conn.RemoteAddr() }
func (t *Transcript) SetDeadline(d time.Time) error      { return t.conn.SetDeadline(d) }
func (t *Transcript) SetReadDeadline(d time.Time) error  { return t.conn.SetReadDeadline(d) }
func (t *Transcript) SetWriteDeadline(d time.Time) error { return t.conn.SetWriteDeadline(d) }

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
