package secure

import (
	"fmt"

	"github.com/rawtalk/rawtalk/internal/quote"
)

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
