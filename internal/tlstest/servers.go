package tlstest

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
)

// Mode is how a fake STARTTLS server answers.
type Mode string

const (
	Accept     Mode = "ok"       // go ahead, then TLS
	Refuse     Mode = "refuse"   // say no to STARTTLS
	NotOffered Mode = "noadvert" // do not list STARTTLS among the capabilities
	Inject     Mode = "inject"   // go ahead, then one more plain-text line at once
)

// Greetings are what each fake server says before the client speaks, byte
// for byte; protocols where the client speaks first have none.
var Greetings = map[string]string{
	"smtp": "220-localhost ESMTP rawtalk test server\r\n220 ready\r\n",
	"imap": "* OK rawtalk test IMAP server ready\r\n",
	"pop3": "+OK rawtalk test POP3 server ready\r\n",
	"ftp":  "220-rawtalk test FTP server\r\n welcome\r\n220 ready\r\n",
}

// Requests are what rawtalk is expected to send before TLS, byte for byte,
// when it connects from 127.0.0.1 and names the server localhost.
var Requests = map[string]string{
	"smtp":     "EHLO [127.0.0.1]\r\nSTARTTLS\r\n",
	"imap":     "R1 CAPABILITY\r\nR2 STARTTLS\r\n",
	"pop3":     "CAPA\r\nSTLS\r\n",
	"ftp":      "AUTH TLS\r\n",
	"xmpp":     "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
	"postgres": "\x00\x00\x00\x08\x04\xd2\x16\x2f",
	"ldap":     "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" + "1.3.6.1.4.1.1466.20037",
}

// server is one fake server's plain-text side: it reads byte by byte, so
// that nothing meant for TLS is read by mistake, and records every byte.
type server struct {
	conn  net.Conn
	plain bytes.Buffer // every byte received before TLS
}

func (s *server) say(text string) error {
	_, err := io.WriteString(s.conn, text)
	return err
}

// readLine reads up to and including LF.
func (s *server) readLine() (string, error) {
	var line []byte
	var b [1]byte
	for {
		if _, err := io.ReadFull(s.conn, b[:]); err != nil {
			return string(line), err
		}
		s.plain.WriteByte(b[0])
		line = append(line, b[0])
		if b[0] == '\n' {
			return strings.TrimRight(string(line), "\r\n"), nil
		}
	}
}

// readUntil reads until what was read ends with end.
func (s *server) readUntil(end string) error {
	start := s.plain.Len()
	var b [1]byte
	for !bytes.HasSuffix(s.plain.Bytes()[start:], []byte(end)) {
		if _, err := io.ReadFull(s.conn, b[:]); err != nil {
			return err
		}
		s.plain.WriteByte(b[0])
	}
	return nil
}

// expect reads a line and checks that it starts with want.
func (s *server) expect(want string) (string, error) {
	line, err := s.readLine()
	if err != nil {
		return line, err
	}
	if !strings.HasPrefix(line, want) {
		return line, fmt.Errorf("got %q, want %q", line, want)
	}
	return line, nil
}

// ServeStartTLS plays the server side of proto's STARTTLS on conn. After a
// go-ahead it runs TLS with cfg and echoes what it reads until EOF. It
// returns every plain-text byte it received: after a refusal, everything
// the client sent until it hung up, so a test can check that nothing went
// out in clear.
func ServeStartTLS(conn net.Conn, proto string, mode Mode, cfg *tls.Config) ([]byte, error) {
	defer conn.Close()
	s := &server{conn: conn}
	goAhead, err := preambles[proto](s, mode)
	if err != nil {
		return s.plain.Bytes(), err
	}
	if !goAhead {
		// Record whatever else the client sends, until it hangs up.
		var b [1]byte
		for {
			if _, err := io.ReadFull(conn, b[:]); err != nil {
				return s.plain.Bytes(), nil
			}
			s.plain.WriteByte(b[0])
		}
	}
	tc := tls.Server(conn, cfg)
	if err := tc.Handshake(); err != nil {
		return s.plain.Bytes(), err
	}
	io.Copy(tc, tc)
	tc.CloseWrite()
	return s.plain.Bytes(), nil
}

