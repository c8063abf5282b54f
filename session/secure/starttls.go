package secure

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/session/dial"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// StartTLSProtocols are the protocols --starttls speaks.
func StartTLSProtocols() []string {
	return []string{"smtp", "imap", "pop3", "ftp", "xmpp", "postgres", "ldap"}
}

// tlsPorts are the usual ports where each STARTTLS protocol speaks TLS from
// the first byte, for the hint when a server offers no STARTTLS.
var tlsPorts = map[string]string{
	"smtp": "465", "imap": "993", "pop3": "995", "ftp": "990", "xmpp": "5223", "ldap": "636",
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
// sent before rawtalk said anything, as they came (nil for protocols where
// the client speaks first: xmpp, postgres, ldap), also with an error.
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
	"imap":     imapPreamble,
	"pop3":     pop3Preamble,
	"ftp":      ftpPreamble,
	"xmpp":     xmppPreamble,
	"postgres": postgresPreamble,
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
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
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
	hint := "the server may offer TLS from the first byte on another port"
	if port := tlsPorts[d.proto]; port != "" {
		hint += fmt.Sprintf(" (%s usually uses %s: --tls HOST %s)", d.proto, port, port)
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

// smtpPreamble: greeting 220, EHLO, STARTTLS, 220 (RFC 3207).
func smtpPreamble(d *dialogue, _ PreambleOptions) error {
	d.recording = true
	code, lines, err := d.codedReply("the greeting")
	d.recording = false
	if err != nil {
		return err
	}
	if code != "220" {
		return d.fail(nil, "", "%s refused the session: %s", d.peer, quote.Quote(strings.Join(lines, "\n")))
	}
	if err := d.send("EHLO " + heloName(d.conn)); err != nil {
		return err
	}
	code, lines, err = d.codedReply("the reply to EHLO")
	if err != nil {
		return err
	}
	if code != "250" {
		return d.fail(nil, "", "%s rejected EHLO: %s", d.peer, quote.Quote(strings.Join(lines, "\n")))
	}
	var extensions []string
	offered := false
	for _, line := range lines[1:] {
		keyword := firstWord(strings.TrimLeft(line[min(len(line), 3):], " -"))
		extensions = append(extensions, keyword)
		offered = offered || strings.EqualFold(keyword, "STARTTLS")
	}
	if !offered {
		return d.notOffered("STARTTLS", listWords(extensions, 10))
	}
	if err := d.send("STARTTLS"); err != nil {
		return err
	}
	code, lines, err = d.codedReply("the reply to STARTTLS")
	if err != nil {
		return err
	}
	if code != "220" {
		return d.fail(nil, "", "%s refused STARTTLS: %s", d.peer, quote.Quote(strings.Join(lines, "\n")))
	}
	return nil
}

// heloName is how rawtalk names itself in EHLO: its own address as an
// address literal, which RFC 5321 allows for a client with no domain name.
func heloName(conn net.Conn) string {
	host, _, err := net.SplitHostPort(conn.LocalAddr().String())
	if ip := net.ParseIP(host); err == nil && ip != nil {
		if ip.To4() != nil {
			return "[" + ip.String() + "]"
		}
		return "[IPv6:" + ip.String() + "]"
	}
	return "rawtalk.invalid"
}

// ftpPreamble: greeting 220, AUTH TLS, 234 (RFC 4217).
func ftpPreamble(d *dialogue, _ PreambleOptions) error {
	d.recording = true
	for {
		code, lines, err := d.codedReply("the greeting")
		if err != nil {
			return err
		}
		if code == "120" { // "ready in a few minutes": the 220 follows
			continue
		}
		if code != "220" {
			return d.fail(nil, "", "%s refused the session: %s", d.peer, quote.Quote(strings.Join(lines, "\n")))
		}
		break
	}
	d.recording = false
	if err := d.send("AUTH TLS"); err != nil {
		return err
	}
	code, lines, err := d.codedReply("the reply to AUTH TLS")
	if err != nil {
		return err
	}
	if code != "234" {
		hint := ""
		if code == "500" || code == "502" || code == "504" {
			hint = "the server does not do AUTH TLS; implicit FTPS is usually on port 990: --tls HOST 990"
		}
		return d.fail(nil, hint, "%s refused AUTH TLS: %s", d.peer, quote.Quote(strings.Join(lines, "\n")))
	}
	return nil
}

// imapPreamble: greeting "* OK", CAPABILITY unless the greeting lists
// them, then "STARTTLS" and a tagged OK (RFC 3501, RFC 2595).
func imapPreamble(d *dialogue, _ PreambleOptions) error {
	d.recording = true
	greeting, err := d.readLine("the greeting")
	d.recording = false
	if err != nil {
		return err
	}
	upper := strings.ToUpper(greeting)
	switch {
	case strings.HasPrefix(upper, "* OK"):
	case strings.HasPrefix(upper, "* PREAUTH"):
		return d.fail(nil, "", "%s logged the session in already (PREAUTH), and IMAP forbids STARTTLS after that", d.peer)
	case strings.HasPrefix(upper, "* BYE"):
		return d.fail(nil, "", "%s refused the session: %s", d.peer, quote.Quote(greeting))
	default:
		return d.fail(nil, d.protoHint(), "not imap: %s greeted with %s", d.peer, quote.Quote(greeting))
	}
	var caps []string
	if i := strings.Index(upper, "[CAPABILITY "); i >= 0 {
		list, _, _ := strings.Cut(greeting[i+len("[CAPABILITY "):], "]")
		caps = strings.Fields(list)
	} else {
		if err := d.send("R1 CAPABILITY"); err != nil {
			return err
		}
		untagged, status, err := d.imapTagged("R1", "the reply to CAPABILITY")
		if err != nil {
			return err
		}
		if !strings.HasPrefix(strings.ToUpper(status), "R1 OK") {
			return d.fail(nil, "", "%s refused CAPABILITY: %s", d.peer, quote.Quote(status))
		}
		for _, line := range untagged {
			if strings.HasPrefix(strings.ToUpper(line), "* CAPABILITY ") {
				caps = append(caps, strings.Fields(line)[2:]...)
			}
		}
	}
	if !containsFold(caps, "STARTTLS") {
		return d.notOffered("STARTTLS", listWords(caps, 10))
	}
	if err := d.send("R2 STARTTLS"); err != nil {
		return err
	}
	_, status, err := d.imapTagged("R2", "the reply to STARTTLS")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(strings.ToUpper(status), "R2 OK") {
		return d.fail(nil, "", "%s refused STARTTLS: %s", d.peer, quote.Quote(status))
	}
	return nil
}

// imapTagged reads untagged lines up to the one tagged tag.
func (d *dialogue) imapTagged(tag, waiting string) (untagged []string, status string, err error) {
	for {
		line, err := d.readLine(waiting)
		if err != nil {
			return untagged, "", err
		}
		if strings.HasPrefix(line, tag+" ") {
			return untagged, line, nil
		}
		untagged = append(untagged, line)
	}
}

// pop3Preamble: greeting "+OK", CAPA, STLS, "+OK" (RFC 2595). A server
// without CAPA may still know STLS, so a failed CAPA does not stop it.
func pop3Preamble(d *dialogue, _ PreambleOptions) error {
	d.recording = true
	greeting, err := d.readLine("the greeting")
	d.recording = false
	if err != nil {
		return err
	}
	switch {
	case strings.HasPrefix(greeting, "+OK"):
	case strings.HasPrefix(greeting, "-ERR"):
		return d.fail(nil, "", "%s refused the session: %s", d.peer, quote.Quote(greeting))
	default:
		return d.fail(nil, d.protoHint(), "not pop3: %s greeted with %s", d.peer, quote.Quote(greeting))
	}
	if err := d.send("CAPA"); err != nil {
		return err
	}
	status, err := d.readLine("the reply to CAPA")
	if err != nil {
		return err
	}
	if strings.HasPrefix(status, "+OK") {
		var caps []string
		for {
			line, err := d.readLine("the end of the CAPA list")
			if err != nil {
				return err
			}
			if line == "." {
				break
			}
			caps = append(caps, firstWord(strings.TrimPrefix(line, ".")))
		}
		if !containsFold(caps, "STLS") {
			return d.notOffered("STLS", listWords(caps, 10))
		}
	}
	if err := d.send("STLS"); err != nil {
		return err
	}
	status, err = d.readLine("the reply to STLS")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(status, "+OK") {
		return d.fail(nil, "", "%s refused STLS: %s", d.peer, quote.Quote(status))
	}
	return nil
}

// XMPP's namespaces (RFC 6120).
const (
	xmppStreams = "http://etherx.jabber.org/streams"
	xmppTLS     = "urn:ietf:params:xml:ns:xmpp-tls"
)

// xmppPreamble: the client opens the stream, the server answers with its
// own stream header and <stream:features> listing <starttls/>; the client
// sends <starttls/> and the server answers <proceed/> (RFC 6120 section 5).
// After TLS the client must open a new stream: that is the user's to type.
func xmppPreamble(d *dialogue, o PreambleOptions) error {
	var domain strings.Builder
	xml.EscapeText(&domain, []byte(o.Domain))
	header := fmt.Sprintf("<?xml version='1.0'?><stream:stream to='%s' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='%s'>", domain.String(), xmppStreams)
	if err := d.write([]byte(header), header); err != nil {
		return err
	}
	// Text that is not XML would keep the decoder waiting for a '<'.
	if first, err := d.peek(1, "the stream header"); err != nil {
		return err
	} else if first[0] != '<' {
		answer, _ := d.r.Peek(min(d.r.Buffered(), 40))
		return d.fail(nil, d.protoHint(), "not xmpp: %s answered %s", d.peer, quote.Quote(answer))
	}
	// The decoder reads d.r byte by byte (bufio.Reader is an io.ByteReader),
	// so it never reads past the element it returns.
	dec := xml.NewDecoder(d.r)
	next := func(waiting string) (xml.StartElement, error) {
		for {
			d.conn.SetReadDeadline(time.Now().Add(d.timeout))
			tok, err := dec.Token()
			if err != nil {
				var syntax *xml.SyntaxError
				if errors.As(err, &syntax) {
					return xml.StartElement{}, d.fail(err, d.protoHint(), "not xmpp: %s sent bad XML while rawtalk waited for %s: %s", d.peer, waiting, quote.String(syntax.Msg))
				}
				return xml.StartElement{}, d.lost(err, waiting)
			}
			if start, ok := tok.(xml.StartElement); ok {
				if d.trace != nil {
					d.trace(false, "<"+quote.String(start.Name.Local)+">")
				}
				if start.Name.Space == xmppStreams && start.Name.Local == "error" {
					condition, _ := dec.Token()
					reason := "unknown"
					if c, ok := condition.(xml.StartElement); ok {
						reason = c.Name.Local
					}
					return start, d.fail(nil, "", "%s ended the stream with an error: %s", d.peer, quote.String(reason))
				}
				return start, nil
			}
		}
	}
	start, err := next("the stream header")
	if err != nil {
		return err
	}
	if start.Name.Space != xmppStreams || start.Name.Local != "stream" {
		return d.fail(nil, d.protoHint(), "not xmpp: %s answered with <%s>", d.peer, quote.String(start.Name.Local))
	}
	for start.Name.Space != xmppStreams || start.Name.Local != "features" {
		if start, err = next("the stream features"); err != nil {
			return err
		}
	}
	var features []string
	offered := false
	for depth := 1; depth > 0; {
		d.conn.SetReadDeadline(time.Now().Add(d.timeout))
		tok, err := dec.Token()
		if err != nil {
			return d.lost(err, "the stream features")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 1 {
				features = append(features, t.Name.Local)
				offered = offered || (t.Name.Space == xmppTLS && t.Name.Local == "starttls")
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if !offered {
		return d.notOffered("STARTTLS", listWords(features, 10))
	}
	request := "<starttls xmlns='" + xmppTLS + "'/>"
	if err := d.write([]byte(request), request); err != nil {
		return err
	}
	answer, err := next("the answer to <starttls/>")
	if err != nil {
		return err
	}
	if answer.Name.Space != xmppTLS || answer.Name.Local != "proceed" {
		return d.fail(nil, "", "%s refused STARTTLS: it answered <%s>", d.peer, quote.String(answer.Name.Local))
	}
	return nil
}

// postgresPreamble sends SSLRequest; the server answers one byte, 'S' to
// go ahead or 'N' (PostgreSQL protocol, "SSL Session Encryption").
func postgresPreamble(d *dialogue, _ PreambleOptions) error {
	sslRequest := []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f} // length 8, code 80877103
	if err := d.write(sslRequest, "SSLRequest"); err != nil {
		return err
	}
	var answer [1]byte
	if err := d.readFull(answer[:], "the answer to SSLRequest"); err != nil {
		return err
	}
	if d.trace != nil {
		d.trace(false, quote.String(string(answer[:])))
	}
	switch answer[0] {
	case 'S':
		return nil
	case 'N':
		return d.fail(nil, "the server needs ssl = on in postgresql.conf", "%s does not accept TLS: it answered N to SSLRequest", d.peer)
	case 'E':
		return d.fail(nil, "", "%s answered SSLRequest with an error message: a PostgreSQL server too old for TLS?", d.peer)
	}
	return d.fail(nil, d.protoHint(), "not postgres: %s answered %s to SSLRequest", d.peer, quote.Quote(answer[:]))
}

// ldapStartTLS is the StartTLS extended request (RFC 4511 section 4.14),
// message ID 1, in BER:
//
//	LDAPMessage SEQUENCE { messageID 1, [APPLICATION 23] ExtendedRequest {
//	    requestName [0] "1.3.6.1.4.1.1466.20037" } }
const ldapStartTLS = "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" + "1.3.6.1.4.1.1466.20037"

// ldapResultNames are the LDAP result codes a StartTLS refusal brings.
var ldapResultNames = map[int]string{
	1: "operationsError", 2: "protocolError", 12: "unavailableCriticalExtension",
	51: "busy", 52: "unavailable", 53: "unwillingToPerform", 80: "other",
}

// ldapPreamble sends the StartTLS extended request and reads the extended
// response: resultCode 0 is the go-ahead.
func ldapPreamble(d *dialogue, _ PreambleOptions) error {
	if err := d.write([]byte(ldapStartTLS), "StartTLS extended request (1.3.6.1.4.1.1466.20037)"); err != nil {
		return err
	}
	notLDAP := d.fail(nil, d.protoHint(), "not ldap: %s answered StartTLS with something else", d.peer)
	if first, err := d.peek(1, "the StartTLS response"); err != nil {
		return err
	} else if first[0] != 0x30 { // an LDAPMessage is a SEQUENCE
		return notLDAP
	}
	msg, err := d.readBER("the StartTLS response")
	if err != nil {
		return err
	}
	id, rest, ok := berNext(msg.content)
	if !ok || id.tag != 0x02 {
		return notLDAP
	}
	op, _, ok := berNext(rest)
	if !ok || op.tag != 0x78 { // [APPLICATION 24] ExtendedResponse
		return notLDAP
	}
	result, rest, ok := berNext(op.content)
	if !ok || result.tag != 0x0a || len(result.content) == 0 {
		return notLDAP
	}
	_, rest, _ = berNext(rest) // matchedDN
	diagnostic, _, _ := berNext(rest)
	code := 0
	for _, b := range result.content {
		code = code<<8 | int(b)
	}
	if d.trace != nil {
		d.trace(false, fmt.Sprintf("ExtendedResponse resultCode %d %s", code, quote.String(string(diagnostic.content))))
	}
	switch {
	case len(id.content) == 1 && id.content[0] == 0:
		return d.fail(nil, "", "%s ended the session (notice of disconnection): %s", d.peer, quote.Quote(diagnostic.content))
	case len(id.content) != 1 || id.content[0] != 1:
		return notLDAP
	}
	if code != 0 {
		name := ldapResultNames[code]
		if name == "" {
			name = "resultCode"
		}
		return d.fail(nil, "", "%s refused StartTLS: %s (%d) %s", d.peer, name, code, quote.Quote(diagnostic.content))
	}
	return nil
}

// ber is one BER element: its tag byte and its contents.
type ber struct {
	tag     byte
	content []byte
}

// readBER reads one whole BER element (an LDAP message) from the server,
// up to 64 KiB.
func (d *dialogue) readBER(waiting string) (ber, error) {
	var head [2]byte
	if err := d.readFull(head[:], waiting); err != nil {
		return ber{}, err
	}
	length := int(head[1])
	if head[1]&0x80 != 0 {
		n := int(head[1] & 0x7f)
		if n == 0 || n > 3 {
			return ber{}, d.fail(nil, d.protoHint(), "not ldap: %s answered with a bad BER length", d.peer)
		}
		b := make([]byte, n)
		if err := d.readFull(b, waiting); err != nil {
			return ber{}, err
		}
		length = 0
		for _, x := range b {
			length = length<<8 | int(x)
		}
	}
	if length > 64<<10 {
		return ber{}, d.fail(nil, d.protoHint(), "not ldap: %s announced a %d-byte answer", d.peer, length)
	}
	content := make([]byte, length)
	if err := d.readFull(content, waiting); err != nil {
		return ber{}, err
	}
	return ber{tag: head[0], content: content}, nil
}

// berNext splits the first BER element off b.
func berNext(b []byte) (el ber, rest []byte, ok bool) {
	if len(b) < 2 {
		return ber{}, nil, false
	}
	tag, length, b := b[0], int(b[1]), b[2:]
	if length&0x80 != 0 {
		n := length & 0x7f
		if n == 0 || n > 3 || len(b) < n {
			return ber{}, nil, false
		}
		length = 0
		for _, x := range b[:n] {
			length = length<<8 | int(x)
		}
		b = b[n:]
	}
	if len(b) < length {
		return ber{}, nil, false
	}
	return ber{tag: tag, content: b[:length]}, b[length:], true
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
