package secure

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/winetest"

	"github.com/rawtalk/rawtalk/session/dial"

	"github.com/rawtalk/rawtalk/internal/tlstest"
)

// listen starts a loopback server that hands each connection to handle,
// and returns its address. Everything ends with the test.
func listen(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// serveTLS starts a TLS echo server with cfg.
func serveTLS(t *testing.T, cfg *tls.Config) string {
	return listen(t, func(c net.Conn) {
		tc := tls.Server(c, cfg)
		if tc.Handshake() != nil {
			return
		}
		io.Copy(tc, tc)
	})
}

// writeFiles writes name, content pairs into a temporary directory and
// returns its path.
func writeFiles(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := winetest.TempDir(t)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// handshake dials addr and runs the client with o.
func handshake(t *testing.T, addr string, o TLSOptions) (*tls.Conn, error) {
	t.Helper()
	client, err := NewTLSClient(o)
	if err != nil {
		t.Fatalf("NewTLSClient: %v", err)
	}
	conn, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	host, _, _ := net.SplitHostPort(addr)
	return client.Handshake(context.Background(), conn, host)
}

// echoes checks that a line sent over tc comes back.
func echoes(t *testing.T, tc *tls.Conn) {
	t.Helper()
	tc.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(tc, "over tls\n"); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(tc).ReadString('\n')
	if err != nil || line != "over tls\n" {
		t.Fatalf("echo: got %q, %v", line, err)
	}
}

func TestTLSVerifiesWithCA(t *testing.T) {
	pki := tlstest.New()
	dir := writeFiles(t, map[string][]byte{"ca.pem": pki.CA.CertPEM()})
	addr := serveTLS(t, pki.ServerConfig(pki.Good))
	tc, err := handshake(t, addr, TLSOptions{CAFile: filepath.Join(dir, "ca.pem")})
	if err != nil {
		t.Fatal(err)
	}
	if len(tc.ConnectionState().VerifiedChains) == 0 {
		t.Fatal("no verified chain")
	}
	echoes(t, tc)
}

// TestTLSBadCertificates: every way a server's certificate can be wrong is
// refused, with one line that says what and for which name, and a hint.
func TestTLSBadCertificates(t *testing.T) {
	pki := tlstest.New()
	dir := writeFiles(t, map[string][]byte{"ca.pem": pki.CA.CertPEM(), "other.pem": pki.OtherCA.CertPEM()})
	ca := filepath.Join(dir, "ca.pem")
	wrongPin := make([]byte, 32)
	tests := []struct {
		name   string
		leaf   *tlstest.Cert
		opt    TLSOptions
		reason string // the whole TLSError message, with ADDR for the server's words
		hint   string // a prefix of the hint
	}{
		{"no --ca: the system does not trust the test CA", pki.Good, TLSOptions{},
			"tls: certificate for 127.0.0.1 is signed by an unknown authority (issuer CN=rawtalk test CA,O=rawtalk tests)",
			"--ca FILE trusts a private CA; --insecure to connect anyway"},
		{"another CA", pki.Good, TLSOptions{CAFile: filepath.Join(dir, "other.pem")},
			"tls: certificate for 127.0.0.1 is not signed by a CA in " + filepath.Join(dir, "other.pem") + " (issuer CN=rawtalk test CA,O=rawtalk tests)",
			"--insecure to connect anyway"},
		{"name only, dialled by address", pki.NameOnly, TLSOptions{CAFile: ca},
			"tls: certificate is valid for localhost, not 127.0.0.1",
			"--servername localhost checks a name the certificate has; --insecure"},
		{"wrong name", pki.WrongName, TLSOptions{CAFile: ca, ServerName: "localhost"},
			"tls: certificate is valid for wrong.example, not localhost",
			"--insecure to connect anyway"},
		{"expired", pki.Expired, TLSOptions{CAFile: ca, ServerName: "localhost"},
			"tls: certificate for localhost expired on " + pki.Expired.Cert.NotAfter.UTC().Format(timeLayout) + " (24 hours ago)",
			"--insecure to connect anyway"},
		{"not yet valid", pki.NotYet, TLSOptions{CAFile: ca, ServerName: "localhost"},
			"tls: certificate for localhost is not valid until " + pki.NotYet.Cert.NotBefore.UTC().Format(timeLayout) + " (23 hours from now)",
			"is this machine's clock right?"},
		{"self-signed", pki.SelfSigned, TLSOptions{CAFile: ca},
			"tls: certificate for 127.0.0.1 is self-signed (subject CN=localhost,O=rawtalk tests)",
			"--pin " + PinString(sum(pki.SelfSigned)) + " accepts exactly this certificate; --insecure"},
		// Go finds the name wrong before the chain; following a --servername
		// hint would only lead to the self-signed error, so that comes first.
		{"self-signed for another name", pki.SelfSigned, TLSOptions{CAFile: ca, ServerName: "other.example"},
			"tls: certificate for other.example is self-signed (subject CN=localhost,O=rawtalk tests); it is also valid only for localhost, 127.0.0.1, ::1, not other.example",
			"--pin " + PinString(sum(pki.SelfSigned)) + " accepts exactly this certificate; --insecure"},
		{"unknown authority for another name", pki.WrongName, TLSOptions{ServerName: "localhost"},
			"tls: certificate for localhost is signed by an unknown authority (issuer CN=rawtalk test CA,O=rawtalk tests); it is also valid only for wrong.example, not localhost",
			"--ca FILE trusts a private CA"},
		{"pin mismatch", pki.Good, TLSOptions{Pin: hex.EncodeToString(wrongPin)},
			"tls: certificate for 127.0.0.1 does not match --pin: its sha256 is " + PinString(sum(pki.Good)),
			"if the server changed its certificate"},
		{"pin mismatch even with a trusted CA", pki.Good, TLSOptions{CAFile: ca, Pin: hex.EncodeToString(wrongPin)},
			"tls: certificate for 127.0.0.1 does not match --pin: its sha256 is " + PinString(sum(pki.Good)),
			"if the server changed its certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serveTLS(t, pki.ServerConfig(tt.leaf))
			_, err := handshake(t, addr, tt.opt)
			var tlsErr *TLSError
			if !errors.As(err, &tlsErr) {
				t.Fatalf("got %v (%T), want a *TLSError", err, err)
			}
			if tlsErr.Error() != tt.reason {
				t.Errorf("message:\n got %s\nwant %s", tlsErr, tt.reason)
			}
			if !strings.HasPrefix(tlsErr.Hint, tt.hint) {
				t.Errorf("hint:\n got %s\nwant %s...", tlsErr.Hint, tt.hint)
			}
		})
	}
}

func sum(c *tlstest.Cert) []byte {
	s := c.SHA256()
	return s[:]
}

// TestTLSAccepts: what the user may choose to accept is accepted.
func TestTLSAccepts(t *testing.T) {
	pki := tlstest.New()
	dir := writeFiles(t, map[string][]byte{"ca.pem": pki.CA.CertPEM()})
	ca := filepath.Join(dir, "ca.pem")
	good := sum(pki.Good)
	tests := []struct {
		name string
		leaf *tlstest.Cert
		opt  TLSOptions
	}{
		{"--servername picks the name checked", pki.NameOnly, TLSOptions{CAFile: ca, ServerName: "localhost"}},
		{"--insecure takes an expired certificate", pki.Expired, TLSOptions{Insecure: true}},
		{"--insecure takes a wrong name", pki.WrongName, TLSOptions{Insecure: true}},
		{"--pin takes a self-signed certificate", pki.SelfSigned, TLSOptions{Pin: PinString(sum(pki.SelfSigned))}},
		{"--pin in openssl's words", pki.Good, TLSOptions{Pin: "sha256 Fingerprint=" + colonHex(good)}},
		{"--pin as bare hex", pki.Good, TLSOptions{Pin: hex.EncodeToString(good)}},
		{"--pin with an unknown CA", pki.Good, TLSOptions{Pin: PinString(good)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serveTLS(t, pki.ServerConfig(tt.leaf))
			tc, err := handshake(t, addr, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			echoes(t, tc)
		})
	}
}

// TestTLSNotTLS: servers that do not speak TLS, or stop in the middle.
func TestTLSNotTLS(t *testing.T) {
	tests := []struct {
		name    string
		handle  func(net.Conn)
		timeout time.Duration
		reason  string // the message after "tls: ADDR "
		hint    string
	}{
		{"plain http", func(c net.Conn) {
			bufio.NewReader(c).ReadByte()
			io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n\r\n")
		}, 0, `does not speak TLS: it answered "HTTP/"`, "is this port TLS? try without --tls"},
		{"an smtp greeting", func(c net.Conn) {
			io.WriteString(c, "220 mail.example ESMTP\r\n")
			io.Copy(io.Discard, c)
		}, 0, `does not speak TLS: it answered "220 m"`, "it greeted in plain text, like smtp or ftp; try --starttls smtp, or without --tls"},
		{"an imap greeting", func(c net.Conn) {
			io.WriteString(c, "* OK IMAP4rev1 ready\r\n")
			io.Copy(io.Discard, c)
		}, 0, `does not speak TLS: it answered "* OK "`, "it greeted in plain text, like imap; try --starttls imap"},
		{"a mysql handshake", func(c net.Conn) {
			io.WriteString(c, tlstest.MySQLHandshake(true))
			io.Copy(io.Discard, c)
		}, 0, `does not speak TLS: it answered "`, "it greeted in plain text, like mysql; try --starttls mysql"},
		{"a sieve greeting", func(c net.Conn) {
			io.WriteString(c, `"IMPLEMENTATION" "Dovecot Pigeonhole"`+"\r\n")
			io.Copy(io.Discard, c)
		}, 0, `does not speak TLS: it answered "\"IMPL"`, "it greeted in plain text, like sieve; try --starttls sieve"},
		{"an nntp greeting", func(c net.Conn) {
			io.WriteString(c, "200 news.example ready\r\n")
			io.Copy(io.Discard, c)
		}, 0, `does not speak TLS: it answered "200 n"`, "it greeted in plain text, like nntp; try --starttls nntp"},
		{"closes mid-handshake", func(c net.Conn) {
			bufio.NewReader(c).ReadByte() // the ClientHello has begun
		}, 0, "closed the connection during the handshake for 127.0.0.1", "is this port TLS? try without --tls"},
		{"resets mid-handshake", func(c net.Conn) {
			bufio.NewReader(c).ReadByte()
			c.(*net.TCPConn).SetLinger(0)
		}, 0, "reset the connection during the handshake for 127.0.0.1", "is this port TLS? try without --tls"},
		{"silent", func(c net.Conn) {
			io.Copy(io.Discard, c)
		}, 200 * time.Millisecond, "within 200ms", "is this port TLS? try without --tls (-w SECS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := listen(t, tt.handle)
			_, err := handshake(t, addr, TLSOptions{Timeout: tt.timeout})
			var tlsErr *TLSError
			if !errors.As(err, &tlsErr) {
				t.Fatalf("got %v (%T), want a *TLSError", err, err)
			}
			if !strings.Contains(tlsErr.Error(), tt.reason) || !strings.HasPrefix(tlsErr.Error(), "tls: ") {
				t.Errorf("message:\n got %s\nwant ...%s...", tlsErr, tt.reason)
			}
			if !strings.HasPrefix(tlsErr.Hint, tt.hint) {
				t.Errorf("hint:\n got %s\nwant %s...", tlsErr.Hint, tt.hint)
			}
			_, port, _ := net.SplitHostPort(addr)
			if tt.timeout == 0 && !strings.Contains(tlsErr.Error(), "127.0.0.1 port "+port) {
				t.Errorf("message %q does not name the server", tlsErr)
			}
		})
	}
}

func TestTLSInterrupted(t *testing.T) {
	addr := listen(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	client, _ := NewTLSClient(TLSOptions{})
	conn, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel) // a Ctrl-C during the handshake
	start := time.Now()
	_, err = client.Handshake(ctx, conn, "127.0.0.1")
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("got %v, want an interrupted handshake", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("the handshake did not stop at the interrupt")
	}
}

// TestTLSClientCertificate: a server that demands a client certificate
// gets one with --cert and --key, and without them the user is told.
func TestTLSClientCertificate(t *testing.T) {
	pki := tlstest.New()
	dir := writeFiles(t, map[string][]byte{
		"ca.pem": pki.CA.CertPEM(), "client.pem": pki.Client.CertPEM(), "client.key": pki.Client.KeyPEM(),
		"both.pem": append(pki.Client.CertPEM(), pki.Client.KeyPEM()...),
	})
	ca := filepath.Join(dir, "ca.pem")
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		cfg := pki.ServerConfig(pki.Good)
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = pki.ClientPool()
		cfg.MaxVersion = version
		seen := make(chan string, 4)
		addr := listen(t, func(c net.Conn) {
			tc := tls.Server(c, cfg)
			if tc.Handshake() != nil {
				return
			}
			seen <- tc.ConnectionState().PeerCertificates[0].Subject.CommonName
			io.Copy(tc, tc)
		})
		t.Run(tls.VersionName(version)+" with --cert --key", func(t *testing.T) {
			tc, err := handshake(t, addr, TLSOptions{CAFile: ca, CertFile: filepath.Join(dir, "client.pem"), KeyFile: filepath.Join(dir, "client.key")})
			if err != nil {
				t.Fatal(err)
			}
			echoes(t, tc)
			if cn := <-seen; cn != "rawtalk test client" {
				t.Errorf("server saw %q", cn)
			}
		})
		t.Run(tls.VersionName(version)+" with the key in the --cert file", func(t *testing.T) {
			tc, err := handshake(t, addr, TLSOptions{CAFile: ca, CertFile: filepath.Join(dir, "both.pem")})
			if err != nil {
				t.Fatal(err)
			}
			echoes(t, tc)
			<-seen
		})
		t.Run(tls.VersionName(version)+" without", func(t *testing.T) {
			client, _ := NewTLSClient(TLSOptions{CAFile: ca})
			tc, err := handshake(t, addr, TLSOptions{CAFile: ca})
			if err == nil {
				// TLS 1.3: the client's handshake is over before the server
				// judges its certificate; the verdict comes with the first read.
				tc.SetDeadline(time.Now().Add(5 * time.Second))
				io.WriteString(tc, "x")
				_, err = tc.Read(make([]byte, 1))
				err = client.Explain(err)
			}
			var tlsErr *TLSError
			if !errors.As(err, &tlsErr) {
				t.Fatalf("got %v (%T), want a *TLSError", err, err)
			}
			// Go's server says "certificate required" in TLS 1.3 and just
			// "handshake failure" in TLS 1.2; the hint says why either way.
			want := map[uint16]string{
				tls.VersionTLS12: "refused the handshake for 127.0.0.1: handshake failure",
				tls.VersionTLS13: "tls: the server ended the session with an alert: certificate required",
			}[version]
			if !strings.HasSuffix(tlsErr.Error(), want) {
				t.Errorf("message %q, want ...%s", tlsErr, want)
			}
			if tlsErr.Hint != "the server wants a client certificate: --cert FILE --key FILE" {
				t.Errorf("hint %q", tlsErr.Hint)
			}
		})
	}
}

