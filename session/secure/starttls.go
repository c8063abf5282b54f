package secure

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/session/dial"
)

// StartTLSProtocols are the protocols --starttls speaks, for its help,
// its check and the shell completions.
func StartTLSProtocols() []string {
	return []string{"smtp", "lmtp", "imap", "pop3", "sieve", "nntp", "ftp", "xmpp", "irc", "postgres", "mysql", "ldap"}
}

// tlsPorts are the usual ports where each STARTTLS protocol speaks TLS from
// the first byte, for the hint when a server offers no STARTTLS.
var tlsPorts = map[string]string{
	"smtp": "465", "imap": "993", "pop3": "995", "nntp": "563", "ftp": "990", "xmpp": "5223", "irc": "6697", "ldap": "636",
}

// PreambleOptions tune the plain-text part of an automatic STARTTLS.
type PreambleOptions struct {
	// Domain is the server's name: XMPP puts it in its stream header.
	Domain string
	// Timeout bounds each reply from the server; zero is DefaultTLSTimeout.
	Timeout time.Duration
	// Trace, if set, is shown each line rawtalk sends (sent is true) and
	// each line the server answers, with control bytes made visible (-v).
	Trace func(sent bool, line string)
}

// StartTLSPreamble speaks proto's plain-text preamble on conn, from the
// server's greeting up to its go-ahead for TLS; the caller then runs the
// handshake on the same conn. It returns the server's greeting, the bytes it
// sent before rawtalk said anything, as they came (for irc, the notices it
// sent before its answer; nil for protocols where the client speaks first,
// xmpp, postgres and ldap, and for mysql, whose greeting is binary), also
// with an error.
//
// It refuses, with an error, when the server has sent anything after its
// go-ahead: those bytes would be lost, or could be an injected plain-text
// answer posing as one from inside TLS. Its errors are *TLSError.
func StartTLSPreamble(ctx context.Context, conn net.Conn, proto string, o PreambleOptions) (greeting []byte, err error) {
	speak, ok := preambles[proto]
	if !ok {
		return nil, &dial.ArgError{Arg: proto, What: "--starttls protocol", Reason: "want one of " + strings.Join(StartTLSProtocols(), ", ")}
	}
	d := &dialogue{
		conn:    conn,
		r:       bufio.NewReaderSize(conn, 4096),
		proto:   proto,
		peer:    dial.AddrWords(conn.RemoteAddr()),
		timeout: o.Timeout,
		trace:   o.Trace,
		ctx:     ctx,
	}
	if d.timeout <= 0 {
		d.timeout = DefaultTLSTimeout
	}
	// Ctrl-C ends a wait for the server at once.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	defer conn.SetDeadline(time.Time{})
	if err := speak(d, o); err != nil {
		return d.greeting, err
	}
	if n := d.r.Buffered(); n > 0 {
		extra, _ := d.r.Peek(min(n, 32))
		return d.greeting, d.fail(nil, "", "%s sent %d more bytes after its go-ahead, before TLS began (%s); refusing to upgrade: they would be lost, or were injected", d.peer, n, quote.Quote(extra))
	}
	return d.greeting, nil
}

// preambles are the protocol dialogues, each up to the server's go-ahead.
var preambles = map[string]func(*dialogue, PreambleOptions) error{
	"smtp":     smtpPreamble,
	"lmtp":     lmtpPreamble,
	"imap":     imapPreamble,
	"pop3":     pop3Preamble,
	"sieve":    sievePreamble,
	"nntp":     nntpPreamble,
	"ftp":      ftpPreamble,
	"xmpp":     xmppPreamble,
	"irc":      ircPreamble,
	"postgres": postgresPreamble,
	"mysql":    mysqlPreamble,
	"ldap":     ldapPreamble,
}

// dialogue is one plain-text conversation with the server, with a deadline
// on every reply.
type dialogue struct {
	ctx       context.Context
	conn      net.Conn
	r         *bufio.Reader // reads conn; must be empty at the go-ahead
	proto     string
	peer      string // "127.0.0.1 port 25", for messages
	timeout   time.Duration
	trace     func(sent bool, line string)
	greeting  []byte // the server's first reply, as it came
	recording bool   // reads are appended to greeting
	lastLine  string // the last line readLine read
}

// fail makes the error for a preamble that cannot go on.
func (d *dialogue) fail(err error, hint, format string, args ...any) *TLSError {
	return &TLSError{Op: "starttls " + d.proto, Reason: fmt.Sprintf(format, args...), Hint: hint, Err: err}
}

// send writes one command line with CRLF.
func (d *dialogue) send(line string) error {
	return d.write([]byte(line+"\r\n"), line)
}

