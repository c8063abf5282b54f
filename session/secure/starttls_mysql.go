package secure

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// MySQL's capability flags that matter here (MySQL client/server protocol,
// "Capabilities Flags").
const (
	mysqlLongPassword     = 0x00000001
	mysqlLongFlag         = 0x00000004
	mysqlProtocol41       = 0x00000200
	mysqlSSL              = 0x00000800
	mysqlTransactions     = 0x00002000
	mysqlSecureConnection = 0x00008000
	mysqlMultiResults     = 0x00020000
	mysqlPluginAuth       = 0x00080000
)

// mysqlPreamble: the server speaks first with its handshake packet (protocol
// 10), whose capability flags say whether it does TLS; the client answers
// with an SSLRequest packet (a handshake response cut short after the
// character set) and starts TLS at once, without a go-ahead. MariaDB speaks
// the same. The handshake is binary, so it is not shown as a greeting;
// -v shows the server's version.
func mysqlPreamble(d *dialogue, _ PreambleOptions) error {
	var header [4]byte
	if err := d.readFull(header[:], "the server's handshake packet"); err != nil {
		return err
	}
	length := int(header[0]) | int(header[1])<<8 | int(header[2])<<16
	if length == 0 || length > 1024 || header[3] != 0 {
		return d.fail(nil, d.protoHint(), "not mysql: %s began with %s, not a handshake packet", d.peer, quote.Quote(header[:]))
	}
	payload := make([]byte, length)
	if err := d.readFull(payload, "the rest of the server's handshake packet"); err != nil {
		return err
	}
	if payload[0] == 0xff && len(payload) >= 3 { // an error packet: "Host ... is not allowed", "Too many connections"
		code := binary.LittleEndian.Uint16(payload[1:3])
		return d.fail(nil, "", "%s refused the session: MySQL error %d: %s", d.peer, code, quote.Quote(payload[3:]))
	}
	hs, ok := parseMySQLHandshake(payload)
	if !ok {
		return d.fail(nil, d.protoHint(), "not mysql: %s sent %s, not a protocol 10 handshake", d.peer, quote.Quote(payload[:min(len(payload), 32)]))
	}
	if d.trace != nil {
		offered := "offers TLS"
		if hs.capabilities&mysqlSSL == 0 {
			offered = "does not offer TLS"
		}
		d.trace(false, fmt.Sprintf("handshake: server version %s, %s", quote.Quote(hs.version), offered))
	}
	if hs.capabilities&mysqlSSL == 0 {
		return d.fail(nil, "the server has no TLS certificate configured (ssl_cert and ssl_key in its configuration)",
			"%s does not offer TLS: its handshake (server version %s) lacks the SSL capability", d.peer, quote.Quote(hs.version))
	}
	const wanted = mysqlLongPassword | mysqlLongFlag | mysqlProtocol41 | mysqlSSL | mysqlTransactions | mysqlSecureConnection | mysqlMultiResults | mysqlPluginAuth
	request := make([]byte, 4+32)
	request[0] = 32 // payload length, 3 bytes little-endian
	request[3] = header[3] + 1
	binary.LittleEndian.PutUint32(request[4:], wanted&(hs.capabilities|mysqlSSL|mysqlProtocol41))
	binary.LittleEndian.PutUint32(request[8:], 1<<24) // max packet size
	request[12] = 33                                  // character set utf8_general_ci; 23 zero bytes follow
	return d.write(request, "SSLRequest")
}

// mysqlHandshake is what rawtalk reads of a server's handshake packet.
type mysqlHandshake struct {
	version      string
	capabilities uint32
}

// parseMySQLHandshake reads a protocol 10 handshake: version 10, the
// server version up to NUL, the connection id (4 bytes), 8 bytes of the
// auth challenge, a filler, the lower capability flags (2 bytes), and,
// if there is more, the character set, the status (2) and the upper
// capability flags (2).
func parseMySQLHandshake(p []byte) (mysqlHandshake, bool) {
	var hs mysqlHandshake
	if len(p) < 1 || p[0] != 10 {
		return hs, false
	}
	end := bytes.IndexByte(p[1:], 0)
	if end < 0 {
		return hs, false
	}
	hs.version = string(p[1 : 1+end])
	rest := p[1+end+1:]
	if len(rest) < 4+8+1+2 {
		return hs, false
	}
	rest = rest[4+8+1:]
	hs.capabilities = uint32(binary.LittleEndian.Uint16(rest))
	if rest = rest[2:]; len(rest) >= 1+2+2 {
		hs.capabilities |= uint32(binary.LittleEndian.Uint16(rest[3:])) << 16
	}
	return hs, true
}
