package cli

import (
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rawtalk/rawtalk/internal/tlstest"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/pump"
)

// pkiOf is the script's test certificates, made fresh in Setup.
func pkiOf(ts *testscript.TestScript) *tlstest.PKI {
	return ts.Value("pki").(*tlstest.PKI)
}

// tlsHandlers are the TLS kinds of `serve`, or nil for another kind:
//
//	serve tls VAR CERT [clientauth] [tls12] [alpn=P1,P2] [eofmark]
//	           a TLS echo server with the script's certificate CERT: good,
//	           nameonly, wrongname, expired, notyet, selfsigned or hostile
//	           (escape sequences in its fields, tlstest.Hostile); clientauth
//	           demands a client certificate from the test CA; with eofmark
//	           it ends by saying "saw close_notify" when the client
//	           half-closes, or "no close_notify" after 500ms of silence
//	serve tlsclose VAR
//	           reads the ClientHello, then closes: a server that gives up
//	           in the middle of the handshake
//	serve banner VAR TEXT
//	           a plain-text server: says TEXT and CRLF, then reads to EOF
//	serve starttls VAR PROTO [MODE] [FILE]
//	           a PROTO server (any of secure.StartTLSProtocols)
//	           that speaks the real preamble, then TLS with the good
//	           certificate, then echoes; MODE is ok, refuse, noadvert or
//	           inject; FILE gets every plain-text byte received, written
//	           when the connection ends (wait for it with waitfile)
func tlsHandlers(ts *testscript.TestScript, kind, arg string) func(*net.TCPConn) {
	pki := pkiOf(ts)
	switch kind {
	case "tls":
		fields := strings.Fields(arg)
		eofMark := slices.Contains(fields, "eofmark")
		cfg := tlsServerConfig(ts, pki, slices.DeleteFunc(fields, func(f string) bool { return f == "eofmark" }))
		return func(c *net.TCPConn) {
			tc := tls.Server(c, cfg)
			defer tc.Close()
			if tc.Handshake() != nil {
				return
			}
			if eofMark {
				tc.Write([]byte(echoUntilEOF(tc, 500*time.Millisecond)))
			} else {
				io.Copy(tc, tc)
			}
			tc.CloseWrite()
		}
	case "tlsclose":
		return func(c *net.TCPConn) {
			// Read the whole ClientHello record, so that the close is a
			// clean FIN, not a reset for unread data.
			var header [5]byte
			if _, err := io.ReadFull(c, header[:]); err == nil {
				io.CopyN(io.Discard, c, int64(header[3])<<8|int64(header[4]))
			}
			c.Close()
		}
	case "banner":
		return func(c *net.TCPConn) {
			io.WriteString(c, arg+"\r\n")
			io.Copy(io.Discard, c)
			c.Close()
		}
	case "starttls":
		args := strings.Fields(arg)
		if len(args) < 1 {
			ts.Fatalf("usage: serve starttls VAR PROTO [MODE] [FILE]")
		}
		mode := tlstest.Accept
		if len(args) > 1 {
			mode = tlstest.Mode(args[1])
		}
		file := ""
		if len(args) > 2 {
			file = ts.MkAbs(args[2])
		}
		return func(c *net.TCPConn) {
			plain, _ := tlstest.ServeStartTLS(c, args[0], mode, pki.ServerConfig(pki.Good))
			if file != "" {
				// Write, then rename, so waitfile never sees half a file.
				os.WriteFile(file+".tmp", plain, 0o644)
				os.Rename(file+".tmp", file)
			}
		}
	}
	return nil
}

// echoUntilEOF echoes what it reads until EOF, which it reports as "saw
// close_notify", or until quiet passes with nothing read, which it reports
// as "no close_notify": a client that has sent its input and stays open.
func echoUntilEOF(c *tls.Conn, quiet time.Duration) string {
	buf := make([]byte, 4096)
	for {
		c.SetReadDeadline(time.Now().Add(quiet))
		n, err := c.Read(buf)
		c.Write(buf[:n])
		switch {
		case err == io.EOF:
			return "saw close_notify\n"
		case err != nil:
			return "no close_notify\n"
		}
	}
}

func tlsServerConfig(ts *testscript.TestScript, pki *tlstest.PKI, args []string) *tls.Config {
	if len(args) == 0 {
		ts.Fatalf("usage: serve tls VAR CERT [clientauth] [tls12] [alpn=P1,P2]")
	}
	leaf := map[string]*tlstest.Cert{
		"good": pki.Good, "nameonly": pki.NameOnly, "wrongname": pki.WrongName,
		"expired": pki.Expired, "notyet": pki.NotYet, "selfsigned": pki.SelfSigned,
	}[args[0]]
	if args[0] == "hostile" { // made only when asked for: its RSA key takes a while
		leaf = pki.Hostile()
	}
	if leaf == nil {
		ts.Fatalf("unknown certificate %q", args[0])
	}
	cfg := pki.ServerConfig(leaf)
	for _, opt := range args[1:] {
		switch {
		case opt == "clientauth":
			cfg.ClientAuth = tls.RequireAndVerifyClientCert
			cfg.ClientCAs = pki.ClientPool()
		case opt == "tls12":
			cfg.MaxVersion = tls.VersionTLS12
		case strings.HasPrefix(opt, "alpn="):
			cfg.NextProtos = strings.Split(strings.TrimPrefix(opt, "alpn="), ",")
		default:
			ts.Fatalf("unknown tls server option %q", opt)
		}
	}
	return cfg
}