// write sends raw bytes; shown is what -v shows of them.
func (d *dialogue) write(b []byte, shown string) error {
	if d.trace != nil {
		d.trace(true, shown)
	}
	d.conn.SetWriteDeadline(time.Now().Add(d.timeout))
	if _, err := d.conn.Write(b); err != nil {
		return d.lost(err, "sending "+firstWord(shown))
	}
	return nil
}

// readLine reads one line of a reply, without its line ending; waiting
// names what rawtalk was waiting for, for the error.
func (d *dialogue) readLine(waiting string) (string, error) {
	d.conn.SetReadDeadline(time.Now().Add(d.timeout))
	raw, err := d.r.ReadSlice('\n')
	if d.recording {
		d.greeting = append(d.greeting, raw...)
	}
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", d.fail(err, d.protoHint(), "%s sent a line longer than %d bytes while rawtalk waited for %s: not %s", d.peer, d.r.Size(), waiting, d.proto)
	}
	if err != nil {
		return "", d.lost(err, waiting)
	}
	line := strings.TrimRight(string(raw), "\r\n")
	d.lastLine = line
	if d.trace != nil {
		d.trace(false, quote.String(line))
	}
	return line, nil
}

// peek waits for n bytes and returns them without reading them.
func (d *dialogue) peek(n int, waiting string) ([]byte, error) {
	d.conn.SetReadDeadline(time.Now().Add(d.timeout))
	b, err := d.r.Peek(n)
	if err != nil {
		return nil, d.lost(err, waiting)
	}
	return b, nil
}

// readFull reads exactly len(b) bytes, for the binary protocols.
func (d *dialogue) readFull(b []byte, waiting string) error {
	d.conn.SetReadDeadline(time.Now().Add(d.timeout))
	if _, err := io.ReadFull(d.r, b); err != nil {
		return d.lost(err, waiting)
	}
	return nil
}

// lost puts a failed read or write in words: timed out, closed, reset.
func (d *dialogue) lost(err error, waiting string) error {
	switch {
	case d.ctx.Err() != nil:
		return d.fail(d.ctx.Err(), "", "interrupted while waiting for %s", waiting)
	case errors.Is(err, os.ErrDeadlineExceeded):
		hint := ""
		if waiting == "the greeting" {
			hint = "if this port speaks TLS from the first byte, use --tls instead of --starttls"
		}
		return d.fail(err, hint, "%s sent nothing for %v while rawtalk waited for %s", d.peer, d.timeout, waiting)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return d.fail(err, d.protoHint(), "%s closed the connection while rawtalk waited for %s", d.peer, waiting)
	case dial.IsErrno(err, syscall.ECONNRESET), dial.IsErrno(err, syscall.EPIPE):
		return d.fail(err, d.protoHint(), "%s reset the connection while rawtalk waited for %s", d.peer, waiting)
	}
	return d.fail(err, "", "%s: %s", waiting, dial.Strerror(dial.SystemError(err)))
}

// protoHint asks whether the user picked the right protocol.
func (d *dialogue) protoHint() string {
	return fmt.Sprintf("is --starttls %s the right protocol for this port?", d.proto)
}

// notOffered is the error for a server that does not list STARTTLS.
func (d *dialogue) notOffered(what, offered string) error {
	hint := fmt.Sprintf("%s has no usual port for TLS from the first byte: the server needs TLS configured", d.proto)
	if port := tlsPorts[d.proto]; port != "" {
		hint = fmt.Sprintf("the server may offer TLS from the first byte on another port (%s usually uses %s: --tls HOST %s)", d.proto, port, port)
	}
	return d.fail(nil, hint, "%s does not offer %s (it offers: %s)", d.peer, what, quote.String(offered))
}

// codedReply reads an SMTP or FTP reply: "250-first", ..., "250 last".
// FTP lets the lines between the first and the last be anything.
func (d *dialogue) codedReply(waiting string) (code string, lines []string, err error) {
	for {
		line, err := d.readLine(waiting)
		if err != nil {
			return "", lines, err
		}
		lines = append(lines, line)
		if code == "" {
			if len(line) < 3 || strings.Trim(line[:3], "0123456789") != "" || (len(line) > 3 && line[3] != ' ' && line[3] != '-') {
				return "", lines, d.fail(nil, d.protoHint(), "not %s: %s answered %s", d.proto, d.peer, quote.Quote(line))
			}
			code = line[:3]
		}
		if strings.HasPrefix(line, code) && (len(line) == 3 || line[3] == ' ') {
			return code, lines, nil
		}
	}
}

// firstWord is s up to its first space.
func firstWord(s string) string {
	word, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return word
}

// containsFold tells whether list holds word, ignoring case.
func containsFold(list []string, word string) bool {
	for _, w := range list {
		if strings.EqualFold(w, word) {
			return true
		}
	}
	return false
}
