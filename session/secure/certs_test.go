package secure

import (
	"crypto/tls"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/rawtalk/rawtalk/internal/tlstest"
)

// TestCertsShowsTheChain: the chain the server sent, each certificate in
// full, in the order sent, with who signed whom and the verification
// result.
func TestCertsShowsTheChain(t *testing.T) {
	pki := tlstest.New()
	dir := writeFiles(t, map[string][]byte{"ca.pem": pki.CA.CertPEM()})
	addr := serveTLS(t, pki.ServerConfig(pki.Good))
	o := TLSOptions{CAFile: filepath.Join(dir, "ca.pem")}
	tc, err := handshake(t, addr, o)
	if err != nil {
		t.Fatal(err)
	}
	client, _ := NewTLSClient(o)
	got := strings.Join(client.Certs(tc.ConnectionState(), "127.0.0.1"), "\n") + "\n"
	want := strings.Join([]string{
		"the server sent 2 certificates",
		"certificate 0 (the server's own):",
		"  subject: CN=localhost,O=rawtalk tests",
		"  issuer: CN=rawtalk test CA,O=rawtalk tests",
		"  DNS names: localhost",
		"  IP addresses: 127.0.0.1, ::1",
		"  " + validityWords(pki.Good.Cert),
		"  key: ECDSA P-256 (256 bits); signed with ECDSA-SHA256",
		"  sha256: " + colonHex(sum(pki.Good)),
		"  signed by: certificate 1",
		"certificate 1 (a root CA: self-signed, and servers need not send it):",
		"  subject: CN=rawtalk test CA,O=rawtalk tests",
		"  issuer: CN=rawtalk test CA,O=rawtalk tests",
		"  DNS names: none",
		"  IP addresses: none",
		"  " + validityWords(pki.CA.Cert),
		"  key: ECDSA P-256 (256 bits); signed with ECDSA-SHA256",
		"  sha256: " + colonHex(sum(pki.CA)),
		"  signed by: itself",
		"verification: certificate verified for 127.0.0.1 by " + o.CAFile + ": localhost <- rawtalk test CA",
	}, "\n") + "\n"
	if got != want {
		t.Errorf("certs:\n%s\nwant:\n%s", got, want)
	}
}

// TestCertsSaysWhatVerifyingWouldFind: with --insecure or --pin, which skip
// verification, the result still says whether it would pass, and why not.
func TestCertsSaysWhatVerifyingWouldFind(t *testing.T) {
	pki := tlstest.New()
	dir := writeFiles(t, map[string][]byte{"ca.pem": pki.CA.CertPEM()})
	ca := filepath.Join(dir, "ca.pem")
	tests := []struct {
		cert *tlstest.Cert
		o    TLSOptions
		want string
	}{
		{pki.Good, TLSOptions{Insecure: true, CAFile: ca}, "verification: certificate NOT verified (--insecure); it would verify for 127.0.0.1"},
		{pki.Expired, TLSOptions{Insecure: true, CAFile: ca}, "verification: certificate NOT verified (--insecure); verifying it would fail: certificate for 127.0.0.1 expired on "},
		{pki.Good, TLSOptions{Insecure: true}, "verification: certificate NOT verified (--insecure); verifying it would fail: certificate for 127.0.0.1 is signed by an unknown authority (issuer CN=rawtalk test CA,O=rawtalk tests)"},
		{pki.SelfSigned, TLSOptions{Pin: PinString(sum(pki.SelfSigned))}, "verification: certificate accepted by --pin (chain and name not checked); verifying it would fail: certificate for 127.0.0.1 is self-signed (subject CN=localhost,O=rawtalk tests)"},
		{pki.WrongName, TLSOptions{Insecure: true, CAFile: ca}, "verification: certificate NOT verified (--insecure); verifying it would fail: certificate is valid for wrong.example, not 127.0.0.1"},
	}
	for _, tt := range tests {
		addr := serveTLS(t, pki.ServerConfig(tt.cert))
		tc, err := handshake(t, addr, tt.o)
		if err != nil {
			t.Fatal(err)
		}
		client, _ := NewTLSClient(tt.o)
		lines := client.Certs(tc.ConnectionState(), "127.0.0.1")
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, tt.want) {
			t.Errorf("got  %s\nwant %s...", last, tt.want)
		}
	}
}

// TestFailedCertsShowsWhatWasRefused: a handshake refused for its
// certificate still yields the chain, for --show-certs to show it next to
// the error; one that failed otherwise yields nothing.
func TestFailedCertsShowsWhatWasRefused(t *testing.T) {
	pki := tlstest.New()
	for _, tt := range []struct {
		name string
		cert *tlstest.Cert
		o    TLSOptions
	}{
		{"unknown authority", pki.Good, TLSOptions{}},
		{"pin mismatch", pki.SelfSigned, TLSOptions{Pin: PinString(sum(pki.Good))}},
	} {
		addr := serveTLS(t, pki.ServerConfig(tt.cert))
		_, err := handshake(t, addr, tt.o)
		if err == nil {
			t.Fatalf("%s: handshake succeeded", tt.name)
		}
		lines := FailedCerts(err)
		if len(lines) < 3 || lines[2] != "  subject: CN=localhost,O=rawtalk tests" {
			t.Errorf("%s: FailedCerts = %q", tt.name, lines)
		}
	}
	addr := listen(t, func(net.Conn) {}) // closes at once: no certificate
	if _, err := handshake(t, addr, TLSOptions{}); FailedCerts(err) != nil {
		t.Errorf("FailedCerts(%v) = %q, want nil", err, FailedCerts(err))
	}
}

// TestCertsOfAHostileCertificate: a certificate is the peer's text. Its
// escape sequences, bell, right-to-left override and zero-width space
// reach the screen as visible escapes, and the rest of it as written.
func TestCertsOfAHostileCertificate(t *testing.T) {
	pki := tlstest.New()
	hostile := pki.Hostile()
	addr := serveTLS(t, &tls.Config{Certificates: []tls.Certificate{hostile.TLS(pki.CA)}})
	dir := writeFiles(t, map[string][]byte{"ca.pem": pki.CA.CertPEM()})
	o := TLSOptions{CAFile: filepath.Join(dir, "ca.pem")}
	tc, err := handshake(t, addr, o)
	if err != nil {
		t.Fatal(err)
	}
	client, _ := NewTLSClient(o)
	lines := client.Certs(tc.ConnectionState(), "127.0.0.1")
	lines = append(lines, client.Describe(tc.ConnectionState(), "127.0.0.1")...)
	for _, line := range lines {
		for _, r := range line {
			if unicode.IsControl(r) || !unicode.IsPrint(r) && r != ' ' {
				t.Errorf("line %q holds %U", line, r)
			}
		}
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		// pkix.Name.String escapes the backslash of each escape again.
		`subject: CN=evil\\x1b]0\;owned\\x07\\u202etxt.exe,O=\\x1b[2Jcorp\\u200b`,
		`DNS names: localhost, a\x1b[31mb.example`,
		`other names: email:x\x1b[5m@example`,
		"key: RSA 1024 bits; signed with ECDSA-SHA256",
		`verification: certificate verified for 127.0.0.1 by ` + o.CAFile + `: evil\x1b]0;owned\x07\u202etxt.exe <- rawtalk test CA`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in:\n%s", want, got)
		}
	}
}
