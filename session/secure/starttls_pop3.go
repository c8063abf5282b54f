package secure

import (
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

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
