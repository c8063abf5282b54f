package secure

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"sync"
	"time"

	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/session/dial"
)

// settleTime is how long StartTLS listens for server bytes still on their
// way before it upgrades: a go-ahead that arrives during the handshake would
// break it, and bytes after the go-ahead must be seen by the user.
const settleTime = 50 * time.Millisecond

// tailSize is how much of what the server sent since the user's last line
// LiveConn keeps to judge the server's answer to STARTTLS.
const tailSize = 1024

// LiveConn is a connection that can turn into TLS in the middle of a
// session, for the interactive session's manual `starttls`: the user types
// the protocol's own command (STARTTLS, a1 STARTTLS, STLS, AUTH TLS), reads
// the server's go-ahead, and asks for the upgrade. The session's reader and
// writer use the LiveConn; StartTLS pauses the reader, checks that no byte
// would be lost or misread, and swaps in the TLS connection.
type LiveConn struct {
	mu       sync.Mutex
	changed  *sync.Cond // signalled when pausing or reading changes
	conn     net.Conn   // the plain connection, then the *tls.Conn over it
	upgraded *tls.Conn  // set once StartTLS has succeeded
	pausing  bool       // StartTLS is running: Read waits, Write fails
	reading  bool       // a Read is inside conn.Read
	broken   error      // a failed upgrade: every later Read and Write fails with it
	pending  []byte     // bytes StartTLS found unread, for the next Read
	heard    []byte     // the last tailSize bytes received since the last Write
	heardAny bool       // anything was received since the last Write
	wrote    bool       // the user has sent something (the STARTTLS command)
}

// NewLiveConn wraps a plain connection.
func NewLiveConn(conn net.Conn) *LiveConn {
	l := &LiveConn{conn: conn}
	l.changed = sync.NewCond(&l.mu)
	return l
}

// ErrUpgradeFailed is every Read and Write after a failed StartTLS: the
// connection is closed, and StartTLS has already said why.
var ErrUpgradeFailed = errors.New("closed after the failed starttls")

// errUpgrading is a Write during StartTLS: the session should not send
// while the prompt is open, and must not send in clear after it.
var errUpgrading = errors.New("starttls is in progress")

// Read reads from the current connection. A Read blocked while StartTLS
// starts waits for it and then reads from the TLS connection.
func (l *LiveConn) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		for l.pausing {
			l.changed.Wait()
		}
		if l.broken != nil {
			return 0, l.broken
		}
		if len(l.pending) > 0 {
			n := copy(p, l.pending)
			l.pending = l.pending[n:]
			l.hear(p[:n])
			return n, nil
		}
		conn := l.conn
		l.reading = true
		l.mu.Unlock()
		n, err := conn.Read(p)
		l.mu.Lock()
		l.reading = false
		l.changed.Broadcast()
		l.hear(p[:n])
		if l.pausing && errors.Is(err, os.ErrDeadlineExceeded) {
			if n > 0 {
				return n, nil
			}
			continue // StartTLS woke this read; wait for it, then read on
		}
		return n, err
	}
}

// hear remembers what arrived since the user's last line.
func (l *LiveConn) hear(b []byte) {
	if len(b) == 0 {
		return
	}
	l.heardAny = true
	l.heard = append(l.heard, b...)
	if over := len(l.heard) - tailSize; over > 0 {
		l.heard = append(l.heard[:0], l.heard[over:]...)
	}
}

// Write sends p on the current connection.
func (l *LiveConn) Write(p []byte) (int, error) {
	l.mu.Lock()
	if l.broken != nil {
		defer l.mu.Unlock()
		return 0, l.broken
	}
	if l.pausing {
		l.mu.Unlock()
		return 0, errUpgrading
	}
	conn := l.conn
	l.heard, l.heardAny = l.heard[:0], false
	l.wrote = true
	l.mu.Unlock()
	return conn.Write(p)
}

// current is the connection in use now.
func (l *LiveConn) current() net.Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conn
}

// TLS is the TLS connection after a successful StartTLS, or nil.
func (l *LiveConn) TLS() *tls.Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.upgraded
}

func (l *LiveConn) Close() error                       { return l.current().Close() }
func (l *LiveConn) LocalAddr() net.Addr                { return l.current().LocalAddr() }
func (l *LiveConn) RemoteAddr() net.Addr               { return l.current().RemoteAddr() }
func (l *LiveConn) SetDeadline(t time.Time) error      { return l.current().SetDeadline(t) }
func (l *LiveConn) SetReadDeadline(t time.Time) error  { return l.current().SetReadDeadline(t) }
func (l *LiveConn) SetWriteDeadline(t time.Time) error { return l.current().SetWriteDeadline(t) }

