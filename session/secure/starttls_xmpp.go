package secure

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rawtalk/rawtalk/internal/quote"
)

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
