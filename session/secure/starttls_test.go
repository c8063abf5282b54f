package secure

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/tlstest"
)

// starttlsServer starts a fake proto server; each connection's plain-text
// bytes arrive on the returned channel once it ends.
func starttlsServer(t *testing.T, pki *tlstest.PKI, proto string, mode tlstest.Mode) (addr string, plain <-chan string) {
	got := make(chan string, 4)
	addr = listen(t, func(c net.Conn) {
		b, _ := tlstest.ServeStartTLS(c, proto, mode, pki.ServerConfig(pki.Good))
		got <- string(b)
	})
	return addr, got
}

// upgradeWith runs the preamble and the handshake as main does, and
// returns the greeting and the connection to go on with.
func upgradeWith(t *testing.T, pki *tlstest.PKI, addr, proto string, timeout time.Duration) (greeting string, conn net.Conn, err error) {
	t.Helper()
	dir := writeFiles(t, map[string][]byte{"ca.pem": pki.CA.CertPEM()})
	client, err := NewTLSClient(TLSOptions{CAFile: filepath.Join(dir, "ca.pem"), ServerName: "localhost", Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	conn, err = net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	g, err := StartTLSPreamble(context.Background(), conn, proto, PreambleOptions{Domain: "localhost", Timeout: timeout})
	if err != nil {
		return string(g), conn, err
	}
	tc, err := client.Handshake(context.Background(), conn, "localhost")
	if err != nil {
		return string(g), conn, err
	}
	return string(g), tc, nil
}

// TestStartTLS: for each protocol rawtalk speaks the real preamble, keeps
// the greeting as it came, upgrades, and the session goes on inside TLS.
func TestStartTLS(t *testing.T) {
	pki := tlstest.New()
	for _, proto := range StartTLSProtocols() {
		t.Run(proto, func(t *testing.T) {
			addr, plain := starttlsServer(t, pki, proto, tlstest.Accept)
			greeting, conn, err := upgradeWith(t, pki, addr, proto, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if greeting != tlstest.Greetings[proto] {
				t.Errorf("greeting %q, want %q", greeting, tlstest.Greetings[proto])
			}
			echoes(t, conn.(*tls.Conn))
			conn.Close()
			if got := <-plain; got != tlstest.Requests[proto] {
				t.Errorf("sent in clear %q, want %q", got, tlstest.Requests[proto])
			}
		})
	}
}

// TestStartTLSRefusals: a server that says no, does not offer STARTTLS, or
// slips in bytes after its go-ahead gets a clear error, and rawtalk sends
// nothing more in clear.
func TestStartTLSRefusals(t *testing.T) {
	pki := tlstest.New()
	type tc struct {
		proto string
		mode  tlstest.Mode
		want  string // in the message after "starttls PROTO: 127.0.0.1 port N "
		sent  string // all rawtalk sent, in clear
		hint  string // a prefix of the hint
	}
	tests := []tc{
		{"smtp", tlstest.Refuse, `refused STARTTLS: "454 4.7.0 TLS not available due to temporary reason"`, tlstest.Requests["smtp"], ""},
		{"smtp", tlstest.NotOffered, "does not offer STARTTLS (it offers: PIPELINING, 8BITMIME)", "EHLO [127.0.0.1]\r\n", "the server may offer TLS from the first byte on another port (smtp usually uses 465: --tls HOST 465)"},
		{"imap", tlstest.Refuse, `refused STARTTLS: "R2 NO TLS is not configured"`, tlstest.Requests["imap"], ""},
		{"imap", tlstest.NotOffered, "does not offer STARTTLS (it offers: IMAP4rev1, AUTH=PLAIN)", "R1 CAPABILITY\r\n", "the server may offer TLS from the first byte on another port (imap usually uses 993"},
		{"pop3", tlstest.Refuse, `refused STLS: "-ERR TLS not available"`, tlstest.Requests["pop3"], ""},
		{"pop3", tlstest.NotOffered, "does not offer STLS (it offers: TOP, USER)", "CAPA\r\n", "the server may offer TLS"},
		{"ftp", tlstest.Refuse, `refused AUTH TLS: "431 Unable to accept security mechanism"`, tlstest.Requests["ftp"], ""},
		{"ftp", tlstest.NotOffered, `refused AUTH TLS: "502 Command not implemented"`, tlstest.Requests["ftp"], "the server does not do AUTH TLS; implicit FTPS is usually on port 990"},
		{"xmpp", tlstest.Refuse, "refused STARTTLS: it answered <failure>", tlstest.Requests["xmpp"], ""},
		{"xmpp", tlstest.NotOffered, "does not offer STARTTLS (it offers: mechanisms)", strings.TrimSuffix(tlstest.Requests["xmpp"], "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"), "the server may offer TLS"},
		{"postgres", tlstest.Refuse, "does not accept TLS: it answered N to SSLRequest", tlstest.Requests["postgres"], "the server needs ssl = on"},
		{"ldap", tlstest.Refuse, `refused StartTLS: unavailable (52) "TLS not configured"`, tlstest.Requests["ldap"], ""},
		{"lmtp", tlstest.Refuse, `refused STARTTLS: "454 4.7.0 TLS not available"`, tlstest.Requests["lmtp"], ""},
		{"lmtp", tlstest.NotOffered, "does not offer STARTTLS (it offers: PIPELINING, ENHANCEDSTATUSCODES)", "LHLO [127.0.0.1]\r\n", "lmtp has no usual port for TLS from the first byte: the server needs TLS configured"},
		{"sieve", tlstest.Refuse, `refused STARTTLS: "NO \"TLS is not configured\""`, tlstest.Requests["sieve"], ""},
		{"sieve", tlstest.NotOffered, "does not offer STARTTLS (it offers: IMPLEMENTATION, SIEVE, SASL, VERSION)", "", "sieve has no usual port for TLS"},
		{"nntp", tlstest.Refuse, `refused STARTTLS: "580 Can not initiate TLS negotiation"`, tlstest.Requests["nntp"], ""},
		{"nntp", tlstest.NotOffered, "does not offer STARTTLS (it offers: VERSION, READER)", "CAPABILITIES\r\n", "the server may offer TLS from the first byte on another port (nntp usually uses 563: --tls HOST 563)"},
		{"irc", tlstest.Refuse, `refused STARTTLS: ":irc.test 691 * :STARTTLS failure"`, tlstest.Requests["irc"], ""},
		{"irc", tlstest.NotOffered, `does not know STARTTLS: ":irc.test 451 * STARTTLS :You have not registered"`, tlstest.Requests["irc"], "the server may offer TLS from the first byte on another port (irc usually uses 6697: --tls HOST 6697)"},
		{"mysql", tlstest.Refuse, `does not offer TLS: its handshake (server version "` + tlstest.MySQLVersion + `") lacks the SSL capability`, "", "the server has no TLS certificate configured"},
	}
	for _, proto := range StartTLSProtocols() {
		tests = append(tests, tc{proto, tlstest.Inject, "more bytes after its go-ahead, before TLS began", tlstest.Requests[proto], ""})
	}
	for _, tt := range tests {
		t.Run(tt.proto+"/"+string(tt.mode), func(t *testing.T) {
			addr, plain := starttlsServer(t, pki, tt.proto, tt.mode)
			_, conn, err := upgradeWith(t, pki, addr, tt.proto, 5*time.Second)
			var tlsErr *TLSError
			if !errors.As(err, &tlsErr) {
				t.Fatalf("got %v (%T), want a *TLSError", err, err)
			}
			_, port, _ := net.SplitHostPort(addr)
			prefix := "starttls " + tt.proto + ": 127.0.0.1 port " + port + " "
			if !strings.HasPrefix(tlsErr.Error(), prefix) || !strings.Contains(tlsErr.Error(), tt.want) {
				t.Errorf("message:\n got %s\nwant %s...%s", tlsErr, prefix, tt.want)
			}
			if !strings.HasPrefix(tlsErr.Hint, tt.hint) {
				t.Errorf("hint:\n got %s\nwant %s...", tlsErr.Hint, tt.hint)
			}
			conn.Close()
			if got := <-plain; got != tt.sent {
				t.Errorf("sent in clear %q, want %q", got, tt.sent)
			}
		})
	}
}

// TestStartTLSWrongServer: a server that is not what --starttls says, is
// silent, or goes away, is named as such.
func TestStartTLSWrongServer(t *testing.T) {
	ssh := func(c net.Conn) {
		io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n")
		io.Copy(io.Discard, c)
	}
	httpAnswer := func(c net.Conn) {
		c.Read(make([]byte, 64))
		io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n\r\n")
		io.Copy(io.Discard, c)
	}
	tests := []struct {
		proto   string
		handle  func(net.Conn)
		timeout time.Duration
		want    string
		hint    string
	}{
		{"smtp", ssh, 0, `not smtp: 127.0.0.1 port PORT answered "SSH-2.0-OpenSSH_9.2"`, "is --starttls smtp the right protocol for this port?"},
		{"ftp", ssh, 0, `not ftp: 127.0.0.1 port PORT answered "SSH-2.0-OpenSSH_9.2"`, "is --starttls ftp the right protocol"},
		{"imap", ssh, 0, `not imap: 127.0.0.1 port PORT greeted with "SSH-2.0-OpenSSH_9.2"`, "is --starttls imap the right protocol"},
		{"pop3", ssh, 0, `not pop3: 127.0.0.1 port PORT greeted with "SSH-2.0-OpenSSH_9.2"`, "is --starttls pop3 the right protocol"},
		{"postgres", httpAnswer, 0, `not postgres: 127.0.0.1 port PORT answered "H" to SSLRequest`, "is --starttls postgres"},
		{"ldap", httpAnswer, 0, "not ldap: 127.0.0.1 port PORT answered StartTLS with something else", "is --starttls ldap"},
		{"xmpp", httpAnswer, 0, `not xmpp: 127.0.0.1 port PORT answered "HTTP/1.1 400 Bad Request\r\n\r\n"`, "is --starttls xmpp"},
		{"lmtp", ssh, 0, `not lmtp: 127.0.0.1 port PORT answered "SSH-2.0-OpenSSH_9.2"`, "is --starttls lmtp the right protocol"},
		{"nntp", ssh, 0, `not nntp: 127.0.0.1 port PORT answered "SSH-2.0-OpenSSH_9.2"`, "is --starttls nntp the right protocol"},
		{"sieve", ssh, 0, `not sieve: 127.0.0.1 port PORT greeted with "SSH-2.0-OpenSSH_9.2"`, "is --starttls sieve the right protocol"},
		{"irc", ssh, 0, `not irc: 127.0.0.1 port PORT answered "SSH-2.0-OpenSSH_9.2"`, "is --starttls irc the right protocol"},
		{"irc", func(c net.Conn) { io.WriteString(c, "220 mail.example ESMTP\r\n"); io.Copy(io.Discard, c) }, 0,
			`not irc: 127.0.0.1 port PORT answered "220 mail.example ESMTP"`, "is --starttls irc"},
		{"mysql", ssh, 0, `not mysql: 127.0.0.1 port PORT began with "SSH-", not a handshake packet`, "is --starttls mysql the right protocol"},
		{"mysql", func(c net.Conn) {
			io.WriteString(c, "\x1b\x00\x00\x00\xff\x10\x04Too many connections\x1b[2J")
			io.Copy(io.Discard, c)
		}, 0,
			`127.0.0.1 port PORT refused the session: MySQL error 1040: "Too many connections\x1b[2J"`, ""},
		{"sieve", func(c net.Conn) { io.WriteString(c, "BYE \"Too many connections\"\r\n") }, 0,
			`127.0.0.1 port PORT refused the session: "BYE \"Too many connections\""`, ""},
		{"smtp", func(c net.Conn) { io.Copy(io.Discard, c) }, 200 * time.Millisecond,
			"127.0.0.1 port PORT sent nothing for 200ms while rawtalk waited for the greeting",
			"if this port speaks TLS from the first byte, use --tls instead of --starttls"},
		{"smtp", func(c net.Conn) {
			io.WriteString(c, "220 hi\r\n")
			c.Read(make([]byte, 64))
		}, 0, "127.0.0.1 port PORT closed the connection while rawtalk waited for the reply to EHLO", "is --starttls smtp"},
		{"smtp", func(c net.Conn) { io.WriteString(c, "554 5.7.1 go away\r\n") }, 0,
			`127.0.0.1 port PORT refused the session: "554 5.7.1 go away"`, ""},
		{"imap", func(c net.Conn) { io.WriteString(c, "* PREAUTH welcome\r\n") }, 0,
			"127.0.0.1 port PORT logged the session in already (PREAUTH), and IMAP forbids STARTTLS after that", ""},
	}
	pki := tlstest.New()
	for _, tt := range tests {
		t.Run(tt.proto+" "+tt.want, func(t *testing.T) {
			addr := listen(t, tt.handle)
			_, port, _ := net.SplitHostPort(addr)
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			_, _, err := upgradeWith(t, pki, addr, tt.proto, timeout)
			var tlsErr *TLSError
			if !errors.As(err, &tlsErr) {
				t.Fatalf("got %v (%T), want a *TLSError", err, err)
			}
			want := "starttls " + tt.proto + ": " + strings.ReplaceAll(tt.want, "PORT", port)
			if tlsErr.Error() != want {
				t.Errorf("message:\n got %s\nwant %s", tlsErr, want)
			}
			if !strings.HasPrefix(tlsErr.Hint, tt.hint) {
				t.Errorf("hint:\n got %s\nwant %s...", tlsErr.Hint, tt.hint)
			}
		})
	}
}

// TestStartTLSTrace: -v shows the plain-text dialogue, both ways.
func TestStartTLSTrace(t *testing.T) {
	pki := tlstest.New()
	addr, _ := starttlsServer(t, pki, "smtp", tlstest.Accept)
	conn, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var lines []string
	trace := func(sent bool, line string) {
		arrow := "< "
		if sent {
			arrow = "> "
		}
		lines = append(lines, arrow+line)
	}
	if _, err := StartTLSPreamble(context.Background(), conn, "smtp", PreambleOptions{Trace: trace}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"< 220-localhost ESMTP rawtalk test server", "< 220 ready",
		"> EHLO [127.0.0.1]",
		"< 250-localhost greets you", "< 250-PIPELINING", "< 250-STARTTLS", "< 250 8BITMIME",
		"> STARTTLS",
		"< 220 2.0.0 Ready to start TLS",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestStartTLSInterrupted(t *testing.T) {
	addr := listen(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	conn, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel) // a Ctrl-C while waiting for the greeting
	_, err = StartTLSPreamble(ctx, conn, "smtp", PreambleOptions{})
	if err == nil || err.Error() != "starttls smtp: interrupted while waiting for the greeting" {
		t.Fatalf("got %v", err)
	}
}

// addrConn is a net.Conn with only a local address, for heloName.
type addrConn struct {
	net.Conn
	local net.Addr
}

func (c addrConn) LocalAddr() net.Addr { return c.local }

func TestHeloName(t *testing.T) {
	for _, tt := range []struct {
		local net.Addr
		want  string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, "[127.0.0.1]"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 40000}, "[IPv6:::1]"},
		{&net.UnixAddr{Name: "/tmp/sock", Net: "unix"}, "rawtalk.invalid"},
	} {
		if got := heloName(addrConn{local: tt.local}); got != tt.want {
			t.Errorf("heloName(%v) = %q, want %q", tt.local, got, tt.want)
		}
	}
}

// TestStartTLSVariants: preambles that take the other branch. An IMAP
// greeting that lists its capabilities (Dovecot's) saves the CAPABILITY
// command; a POP3 server without CAPA is still asked for STLS.
func TestStartTLSVariants(t *testing.T) {
	pki := tlstest.New()
	tests := []struct {
		proto    string
		script   []string // server lines, then (after "<") the client line it expects
		greeting string
	}{
		{"imap", []string{"* OK [CAPABILITY IMAP4rev1 LITERAL+ STARTTLS AUTH=PLAIN] ready\r\n", "<R2 STARTTLS", "* OK still here\r\nR2 OK Begin TLS\r\n"},
			"* OK [CAPABILITY IMAP4rev1 LITERAL+ STARTTLS AUTH=PLAIN] ready\r\n"},
		{"pop3", []string{"+OK ready\r\n", "<CAPA", "-ERR unknown command\r\n", "<STLS", "+OK go\r\n"}, "+OK ready\r\n"},
		{"ftp", []string{"120 ready in 1 minute\r\n220 ready now\r\n", "<AUTH TLS", "234 go\r\n"}, "120 ready in 1 minute\r\n220 ready now\r\n"},
		{"nntp", []string{"201 ready, no posting\r\n", "<CAPABILITIES", "500 what?\r\n", "<STARTTLS", "382 go\r\n"}, "201 ready, no posting\r\n"},
		// An old ircd's unsourced NOTICE AUTH, tags, and a PING to answer.
		{"irc", []string{"NOTICE AUTH :*** hello\r\n", "<STARTTLS", "@time=x :irc.test NOTICE * :wait\r\nPING :c00kie\r\n", "<PONG :c00kie", ":irc.test 670 * :go\r\n"},
			"NOTICE AUTH :*** hello\r\n@time=x :irc.test NOTICE * :wait\r\nPING :c00kie\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.proto, func(t *testing.T) {
			fail := make(chan string, 1)
			addr := listen(t, func(c net.Conn) {
				r := make([]byte, 1)
				for _, step := range tt.script {
					if !strings.HasPrefix(step, "<") {
						io.WriteString(c, step)
						continue
					}
					var line []byte
					for !strings.HasSuffix(string(line), "\r\n") {
						if _, err := c.Read(r); err != nil {
							fail <- err.Error()
							return
						}
						line = append(line, r[0])
					}
					if got := strings.TrimSuffix(string(line), "\r\n"); got != step[1:] {
						fail <- "got " + got + ", want " + step[1:]
						return
					}
				}
				fail <- ""
				tc := tls.Server(c, pki.ServerConfig(pki.Good))
				if tc.Handshake() == nil {
					io.Copy(tc, tc)
				}
			})
			greeting, conn, err := upgradeWith(t, pki, addr, tt.proto, 5*time.Second)
			if msg := <-fail; msg != "" {
				t.Fatal("server: " + msg)
			}
			if err != nil {
				t.Fatal(err)
			}
			if greeting != tt.greeting {
				t.Errorf("greeting %q, want %q", greeting, tt.greeting)
			}
			echoes(t, conn.(*tls.Conn))
		})
	}
}
