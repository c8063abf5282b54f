package transcript

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/rawtalk/rawtalk/internal/safefile"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/pump"
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
	log      *Log      // the log; nil when not logging
	own      bool      // Stop closes log: Start made it
	batch    []byte    // records of one read or write, put in one write
	stamp    time.Time // the time of the batch's first record
	sent     int64     // bytes sent since logging started
	received int64     // bytes received since logging started
	failed   error     // the log's failure, kept after Stop
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

// Start logs to w from now on, under name, beginning with a header line;
// Stop and Close close w if it is an io.Closer. A log already running is
// ended first. If the header cannot be written, logging stops at once and
// the error (a *LogError) is returned: the escape prompt's log command
// says so and the session goes on.
func (t *Transcript) Start(w io.Writer, name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopLocked()
	t.startLocked(NewLog(w, name), true)
	if err := t.log.Err(); err != nil {
		t.stopLocked()
		return err
	}
	return nil
}

// StartLog logs to l from now on, beginning with a header line; Stop ends
// this session's part with its end line but leaves l open for the next
// (-l -k). A log already running is ended first. A log that cannot be
// written reports through l.OnFail and l.Err, and the session goes on.
func (t *Transcript) StartLog(l *Log) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopLocked()
	t.startLocked(l, false)
}

func (t *Transcript) startLocked(l *Log, own bool) {
	t.log, t.own = l, own
	t.sent, t.received, t.failed = 0, 0, nil
	peer := dial.AddrWords(t.conn.RemoteAddr())
	if host, _, _ := net.SplitHostPort(t.conn.RemoteAddr().String()); t.Peer != "" && t.Peer != host {
		peer = fmt.Sprintf("%s (%s)", t.Peer, peer)
	}
	t.eventLocked(fmt.Sprintf("rawtalk transcript: %s from %s", peer, dial.AddrWords(t.conn.LocalAddr())))
	t.flushLocked()
}

// Detach ends this connection's part of the log with its end line and
// hands the log over without closing it, for the next connection's
// transcript to Attach (the escape prompt's reconnect): one file, a header
// and an end line per connection. It returns nil when not logging.
func (t *Transcript) Detach() (l *Log, own bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, own = t.log, t.own
	t.own = false // stopLocked must not close it
	t.stopLocked()
	return l, own
}

// Attach goes on with a log another transcript detached: a header line
// for this connection, then its records. own says whether Stop closes it.
func (t *Transcript) Attach(l *Log, own bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopLocked()
	if l != nil {
		t.startLocked(l, own)
	}
}

// Stop ends the log with a closing line, and closes it if Start opened
// it. It returns the log's failure, if writing it failed.
func (t *Transcript) Stop() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stopLocked()
}

func (t *Transcript) stopLocked() error {
	if t.log == nil {
		return t.failed
	}
	t.eventLocked(fmt.Sprintf("end: %d bytes sent, %d bytes received", t.sent, t.received))
	t.flushLocked()
	var err error
	if t.own {
		err = t.log.Close()
	} else {
		err = t.log.Err()
	}
	t.failed = err
	t.log, t.own = nil, false
	return err
}

// Logging is the name of the log being written, or "".
func (t *Transcript) Logging() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.log == nil {
		return ""
	}
	return t.log.Name()
}

// Err is why the log is incomplete: a failed write to it (a *LogError),
// also after Stop.
func (t *Transcript) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.log != nil {
		return t.log.Err()
	}
	return t.failed
}

func (t *Transcript) Read(p []byte) (int, error) {
	n, err := t.conn.Read(p)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.log == nil {
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
	if t.log == nil {
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
		if t.log != nil {
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

// recordLocked adds one data record per line of p to the batch.
func (t *Transcript) recordLocked(dir byte, p []byte) {
	if len(p) == 0 {
		return
	}
	stamp := t.stampLocked()
	for len(p) > 0 {
		end := len(p)
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			end = i + 1
		}
		t.batch = append(t.batch, stamp...)
		t.batch = append(t.batch, ' ', dir, ' ')
		t.batch = AppendEscaped(t.batch, p[:end])
		t.batch = append(t.batch, '\n')
		p = p[end:]
	}
}

// eventLocked adds a "# TIME what" line to the batch.
func (t *Transcript) eventLocked(what string) {
	t.batch = append(t.batch, "# "...)
	t.batch = append(t.batch, t.stampLocked()...)
	t.batch = append(t.batch, ' ')
	t.batch = append(t.batch, what...)
	t.batch = append(t.batch, '\n')
}

// stampLocked reads the clock for a record, and remembers the batch's
// first reading for a note on a failed write.
func (t *Transcript) stampLocked() string {
	now := t.now()
	if len(t.batch) == 0 {
		t.stamp = now
	}
	return now.Format(TimeFormat)
}

// flushLocked writes the batch to the log.
func (t *Transcript) flushLocked() {
	t.log.put(t.batch, t.stamp)
	t.batch = t.batch[:0]
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
