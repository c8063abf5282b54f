package secure

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"strings"
	"time"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// Describe puts a TLS connection in words, one fact a line, for -v and the
// interactive `status` command: version and cipher, ALPN, the server's
// certificate (subject, issuer, names, dates, fingerprint), and how it was
// trusted. host is the host that was dialled. Lines carry no prefix; the
// caller adds its own.
func (c *TLSClient) Describe(cs tls.ConnectionState, host string) []string {
	lines := []string{
		fmt.Sprintf("%s, cipher %s", tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite)),
	}
	sni := cs.ServerName
	if sni == "" {
		sni = "none sent (an IP address is never sent as SNI)"
	}
	lines = append(lines, "server name (SNI): "+quote.String(sni))
	switch {
	case cs.NegotiatedProtocol != "": // the server's choice, though Go checks it was offered
		lines = append(lines, "ALPN: "+quote.String(cs.NegotiatedProtocol))
	case len(c.opt.ALPN) > 0:
		lines = append(lines, "ALPN: the server chose none of "+strings.Join(c.opt.ALPN, ","))
	}
	if len(cs.PeerCertificates) == 0 {
		return append(lines, "no server certificate")
	}
	leaf := cs.PeerCertificates[0]
	lines = append(lines, certLines(leaf)...)
	return append(lines, c.trustLine(cs, c.Name(host)))
}

// certLines describes the server's certificate.
func certLines(cert *x509.Certificate) []string {
	sum := sha256.Sum256(cert.Raw)
	lines := []string{
		"subject: " + dnWords(cert.Subject),
		"issuer: " + dnWords(cert.Issuer),
	}
	if names := certNames(cert); len(names) > 0 {
		lines = append(lines, "names: "+listWords(names, 12))
	} else {
		lines = append(lines, "names: none")
	}
	return append(lines, validityWords(cert),
		"sha256 fingerprint of the certificate's DER (as openssl x509 -fingerprint -sha256): "+colonHex(sum[:]),
		"pin it with: --pin "+PinString(sum[:]))
}

// validityWords gives a certificate's dates, and whether now is in them.
func validityWords(cert *x509.Certificate) string {
	now := time.Now()
	validity := fmt.Sprintf("valid from %s until %s", cert.NotBefore.UTC().Format(timeLayout), cert.NotAfter.UTC().Format(timeLayout))
	switch {
	case now.After(cert.NotAfter):
		validity += fmt.Sprintf(" (expired %s ago)", ago(now.Sub(cert.NotAfter)))
	case now.Before(cert.NotBefore):
		validity += fmt.Sprintf(" (not valid for %s yet)", ago(cert.NotBefore.Sub(now)))
	default:
		validity += fmt.Sprintf(" (expires in %s)", ago(cert.NotAfter.Sub(now)))
	}
	return validity
}

// trustLine says whether and how the certificate was checked.
func (c *TLSClient) trustLine(cs tls.ConnectionState, name string) string {
	switch {
	case c.pin != nil:
		return "certificate accepted by --pin (chain and name not checked)"
	case c.opt.Insecure:
		return "certificate NOT verified (--insecure)"
	case len(cs.VerifiedChains) > 0:
		var chain []string
		for _, cert := range cs.VerifiedChains[0] {
			chain = append(chain, quote.String(cert.Subject.CommonName))
		}
		from := "the system's CAs"
		if c.opt.CAFile != "" {
			from = c.opt.CAFile
		}
		return fmt.Sprintf("certificate verified for %s by %s: %s", name, from, strings.Join(chain, " <- "))
	}
	return "certificate not verified"
}

// colonHex is b as openssl prints fingerprints: AB:CD:EF.
func colonHex(b []byte) string {
	var s strings.Builder
	for i, x := range b {
		if i > 0 {
			s.WriteByte(':')
		}
		fmt.Fprintf(&s, "%02X", x)
	}
	return s.String()
}

// dnWords is a distinguished name as Go and openssl print it ("CN=x,O=y"),
// with each value escaped: a certificate is the peer's text. Printable
// names read exactly as pkix.Name.String gives them.
func dnWords(n pkix.Name) string {
	escape := func(values []string) []string {
		out := make([]string, len(values))
		for i, v := range values {
			out[i] = quote.String(v)
		}
		return out
	}
	escapeATVs := func(atvs []pkix.AttributeTypeAndValue) []pkix.AttributeTypeAndValue {
		out := make([]pkix.AttributeTypeAndValue, len(atvs))
		for i, atv := range atvs {
			if s, ok := atv.Value.(string); ok {
				atv.Value = quote.String(s)
			}
			out[i] = atv
		}
		return out
	}
	n.Country, n.Organization, n.OrganizationalUnit = escape(n.Country), escape(n.Organization), escape(n.OrganizationalUnit)
	n.Locality, n.Province = escape(n.Locality), escape(n.Province)
	n.StreetAddress, n.PostalCode = escape(n.StreetAddress), escape(n.PostalCode)
	n.SerialNumber, n.CommonName = quote.String(n.SerialNumber), quote.String(n.CommonName)
	if n.Names != nil {
		n.Names = escapeATVs(n.Names)
	}
	if n.ExtraNames != nil {
		n.ExtraNames = escapeATVs(n.ExtraNames)
	}
	return n.String()
}
