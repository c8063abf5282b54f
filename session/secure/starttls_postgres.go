package secure

import (
	"github.com/rawtalk/rawtalk/internal/quote"
)

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
