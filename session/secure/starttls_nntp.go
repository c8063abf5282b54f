package secure

import (
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// nntpPreamble: greeting 200 or 201, CAPABILITIES, STARTTLS, 382 (RFC
// 3977, RFC 4642). A server without CAPABILITIES may still know
// STARTTLS, so a failed CAPABILITIES does not stop it.
func nntpPreamble(d *dialogue, _ PreambleOptions) error {
	d.recording = true
	code, lines, err := d.codedReply("the greeting")
	d.recording = false
	if err != nil {
		return err
	}
	if code != "200" && code != "201" {
		return d.fail(nil, "", "%s refused the session: %s", d.peer, quote.Quote(strings.Join(lines, "\n")))
	}
	if err := d.send("CAPABILITIES"); err != nil {
		return err
	}
	if code, _, err = d.codedReply("the reply to CAPABILITIES"); err != nil {
		return err
	}
	if code == "101" {
		var caps []string
		for {
			line, err := d.readLine("the end of the capability list")
			if err != nil {
				return err
			}
			if line == "." {
				break
			}
			caps = append(caps, firstWord(strings.TrimPrefix(line, ".")))
		}
		if !containsFold(caps, "STARTTLS") {
			return d.notOffered("STARTTLS", listWords(caps, 10))
		}
	}
	if err := d.send("STARTTLS"); err != nil {
		return err
	}
	code, lines, err = d.codedReply("the reply to STARTTLS")
	if err != nil {
		return err
	}
	if code != "382" {
		hint := ""
		if code == "500" || code == "501" {
			hint = "the server does not know STARTTLS; NNTP over TLS is usually on port 563: --tls HOST 563"
		}
		return d.fail(nil, hint, "%s refused STARTTLS: %s", d.peer, quote.Quote(strings.Join(lines, "\n")))
	}
	return nil
}
