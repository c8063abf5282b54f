package quote_test

// Every place where rawtalk repeats a peer's text in its own words, fed
// hostile bytes: the message must come out with none of them able to drive
// the terminal (quote.Unsafe), whatever the peer sent.

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/winetest"

	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/scan"
	"github.com/rawtalk/rawtalk/script"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/secure"
)

// hostile are the bytes a peer would use against the terminal.
var hostile = []string{
	"\x1b]0;pwned title\x07",             // window title (OSC 0)
	"\x1b[2J\x1b[H",                      // clear the screen
	"\x1b]52;c;cm0gLXJmIH4K\x07",         // write the clipboard (OSC 52)
	"evil\u202etxt.exe",                  // right-to-left override
	"\u009b2J\u009d0;t\u009c",            // C1 CSI, OSC, ST
	"zero\u200bwidth\ufeffbom\u061cmark", // invisible format characters
	"bell\x07nul\x00del\x7f",
	"\xff\xfe\x9b2J",             // invalid UTF-8; 0x9b alone is CSI to an 8-bit terminal
	"\x1bP$q\x1b\\\x1b[6n\x1b[c", // DCS, device status and attribute queries
}

// source is one message path: it makes the peer say text and returns
// rawtalk's words about it.
type source struct {
	name string
	// ascii: the path carries only ASCII (a certificate's DNS name is an
	// IA5String); other bytes are dropped from text first.
	ascii bool
	// slow paths (a settle time of their own) are left out of fuzzing.
	slow bool
	run  func(t *testing.T, text string) []string
}

func sources() []source {
	return []source{
		{name: "certificate in -v and status", run: certDescribe},
		{name: "self-signed certificate error", run: func(t *testing.T, text string) []string {
			return handshakeWords(t, text, secure.TLSOptions{}, "localhost")
		}},
		{name: "certificate name mismatch", ascii: true, run: func(t *testing.T, text string) []string {
			return handshakeWords(t, text, secure.TLSOptions{CAFile: "self"}, "127.0.0.1")
		}},
		{name: "http proxy 403", run: func(t *testing.T, text string) []string { return proxyWords(t, "403 "+text) }},
		{name: "http proxy 407", run: func(t *testing.T, text string) []string { return proxyWords(t, "407 "+text) }},
		{name: "http proxy bad status", run: func(t *testing.T, text string) []string { return proxyWords(t, text) }},
		{name: "starttls smtp refused", run: func(t *testing.T, text string) []string {
			return preambleWords(t, "smtp", "554 "+text+"\r\n")
		}},
		{name: "starttls smtp greeting traced", run: func(t *testing.T, text string) []string {
			return preambleWords(t, "smtp", "220 "+text+"\r\n250 ok\r\n454 "+text+"\r\n")
		}},
		{name: "starttls imap", run: func(t *testing.T, text string) []string {
			return preambleWords(t, "imap", text+"\r\n")
		}},
		{name: "starttls pop3", run: func(t *testing.T, text string) []string {
			return preambleWords(t, "pop3", "-ERR "+text+"\r\n")
		}},
		{name: "manual starttls refused", slow: true, run: liveRefusal},
		{name: "script mismatch", run: func(t *testing.T, text string) []string {
			e := &script.MismatchError{File: "x.rt", Line: 3, Want: "^250", Got: []string{text, text}, Timeout: time.Second}
			return []string{e.Error()}
		}},
		{name: "scan banner", run: func(t *testing.T, text string) []string { return scanWords(t, text, false) }},
		{name: "scan banner json", run: func(t *testing.T, text string) []string { return scanWords(t, text, true) }},
		{name: "unix peer in Connection received", run: func(t *testing.T, text string) []string {
			a := &net.UnixAddr{Name: "/tmp/" + text, Net: "unix"}
			return []string{"Connection received on " + dial.PeerWords(a), "connection to " + dial.AddrWords(a) + " lost"}
		}},
	}
}