// cmdTLSFiles writes the script's certificates into DIR, for --ca, --cert
// and --key, and sets the pins of its server certificates:
//
//	tlsfiles DIR
//
// writes ca.pem, other-ca.pem, client.pem, client.key, client-both.pem
// (certificate and key in one file) and junk.pem (not PEM), and sets
// $PIN (sha256:BASE64 of the good certificate), $PIN_OPENSSL (the same as
// openssl x509 -fingerprint -sha256 prints it), $PIN_HEX (its colon hex
// only), $PIN_SELF (the self-signed certificate's), and $PIN_RE and
// $PIN_SELF_RE (the pins quoted for regular expressions).
func cmdTLSFiles(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: tlsfiles DIR")
	}
	pki := pkiOf(ts)
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	for name, data := range map[string][]byte{
		"ca.pem":          pki.CA.CertPEM(),
		"other-ca.pem":    pki.OtherCA.CertPEM(),
		"client.pem":      pki.Client.CertPEM(),
		"client.key":      pki.Client.KeyPEM(),
		"client-both.pem": append(pki.Client.CertPEM(), pki.Client.KeyPEM()...),
		"junk.pem":        []byte("this is not a certificate\n"),
	} {
		ts.Check(os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	good, self := pki.Good.SHA256(), pki.SelfSigned.SHA256()
	pin := "sha256:" + base64.StdEncoding.EncodeToString(good[:])
	pinSelf := "sha256:" + base64.StdEncoding.EncodeToString(self[:])
	ts.Setenv("PIN", pin)
	ts.Setenv("PIN_SELF", pinSelf)
	// For regular expressions in stderr lines: base64 has + and /.
	ts.Setenv("PIN_RE", regexp.QuoteMeta(pin))
	ts.Setenv("PIN_SELF_RE", regexp.QuoteMeta(pinSelf))
	var colon []string
	for _, b := range good {
		colon = append(colon, fmt.Sprintf("%02X", b))
	}
	ts.Setenv("PIN_OPENSSL", "sha256 Fingerprint="+strings.Join(colon, ":"))
	ts.Setenv("PIN_HEX", strings.Join(colon, ":"))
}

// TestTLSExitCodes: a bad TLS flag or file is a usage error (2), found
// before dialling; a TLS or STARTTLS failure is a network failure (1).
func TestTLSExitCodes(t *testing.T) {
	pki := tlstest.New()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				tc := tls.Server(c, pki.ServerConfig(pki.Good))
				tc.Handshake()
				tc.Close()
			}()
		}
	}()
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	tests := []struct {
		args  []string
		code  int
		first string // the first line on stderr
	}{
		{[]string{"--ca", "ca.pem", "127.0.0.1", "1"}, 2, "rawtalk: --ca needs --tls or --starttls PROTO"},
		{[]string{"--tls", "--ca", "nope.pem", "127.0.0.1", "1"}, 2, `rawtalk: invalid --ca file "nope.pem": no such file or directory`},
		{[]string{"--tls", "--cert", "nope.pem", "127.0.0.1", "1"}, 2, `rawtalk: invalid --cert file "nope.pem": no such file or directory`},
		{[]string{"--tls", "--pin", "x", "127.0.0.1", "1"}, 2, `rawtalk: invalid --pin "x": want sha256:BASE64 or 64 hex digits, the SHA-256 of the server certificate's DER`},
		{[]string{"--starttls", "gopher", "127.0.0.1", "1"}, 2, `rawtalk: invalid --starttls protocol "gopher": want one of smtp, lmtp, imap, pop3, sieve, nntp, ftp, xmpp, irc, postgres, mysql, ldap`},
		{[]string{"--tls", "--starttls", "smtp", "127.0.0.1", "1"}, 2, "rawtalk: --tls and --starttls cannot be used together: --starttls PROTO already ends in TLS"},
		{[]string{"--tls", "127.0.0.1", port}, 1, "rawtalk: tls: certificate for 127.0.0.1 is signed by an unknown authority (issuer CN=rawtalk test CA,O=rawtalk tests)"},
		{[]string{"--starttls", "smtp", "-w", "0.2", "127.0.0.1", port}, 1, "rawtalk: starttls smtp: 127.0.0.1 port " + port + " sent nothing for 200ms while rawtalk waited for the greeting"},
	}
	for _, tt := range tests {
		var stderr strings.Builder
		code := run(tt.args, strings.NewReader(""), io.Discard, &stderr)
		first, _, _ := strings.Cut(stderr.String(), "\n")
		if code != tt.code || first != tt.first {
			t.Errorf("rawtalk %s: exit %d, %q\nwant exit %d, %q", strings.Join(tt.args, " "), code, first, tt.code, tt.first)
		}
	}
}

// TestPlainTLSPortHint: without --tls, a request to a usual TLS port that
// got no answer at all gets a hint; anything else does not.
func TestPlainTLSPortHint(t *testing.T) {
	tests := []struct {
		port   int
		counts pump.Counts
		hint   string
	}{
		{443, pump.Counts{Sent: 18}, "rawtalk: hint: no answer; port 443 usually speaks TLS: try --tls\n"},
		{993, pump.Counts{Sent: 5}, "rawtalk: hint: no answer; port 993 usually speaks TLS: try --tls\n"},
		{443, pump.Counts{Sent: 18, Received: 7}, ""},
		{443, pump.Counts{}, ""},
		{80, pump.Counts{Sent: 18}, ""},
	}
	for _, tt := range tests {
		var stderr strings.Builder
		s, err := newTLSSetup(&tlsFlags{}, 0, false, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.after(nil, dial.Target{Host: "127.0.0.1", Port: tt.port}, tt.counts, &console{w: &stderr}); err != nil {
			t.Fatal(err)
		}
		if stderr.String() != tt.hint {
			t.Errorf("port %d, %+v: %q, want %q", tt.port, tt.counts, stderr.String(), tt.hint)
		}
	}
}