// CloseWrite half-closes the current connection: close_notify once TLS.
func (l *LiveConn) CloseWrite() error {
	if cw, ok := l.current().(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// StartTLS upgrades the connection in place, after the user has sent the
// protocol's STARTTLS command and the server has said go ahead. host is the
// host dialled; client.WithServerName picks another name to check.
//
// It refuses (and the plain session goes on) when bytes have arrived that
// the user has not seen, when nothing has come from the server since the
// user's last line, when the server's last line is a refusal, or when the
// server sent more after its go-ahead. A failed handshake ends the
// connection: from then on Read and Write fail, so nothing more goes out in
// clear. Its errors are *TLSError.
func (l *LiveConn) StartTLS(ctx context.Context, client *TLSClient, host string) (*tls.Conn, error) {
	refuse := func(hint, format string, args ...any) error {
		return &TLSError{Op: "starttls", Reason: fmt.Sprintf(format, args...), Hint: hint}
	}
	l.mu.Lock()
	switch {
	case l.broken != nil:
		l.mu.Unlock()
		return nil, l.broken
	case l.upgraded != nil:
		l.mu.Unlock()
		return nil, refuse("", "the connection is already TLS")
	case l.pausing:
		l.mu.Unlock()
		return nil, refuse("", "starttls is already in progress")
	}
	plain := l.conn
	l.pausing = true
	plain.SetReadDeadline(time.Now()) // wakes a Read blocked in the kernel
	for l.reading {
		l.changed.Wait()
	}
	l.mu.Unlock()

	// No Read runs now. Listen a moment for bytes the user has not seen.
	plain.SetReadDeadline(time.Now().Add(settleTime))
	buf := make([]byte, 4096)
	n, probeErr := plain.Read(buf)
	plain.SetReadDeadline(time.Time{})

	l.mu.Lock()
	resume := func(err error) (*tls.Conn, error) {
		l.pausing = false
		l.changed.Broadcast()
		l.mu.Unlock()
		return nil, err
	}
	l.pending = append(l.pending, buf[:n]...)
	heard := l.heard
	switch {
	case len(l.pending) > 0:
		return resume(refuse("read them, then run starttls again",
			"the server sent %d bytes you have not seen yet (%s); not upgrading", len(l.pending), quote.Quote(clip(l.pending, 40))))
	case probeErr != nil && !errors.Is(probeErr, os.ErrDeadlineExceeded):
		return resume(refuse("", "the connection is gone: %s", dial.Strerror(dial.SystemError(probeErr))))
	case !l.wrote:
		return resume(refuse("send the protocol's command first (STARTTLS, a1 STARTTLS, STLS, AUTH TLS) and wait for the server's go-ahead",
			"you have not sent the protocol's STARTTLS command yet; not upgrading"))
	case !l.heardAny:
		return resume(refuse("send the protocol's command first (STARTTLS, a1 STARTTLS, STLS, AUTH TLS) and wait for the server's go-ahead",
			"nothing has come from the server since your last line; not upgrading"))
	}
	if refusal, extra := judgeGoAhead(heard); refusal != "" {
		return resume(refuse("", "the server did not agree: %s", quote.Quote(refusal)))
	} else if extra != "" {
		return resume(refuse("", "the server sent more after its go-ahead (%s); not upgrading: those bytes may have been injected", quote.Quote(extra)))
	}
	l.mu.Unlock()

	tc, err := client.handshake(ctx, plain, host, true)

	l.mu.Lock()
	defer l.mu.Unlock()
	l.pausing = false
	l.changed.Broadcast()
	if err != nil {
		// StartTLS's caller reports err; the session's reader and writer
		// get words of their own, so the same error and hint are not
		// reported again when the session ends.
		l.broken = ErrUpgradeFailed
		plain.Close()
		return nil, err
	}
	l.conn, l.upgraded = tc, tc
	l.heard, l.heardAny = l.heard[:0], false
	return tc, nil
}

var (
	// goAhead matches a server's yes to STARTTLS: SMTP and LMTP 220, FTP
	// 234, NNTP 382, POP3 +OK, an IMAP tagged OK, ManageSieve OK, IRC's
	// numeric 670, XMPP <proceed/>.
	goAhead = regexp.MustCompile(`^(220[ -]|234[ -]|382[ -]|\+OK|[^* ]+ OK\b|OK\b|(@\S+ )?:\S+ 670 )|<proceed\b`)
	// refusal matches a no: a 4xx or 5xx code, -ERR, an IMAP tagged NO or
	// BAD, ManageSieve NO, IRC's 691 (or 421 and 451 from a server that
	// does not know STARTTLS), XMPP <failure/>.
	refusal = regexp.MustCompile(`^([45][0-9][0-9]([ -]|$)|-ERR|[^* ]+ (NO|BAD)\b|NO\b|(@\S+ )?:\S+ (691|421|451) )|<failure\b`)
)

// judgeGoAhead reads what the server sent since the user's last line. It
// returns the refusal line if the last thing said is a refusal, or the
// bytes that came after a go-ahead line. Unknown protocols pass.
func judgeGoAhead(heard []byte) (refused, extra string) {
	lines := bytes.Split(heard, []byte("\n"))
	last := -1
	for i := len(lines) - 1; i >= 0; i-- {
		if len(bytes.TrimSpace(lines[i])) > 0 {
			last = i
			break
		}
	}
	if last < 0 {
		return "", ""
	}
	lastLine := bytes.TrimRight(lines[last], "\r")
	if refusal.Match(lastLine) {
		return string(clip(lastLine, 80)), ""
	}
	for i := last; i >= 0; i-- {
		line := bytes.TrimRight(lines[i], "\r")
		if loc := goAhead.FindIndex(line); loc != nil {
			after := bytes.Join(lines[i+1:last+1], []byte("\n"))
			if line[loc[0]] == '<' { // XML: what follows the element on its line counts too
				if end := bytes.IndexByte(line[loc[1]:], '>'); end >= 0 {
					after = append(bytes.TrimSpace(line[loc[1]+end+1:]), after...)
				}
			}
			if len(bytes.TrimSpace(after)) > 0 {
				return "", string(clip(after, 40))
			}
			return "", ""
		}
	}
	return "", ""
}

// clip is at most n bytes of b.
func clip(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