// checkWords fails if any line can drive the terminal.
func checkWords(t *testing.T, src, text string, lines []string) {
	t.Helper()
	for _, line := range lines {
		if i := quote.Unsafe(line); i >= 0 {
			t.Fatalf("%s: peer text %q came out unsafe at byte %d: %q", src, text, i, line)
		}
	}
}

func TestMessagesEscapePeerText(t *testing.T) {
	for _, src := range sources() {
		t.Run(src.name, func(t *testing.T) {
			for _, h := range hostile {
				text := h
				if src.ascii {
					text = asciiOnly(h)
				}
				lines := src.run(t, text)
				checkWords(t, src.name, text, lines)
				// The text is there, escaped, not dropped: the user can see
				// that the peer sent something odd.
				if words := strings.Join(lines, "\n"); quote.Unsafe(text) >= 0 && !strings.Contains(words, `\x`) && !strings.Contains(words, `\u`) {
					t.Errorf("%s: peer text %q is not shown escaped in:\n%s", src.name, text, words)
				}
			}
		})
	}
}

// FuzzMessages: no peer text makes any message path print something that
// can drive the terminal.
func FuzzMessages(f *testing.F) {
	for _, h := range hostile {
		f.Add([]byte(h))
	}
	srcs := sources()
	f.Fuzz(func(t *testing.T, peer []byte) {
		text := string(peer)
		if len(text) > 200 || strings.ContainsAny(text, "\r\n\x00") {
			// Line protocols end the peer's text at CR or LF, and a NUL
			// cannot go into a certificate name or a path.
			text = firstLine(strings.ReplaceAll(text, "\x00", ""))
			if len(text) > 200 {
				text = text[:200]
			}
		}
		for _, src := range srcs {
			if src.slow {
				continue
			}
			in := text
			if src.ascii {
				in = asciiOnly(text)
			}
			checkWords(t, src.name, in, src.run(t, in))
		}
	})
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s, _, _ = strings.Cut(s, "\r")
	return s
}

func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x80 || r == 0 {
			return -1
		}
		return r
	}, s)
}

var (
	keyOnce sync.Once
	certKey *ecdsa.PrivateKey
)

// selfSigned is a certificate whose names are the peer's text.
func selfSigned(t *testing.T, text string) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	text = strings.ToValidUTF8(text, "\u009b") // ASN.1 strings are UTF-8; a C1 CSI in its place
	keyOnce.Do(func() {
		var err error
		if certKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
	name := pkix.Name{CommonName: "cn " + text, Organization: []string{"org " + text}}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               name,
		Issuer:                name,
		DNSNames:              []string{"a" + asciiOnly(text) + ".example"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &certKey.PublicKey, certKey)
	if err != nil {
		t.Skipf("cannot make a certificate of %q: %v", text, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Skipf("Go will not parse a certificate of %q: %v", text, err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: certKey, Leaf: cert}, cert
}

func certDescribe(t *testing.T, text string) []string {
	_, cert := selfSigned(t, text)
	c, err := secure.NewTLSClient(secure.TLSOptions{Insecure: true, ALPN: []string{text}})
	if err != nil {
		t.Fatal(err)
	}
	cs := tls.ConnectionState{Version: tls.VersionTLS13, CipherSuite: tls.TLS_AES_128_GCM_SHA256,
		ServerName: text, NegotiatedProtocol: text, PeerCertificates: []*x509.Certificate{cert}}
	return c.Describe(cs, text)
}

// handshakeWords runs a TLS handshake against a server with the peer's
// certificate and returns the error and hint. opt.CAFile "self" trusts
// that certificate, so the name is what fails.
func handshakeWords(t *testing.T, text string, opt secure.TLSOptions, host string) []string {
	tc, cert := selfSigned(t, text)
	if opt.CAFile == "self" {
		opt.CAFile = filepath.Join(winetest.TempDir(t), "ca.pem")
		if err := os.WriteFile(opt.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	client, err := secure.NewTLSClient(opt)
	if err != nil {
		t.Fatal(err)
	}
	a, b := loopbackPair(t)
	go func() {
		s := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tc}})
		s.Handshake()
		s.Close()
	}()
	_, err = client.Handshake(context.Background(), a, host)
	var tlsErr *secure.TLSError
	if !errors.As(err, &tlsErr) {
		t.Fatalf("handshake with the peer's certificate: %v, want a *TLSError", err)
	}
	return []string{tlsErr.Error(), tlsErr.Hint}
}

// loopbackPair is two ends of a TCP connection on 127.0.0.1: the
// messages name the peer by its address, which a net.Pipe lacks.
func loopbackPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// proxyWords dials through an HTTP proxy on 127.0.0.1 that answers
// CONNECT with status.
func proxyWords(t *testing.T, status string) []string {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil || line == "\r\n" {
				break
			}
		}
		c.Write([]byte("HTTP/1.1 " + status + "\r\n\r\n"))
	}()
	p := &dial.Proxy{Kind: dial.HTTPConnect, Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, RemoteDNS: true}
	d := &dial.Dialer{Family: "tcp4", Timeout: 5 * time.Second, Proxy: p}
	conn, err := d.Dial(context.Background(), dial.Target{Host: "127.0.0.1", Port: 80})
	if err == nil {
		conn.Close()
		return nil // the proxy agreed (the text began with 2xx): nothing to say
	}
	return []string{err.Error()}
}

