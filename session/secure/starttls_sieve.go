package secure

import (
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// sievePreamble is ManageSieve's (RFC 5804, port 4190): the server greets
// with its capabilities, one quoted name a line ("STARTTLS" among them),
// and OK; the client sends STARTTLS and the server says OK. After TLS the
// server lists its capabilities again, unasked: the user sees them.
func sievePreamble(d *dialogue, _ PreambleOptions) error {
	d.recording = true
	caps, status, err := d.sieveResponse("the greeting")
	d.recording = false
	if err != nil {
		return err
	}
	if status != "OK" {
		return d.fail(nil, "", "%s refused the session: %s", d.peer, quote.Quote(d.lastLine))
	}
	if !containsFold(caps, "STARTTLS") {
		return d.notOffered("STARTTLS", listWords(caps, 10))
	}
	if err := d.send("STARTTLS"); err != nil {
		return err
	}
	_, status, err = d.sieveResponse("the reply to STARTTLS")
	if err != nil {
		return err
	}
	if status != "OK" {
		return d.fail(nil, "", "%s refused STARTTLS: %s", d.peer, quote.Quote(d.lastLine))
	}
	return nil
}

// sieveResponse reads lines up to the one that starts with OK, NO or BYE,
// which it returns in capitals; the lines before it are capabilities,
// whose names (the first quoted string of each) it returns.
func (d *dialogue) sieveResponse(waiting string) (caps []string, status string, err error) {
	for {
		line, err := d.readLine(waiting)
		if err != nil {
			return caps, "", err
		}
		word := strings.ToUpper(line)
		if i := strings.IndexAny(word, " ("); i >= 0 {
			word = word[:i]
		}
		switch word {
		case "OK", "NO", "BYE":
			return caps, word, nil
		}
		name, _, ok := strings.Cut(strings.TrimPrefix(line, `"`), `"`)
		if !ok || !strings.HasPrefix(line, `"`) {
			verb := "answered"
			if waiting == "the greeting" {
				verb = "greeted with"
			}
			return caps, "", d.fail(nil, d.protoHint(), "not sieve: %s %s %s", d.peer, verb, quote.Quote(line))
		}
		caps = append(caps, name)
	}
}