func TestTLSALPN(t *testing.T) {
	pki := tlstest.New()
	dir := writeFiles(t, map[string][]byte{"ca.pem": pki.CA.CertPEM()})
	cfg := pki.ServerConfig(pki.Good)
	cfg.NextProtos = []string{"h2"}
	addr := serveTLS(t, cfg)
	o := TLSOptions{CAFile: filepath.Join(dir, "ca.pem"), ALPN: []string{"h2", "http/1.1"}}
	tc, err := handshake(t, addr, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := tc.ConnectionState().NegotiatedProtocol; got != "h2" {
		t.Errorf("ALPN %q, want h2", got)
	}
	o.ALPN = []string{"imap"}
	_, err = handshake(t, addr, o)
	if err == nil || !strings.HasSuffix(err.Error(), "refused the handshake for 127.0.0.1: no application protocol") {
		t.Fatalf("got %v", err)
	}
	if hint := err.(*TLSError).Hint; hint != "the server accepts none of --alpn imap" {
		t.Errorf("hint %q", hint)
	}
}

// TestTLSFiles: files named on the command line that cannot be used are
// *ArgError (exit 2), found before anything is dialled.
func TestTLSFiles(t *testing.T) {
	pki := tlstest.New()
	dir := writeFiles(t, map[string][]byte{
		"ca.pem": pki.CA.CertPEM(), "junk.pem": []byte("not a certificate\n"),
		"client.pem": pki.Client.CertPEM(), "client.key": pki.Client.KeyPEM(), "other.key": pki.Good.KeyPEM(),
		"unreadable.pem": pki.CA.CertPEM(),
	})
	at := func(name string) string { return filepath.Join(dir, name) }
	os.Chmod(at("unreadable.pem"), 0)
	tests := []struct {
		name string
		opt  TLSOptions
		want string
	}{
		{"missing --ca", TLSOptions{CAFile: at("nope.pem")}, `invalid --ca file ` + strconv.Quote(at("nope.pem")) + `: no such file or directory`},
		{"--ca is a directory", TLSOptions{CAFile: dir}, `invalid --ca file ` + strconv.Quote(dir) + `: is a directory`},
		{"--ca without PEM", TLSOptions{CAFile: at("junk.pem")}, `invalid --ca file ` + strconv.Quote(at("junk.pem")) + `: no PEM certificate in it`},
		{"missing --cert", TLSOptions{CertFile: at("nope.pem")}, `invalid --cert file ` + strconv.Quote(at("nope.pem")) + `: no such file or directory`},
		{"--cert without a key", TLSOptions{CertFile: at("client.pem")}, `invalid --cert file ` + strconv.Quote(at("client.pem")) + `: no PEM private key in it; give the key with --key FILE`},
		{"--cert is a key", TLSOptions{CertFile: at("client.key")}, `invalid --cert file ` + strconv.Quote(at("client.key")) + `: no PEM certificate in it`},
		{"missing --key", TLSOptions{CertFile: at("client.pem"), KeyFile: at("nope.key")}, `invalid --key file ` + strconv.Quote(at("nope.key")) + `: no such file or directory`},
		{"--key does not match", TLSOptions{CertFile: at("client.pem"), KeyFile: at("other.key")}, `invalid --key file ` + strconv.Quote(at("other.key")) + `: its key does not match the certificate in ` + at("client.pem")},
		{"--key alone", TLSOptions{KeyFile: at("client.key")}, `invalid --key file ` + strconv.Quote(at("client.key")) + `: --key needs --cert FILE`},
		{"bad --pin", TLSOptions{Pin: "sha256:abc"}, `invalid --pin "sha256:abc": want sha256:BASE64 or 64 hex digits, the SHA-256 of the server certificate's DER`},
		{"sha1 --pin", TLSOptions{Pin: strings.Repeat("ab", 20)}, `invalid --pin "` + strings.Repeat("ab", 20) + `": want sha256:BASE64`},
	}
	if os.Geteuid() != 0 && runtime.GOOS != "windows" { // root reads anything; Windows modes do not stop reading
		tests = append(tests, struct {
			name string
			opt  TLSOptions
			want string
		}{"unreadable --ca", TLSOptions{CAFile: at("unreadable.pem")}, `invalid --ca file ` + strconv.Quote(at("unreadable.pem")) + `: permission denied`})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewTLSClient(tt.opt)
			var argErr *dial.ArgError
			if !errors.As(err, &argErr) {
				t.Fatalf("got %v (%T), want an *dial.ArgError", err, err)
			}
			if !strings.HasPrefix(argErr.Error(), tt.want) {
				t.Errorf("\n got %s\nwant %s", argErr, tt.want)
			}
		})
	}
}