// preambles answer a client up to the go-ahead; goAhead false means the
// server said no.
var preambles = map[string]func(s *server, mode Mode) (goAhead bool, err error){
	"smtp": func(s *server, mode Mode) (bool, error) {
		s.say(Greetings["smtp"])
		if _, err := s.expect("EHLO "); err != nil {
			return false, err
		}
		ext := "250-STARTTLS\r\n"
		if mode == NotOffered {
			ext = ""
		}
		s.say("250-localhost greets you\r\n250-PIPELINING\r\n" + ext + "250 8BITMIME\r\n")
		if mode == NotOffered {
			return false, nil
		}
		if _, err := s.expect("STARTTLS"); err != nil {
			return false, err
		}
		return answer(s, mode, "220 2.0.0 Ready to start TLS\r\n", "454 4.7.0 TLS not available due to temporary reason\r\n", "250 injected\r\n")
	},
	"imap": func(s *server, mode Mode) (bool, error) {
		s.say(Greetings["imap"])
		line, err := s.expect("")
		if err != nil {
			return false, err
		}
		tag, command, _ := strings.Cut(line, " ")
		if command != "CAPABILITY" {
			return false, fmt.Errorf("got %q, want CAPABILITY", line)
		}
		caps := "IMAP4rev1 STARTTLS LOGINDISABLED"
		if mode == NotOffered {
			caps = "IMAP4rev1 AUTH=PLAIN"
		}
		s.say("* CAPABILITY " + caps + "\r\n" + tag + " OK CAPABILITY completed\r\n")
		if mode == NotOffered {
			return false, nil
		}
		if line, err = s.expect(""); err != nil {
			return false, err
		}
		tag, command, _ = strings.Cut(line, " ")
		if command != "STARTTLS" {
			return false, fmt.Errorf("got %q, want STARTTLS", line)
		}
		return answer(s, mode, tag+" OK Begin TLS negotiation now\r\n", tag+" NO TLS is not configured\r\n", "* OK injected\r\n")
	},
	"pop3": func(s *server, mode Mode) (bool, error) {
		s.say(Greetings["pop3"])
		if _, err := s.expect("CAPA"); err != nil {
			return false, err
		}
		if mode == NotOffered {
			s.say("+OK Capability list follows\r\nTOP\r\nUSER\r\n.\r\n")
			return false, nil
		}
		s.say("+OK Capability list follows\r\nTOP\r\nUSER\r\nSTLS\r\n.\r\n")
		if _, err := s.expect("STLS"); err != nil {
			return false, err
		}
		return answer(s, mode, "+OK Begin TLS negotiation\r\n", "-ERR TLS not available\r\n", "+OK injected\r\n")
	},
	"ftp": func(s *server, mode Mode) (bool, error) {
		s.say(Greetings["ftp"])
		if _, err := s.expect("AUTH TLS"); err != nil {
			return false, err
		}
		if mode == NotOffered {
			s.say("502 Command not implemented\r\n")
			return false, nil
		}
		return answer(s, mode, "234 AUTH TLS successful\r\n", "431 Unable to accept security mechanism\r\n", "200 injected\r\n")
	},
	"xmpp": func(s *server, mode Mode) (bool, error) {
		if err := s.readUntil("'http://etherx.jabber.org/streams'>"); err != nil {
			return false, err
		}
		features := "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
		if mode == NotOffered {
			features = "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
		}
		s.say("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='t1' from='localhost' version='1.0' xml:lang='en'>" +
			"<stream:features>" + features + "</stream:features>")
		if mode == NotOffered {
			return false, nil
		}
		if err := s.readUntil("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"); err != nil {
			return false, err
		}
		return answer(s, mode, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>", "<message>injected</message>")
	},
	"postgres": func(s *server, mode Mode) (bool, error) {
		if err := s.readUntil("\x04\xd2\x16\x2f"); err != nil {
			return false, err
		}
		return answer(s, mode, "S", "N", "N")
	},
	"ldap": func(s *server, mode Mode) (bool, error) {
		if err := s.readUntil("1.3.6.1.4.1.1466.20037"); err != nil {
			return false, err
		}
		// ExtendedResponse, message ID 1: resultCode, matchedDN "",
		// diagnosticMessage, responseName the StartTLS OID.
		response := func(code byte, diagnostic string) string {
			op := "\x0a\x01" + string(code) + "\x04\x00\x04" + string(byte(len(diagnostic))) + diagnostic + "\x8a\x16" + "1.3.6.1.4.1.1466.20037"
			msg := "\x02\x01\x01\x78" + string(byte(len(op))) + op
			return "\x30" + string(byte(len(msg))) + msg
		}
		return answer(s, mode, response(0, ""), response(52, "TLS not configured"), "\x30\x03\x02\x01\x02")
	},
}

// answer says yes or no to STARTTLS as mode says; Inject says yes and,
// in the same write, a line that must not be taken for one sent over TLS.
func answer(s *server, mode Mode, yes, no, injected string) (bool, error) {
	switch mode {
	case Refuse:
		return false, s.say(no)
	case Inject:
		return true, s.say(yes + injected)
	}
	return true, s.say(yes)
}
