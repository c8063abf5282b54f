package tlstest

import (
	"fmt"
	"io"
	"strings"
)

// The fake servers of the STARTTLS protocols added after the first seven:
// lmtp, sieve, nntp, irc and mysql.
func init() {
	Greetings["lmtp"] = "220 localhost LMTP rawtalk test server\r\n"
	Greetings["sieve"] = sieveGreeting(true)
	Greetings["nntp"] = "200 rawtalk test news server ready\r\n"
	Greetings["irc"] = ":irc.test NOTICE * :*** Looking up your hostname...\r\n"

	Requests["lmtp"] = "LHLO [127.0.0.1]\r\nSTARTTLS\r\n"
	Requests["sieve"] = "STARTTLS\r\n"
	Requests["nntp"] = "CAPABILITIES\r\nSTARTTLS\r\n"
	Requests["irc"] = "STARTTLS\r\n"
	Requests["mysql"] = MySQLSSLRequest

	preambles["lmtp"] = lmtpServer
	preambles["sieve"] = sieveServer
	preambles["nntp"] = nntpServer
	preambles["irc"] = ircServer
	preambles["mysql"] = mysqlServer
}

func lmtpServer(s *server, mode Mode) (bool, error) {
	s.say(Greetings["lmtp"])
	if _, err := s.expect("LHLO "); err != nil {
		return false, err
	}
	ext := "250-STARTTLS\r\n"
	if mode == NotOffered {
		ext = ""
	}
	s.say("250-localhost\r\n250-PIPELINING\r\n" + ext + "250 ENHANCEDSTATUSCODES\r\n")
	if mode == NotOffered {
		return false, nil
	}
	if _, err := s.expect("STARTTLS"); err != nil {
		return false, err
	}
	return answer(s, mode, "220 2.0.0 Begin TLS\r\n", "454 4.7.0 TLS not available\r\n", "250 injected\r\n")
}

// sieveGreeting is a ManageSieve server's capability list and OK, as
// Dovecot's Pigeonhole sends it; withTLS lists STARTTLS.
func sieveGreeting(withTLS bool) string {
	tls := `"STARTTLS"` + "\r\n"
	if !withTLS {
		tls = ""
	}
	return `"IMPLEMENTATION" "rawtalk test sieve"` + "\r\n" + `"SIEVE" "fileinto reject"` + "\r\n" +
		`"SASL" ""` + "\r\n" + tls + `"VERSION" "1.0"` + "\r\n" + `OK "ready."` + "\r\n"
}

func sieveServer(s *server, mode Mode) (bool, error) {
	s.say(sieveGreeting(mode != NotOffered))
	if mode == NotOffered {
		return false, nil
	}
	if _, err := s.expect("STARTTLS"); err != nil {
		return false, err
	}
	return answer(s, mode, `OK "Begin TLS negotiation now."`+"\r\n", `NO "TLS is not configured"`+"\r\n", `"IMPLEMENTATION" "injected"`+"\r\n")
}

func nntpServer(s *server, mode Mode) (bool, error) {
	s.say(Greetings["nntp"])
	if _, err := s.expect("CAPABILITIES"); err != nil {
		return false, err
	}
	caps := "VERSION 2\r\nREADER\r\nSTARTTLS\r\n"
	if mode == NotOffered {
		caps = "VERSION 2\r\nREADER\r\n"
	}
	s.say("101 Capability list:\r\n" + caps + ".\r\n")
	if mode == NotOffered {
		return false, nil
	}
	if _, err := s.expect("STARTTLS"); err != nil {
		return false, err
	}
	return answer(s, mode, "382 Continue with TLS negotiation\r\n", "580 Can not initiate TLS negotiation\r\n", "200 injected\r\n")
}

// ircServer greets with a notice before it reads anything, as ircds do
// while they look the client's address up.
func ircServer(s *server, mode Mode) (bool, error) {
	s.say(Greetings["irc"])
	if _, err := s.expect("STARTTLS"); err != nil {
		return false, err
	}
	if mode == NotOffered {
		return false, s.say(":irc.test 451 * STARTTLS :You have not registered\r\n")
	}
	return answer(s, mode, ":irc.test 670 * :STARTTLS successful, go ahead with TLS handshake\r\n", ":irc.test 691 * :STARTTLS failure\r\n", ":irc.test NOTICE * :injected\r\n")
}

// MySQLVersion is the server version the fake MySQL server announces.
const MySQLVersion = "8.0.36-rawtalk-test"

// MySQLSSLRequest is the SSLRequest packet rawtalk sends to a server that
// offers every capability: sequence 1, CLIENT_LONG_PASSWORD, LONG_FLAG,
// PROTOCOL_41, SSL, TRANSACTIONS, SECURE_CONNECTION, MULTI_RESULTS and
// PLUGIN_AUTH, a 16 MB packet limit, utf8_general_ci.
const MySQLSSLRequest = "\x20\x00\x00\x01" + "\x05\xaa\x0a\x00" + "\x00\x00\x00\x01" + "\x21" + "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"

// MySQLHandshake is a MySQL 8 server's first packet (protocol 10); withTLS
// sets CLIENT_SSL among its capabilities.
func MySQLHandshake(withTLS bool) string {
	lower := "\xff\xff"
	if !withTLS {
		lower = "\xff\xf7"
	}
	payload := "\x0a" + MySQLVersion + "\x00" + "\x2a\x00\x00\x00" + "abcdefgh" + "\x00" + lower + "\xff" + "\x02\x00" + "\xff\xdf" +
		"\x15" + strings.Repeat("\x00", 10) + "ijklmnopqrst\x00" + "caching_sha2_password\x00"
	n := len(payload)
	return string([]byte{byte(n), byte(n >> 8), byte(n >> 16), 0}) + payload
}

// mysqlServer sends its handshake first (Inject: with a stray packet in
// the same write), then reads the SSLRequest; Refuse and NotOffered offer
// no TLS.
func mysqlServer(s *server, mode Mode) (bool, error) {
	switch mode {
	case Refuse, NotOffered:
		return false, s.say(MySQLHandshake(false))
	case Inject:
		s.say(MySQLHandshake(true) + "\x05\x00\x00\x01hello")
	default:
		s.say(MySQLHandshake(true))
	}
	request := make([]byte, len(MySQLSSLRequest))
	if _, err := io.ReadFull(s.conn, request); err != nil {
		return false, err
	}
	s.plain.Write(request)
	if string(request) != MySQLSSLRequest {
		return false, fmt.Errorf("got %q, want the SSLRequest", request)
	}
	return true, nil
}
