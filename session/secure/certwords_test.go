package secure

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"
)

// TestCertificateTextIsEscaped: a certificate is the peer's text; its
// subject, issuer and names reach -v, status and error messages with no
// control byte left in them.
func TestCertificateTextIsEscaped(t *testing.T) {
	evil := pkix.Name{CommonName: "evil\x1b]0;owned\x07", Organization: []string{"\x1b[2Jcorp"}}
	cert := &x509.Certificate{
		Subject:   evil,
		Issuer:    evil,
		DNSNames:  []string{"a\x1b[31mb"},
		NotBefore: time.Now().Add(-time.Hour),
		NotAfter:  time.Now().Add(time.Hour),
	}
	lines := certLines(cert)
	lines = append(lines, expiryWords(cert, nil, "localhost"), issuerOf(x509.UnknownAuthorityError{}, cert))
	for _, line := range lines {
		if i := strings.IndexFunc(line, func(r rune) bool { return r < 0x20 || r == 0x7f }); i >= 0 {
			t.Errorf("line %q has a control byte at %d", line, i)
		}
	}
	if got := strings.Join(lines, "\n"); !strings.Contains(got, `names: a\x1b[31mb`) || !strings.Contains(got, `CN=evil\\x1b]0\;owned\\x07`) {
		t.Errorf("escaped text missing from:\n%s", got)
	}
}

// TestDNWordsOfPrintableNames: printable names read as Go prints them,
// commas and their backslashes included.
func TestDNWordsOfPrintableNames(t *testing.T) {
	n := pkix.Name{CommonName: "localhost", Organization: []string{"Foo, Inc."}, Country: []string{"DE"}}
	if got, want := dnWords(n), n.String(); got != want {
		t.Errorf("dnWords = %q, want %q", got, want)
	}
}