func TestParsePin(t *testing.T) {
	want := make([]byte, 32)
	for i := range want {
		want[i] = byte(i * 7)
	}
	for _, s := range []string{
		PinString(want),
		"SHA256:" + strings.TrimSuffix(PinString(want)[7:], "="),
		hex.EncodeToString(want),
		strings.ToUpper(hex.EncodeToString(want)),
		colonHex(want),
		"sha256 Fingerprint=" + colonHex(want),
		"sha256:" + hex.EncodeToString(want),
	} {
		got, err := ParsePin(s)
		if err != nil || string(got) != string(want) {
			t.Errorf("ParsePin(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "sha256:", "md5:abcd", hex.EncodeToString(want)[:62], "sha256:" + PinString(want[:20])[7:]} {
		if _, err := ParsePin(s); err == nil {
			t.Errorf("ParsePin(%q) accepted", s)
		}
	}
}

// TestDescribe: -v's and status's lines say what was negotiated and which
// certificate, with the fingerprint openssl would print for it.
func TestDescribe(t *testing.T) {
	pki := tlstest.New()
	dir := writeFiles(t, map[string][]byte{"ca.pem": pki.CA.CertPEM()})
	cfg := pki.ServerConfig(pki.Good)
	cfg.NextProtos = []string{"http/1.1"}
	addr := serveTLS(t, cfg)
	o := TLSOptions{CAFile: filepath.Join(dir, "ca.pem"), ALPN: []string{"h2", "http/1.1"}, ServerName: "localhost"}
	tc, err := handshake(t, addr, o)
	if err != nil {
		t.Fatal(err)
	}
	client, _ := NewTLSClient(o)
	got := strings.Join(client.Describe(tc.ConnectionState(), "127.0.0.1"), "\n")
	fingerprint := colonHex(sum(pki.Good))
	for _, want := range []string{
		"TLS 1.3, cipher TLS_",
		"server name (SNI): localhost\n",
		"ALPN: http/1.1\n",
		"subject: CN=localhost,O=rawtalk tests\n",
		"issuer: CN=rawtalk test CA,O=rawtalk tests\n",
		"names: localhost, 127.0.0.1, ::1\n",
		"until " + pki.Good.Cert.NotAfter.UTC().Format(timeLayout) + " (expires in 29 days)\n",
		"sha256 fingerprint of the certificate's DER (as openssl x509 -fingerprint -sha256): " + fingerprint + "\n",
		"pin it with: --pin " + PinString(sum(pki.Good)) + "\n",
		"certificate verified for localhost by " + filepath.Join(dir, "ca.pem") + ": localhost <- rawtalk test CA",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}

	insecure, _ := NewTLSClient(TLSOptions{Insecure: true})
	if lines := insecure.Describe(tc.ConnectionState(), "127.0.0.1"); lines[len(lines)-1] != "certificate NOT verified (--insecure)" {
		t.Errorf("insecure trust line %q", lines[len(lines)-1])
	}
}