// preambleWords runs an automatic STARTTLS against a server that answers
// every line with the next of its lines, and returns the error and the -v
// trace.
func preambleWords(t *testing.T, proto, answers string) []string {
	a, b := loopbackPair(t)
	go func() {
		b.Write([]byte(answers))
		b.(*net.TCPConn).CloseWrite()
		buf := make([]byte, 4096)
		for {
			if _, err := b.Read(buf); err != nil {
				return
			}
		}
	}()
	var words []string
	opt := secure.PreambleOptions{Domain: "localhost", Timeout: 5 * time.Second, Trace: func(_ bool, line string) {
		words = append(words, line)
	}}
	_, err := secure.StartTLSPreamble(context.Background(), a, proto, opt)
	var tlsErr *secure.TLSError
	if errors.As(err, &tlsErr) {
		words = append(words, tlsErr.Error(), tlsErr.Hint)
	} else if err != nil {
		words = append(words, err.Error())
	}
	return words
}

// liveRefusal is the escape prompt's starttls after the server said no.
func liveRefusal(t *testing.T, text string) []string {
	a, b := loopbackPair(t)
	live := secure.NewLiveConn(a)
	live.Write([]byte("STARTTLS\r\n"))
	refusal := "454 " + firstLine(text) + "\r\n"
	b.Write([]byte(refusal))
	buf := make([]byte, len(refusal))
	live.SetReadDeadline(time.Now().Add(5 * time.Second))
	n := 0
	for n < len(buf) {
		m, err := live.Read(buf[n:])
		if err != nil {
			t.Fatal(err)
		}
		n += m
	}
	live.SetReadDeadline(time.Time{})
	client, err := secure.NewTLSClient(secure.TLSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = live.StartTLS(context.Background(), client, "localhost")
	var tlsErr *secure.TLSError
	if !errors.As(err, &tlsErr) {
		t.Fatalf("starttls after a refusal: %v", err)
	}
	return []string{tlsErr.Error(), tlsErr.Hint}
}

// scanWords scans one port whose server greets with text.
func scanWords(t *testing.T, text string, asJSON bool) []string {
	dialer := func(ctx context.Context, network, address string) (net.Conn, error) {
		a, b := net.Pipe()
		go func() {
			b.Write([]byte(text + "\r\n"))
			b.Close()
		}()
		return a, nil
	}
	var out strings.Builder
	opt := scan.Options{Banner: true, BannerTimeout: 2 * time.Second, Dial: dialer, JSON: asJSON}
	if _, err := scan.Scan(context.Background(), []netip.Addr{netip.MustParseAddr("127.0.0.1")}, []uint16{25}, &out, opt); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
}
