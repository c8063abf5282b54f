package secure

import (
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

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
