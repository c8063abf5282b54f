package secure

import (
	"net"
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// smtpPreamble: greeting 220, EHLO, STARTTLS, 220 (RFC 3207).
func smtpPreamble(d *dialogue, _ PreambleOptions) error {
	return helloPreamble(d, "EHLO")
}

// helloPreamble is SMTP's dialogue with hello as the hello command: EHLO,
// or LMTP's LHLO.
func helloPreamble(d *dialogue, hello string) error {
	d.recording = true
	code, lines, err := d.codedReply("the greeting")
	d.recording = false
	if err != nil {
		return err
	}
	if code != "220" {
		return d.fail(nil, "", "%s refused the session: %s", d.peer, quote.Quote(strings.Join(lines, "\n")))
	}
	if err := d.send(hello + " " + heloName(d.conn)); err != nil {
		return err
	}
	code, lines, err = d.codedReply("the reply to " + hello)
	if err != nil {
		return err
	}
	if code != "250" {
		return d.fail(nil, "", "%s rejected %s: %s", d.peer, hello, quote.Quote(strings.Join(lines, "\n")))
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
