package secure

import (
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

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
