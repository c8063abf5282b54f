package secure

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// Certs puts the certificate chain the server sent in words, as openssl
// s_client -showcerts users expect to see it, for --show-certs and the
// escape prompt's certs command: each certificate's subject, issuer,
// names, dates, key and SHA-256 fingerprint, every field the peer wrote
// escaped, then the verification result. host is the host that was
// dialled. Lines carry no prefix; the caller adds its own.
func (c *TLSClient) Certs(cs tls.ConnectionState, host string) []string {
	name := c.Name(host)
	if len(cs.PeerCertificates) == 0 {
		return []string{"the server sent no certificate"}
	}
	lines := chainLines(cs.PeerCertificates)
	return append(lines, c.verificationLine(cs, name))
}

// FailedCerts is Certs for a handshake that failed on the certificate
// (not trusted, wrong name, expired, not the pinned one): the chain the
// server sent, so the user can see what was refused; the error itself
// says why. It is nil when err carries no certificate.
func FailedCerts(err error) []string {
	var verify *tls.CertificateVerificationError
	var pinErr *pinMismatchError
	switch {
	case errors.As(err, &verify) && len(verify.UnverifiedCertificates) > 0:
		return chainLines(verify.UnverifiedCertificates)
	case errors.As(err, &pinErr) && len(pinErr.certs) > 0:
		return chainLines(pinErr.certs)
	}
	return nil
}

// chainLines describes certs in the order the server sent them, leaf
// first, saying for each whether the next one signed it: a chain out of
// order or missing its intermediate shows here.
func chainLines(certs []*x509.Certificate) []string {
	n := len(certs)
	lines := []string{fmt.Sprintf("the server sent %d certificate%s", n, plural(n))}
	for i, cert := range certs {
		role := "the server's own"
		switch {
		case selfSigned(cert):
			role = "self-signed"
			if i > 0 {
				role = "a root CA: self-signed, and servers need not send it"
			}
		case i > 0 && cert.IsCA:
			role = "an intermediate CA"
		case i > 0:
			role = "not a CA"
		}
		lines = append(lines, fmt.Sprintf("certificate %d (%s):", i, role))
		for _, l := range certDetail(cert) {
			lines = append(lines, "  "+l)
		}
		lines = append(lines, "  "+signedByWords(certs, i))
	}
	return lines
}

// certDetail is one certificate, a fact a line.
func certDetail(cert *x509.Certificate) []string {
	sum := sha256.Sum256(cert.Raw)
	lines := []string{
		"subject: " + dnWords(cert.Subject),
		"issuer: " + dnWords(cert.Issuer),
	}
	var dns, ips, other []string
	for _, n := range cert.DNSNames {
		dns = append(dns, quote.String(n))
	}
	for _, ip := range cert.IPAddresses {
		ips = append(ips, ip.String())
	}
	for _, e := range cert.EmailAddresses {
		other = append(other, "email:"+quote.String(e))
	}
	for _, u := range cert.URIs {
		other = append(other, "URI:"+quote.String(u.String()))
	}
	lines = append(lines, "DNS names: "+noneOr(listWords(dns, 20)), "IP addresses: "+noneOr(listWords(ips, 20)))
	if len(other) > 0 {
		lines = append(lines, "other names: "+listWords(other, 10))
	}
	return append(lines,
		validityWords(cert),
		fmt.Sprintf("key: %s; signed with %s", keyWords(cert), cert.SignatureAlgorithm),
		"sha256: "+colonHex(sum[:]),
	)
}

// signedByWords says who signed certs[i]: the next certificate, itself,
// or someone the server did not send.
func signedByWords(certs []*x509.Certificate, i int) string {
	cert := certs[i]
	switch {
	case selfSigned(cert):
		return "signed by: itself"
	case i+1 < len(certs) && cert.CheckSignatureFrom(certs[i+1]) == nil:
		return fmt.Sprintf("signed by: certificate %d", i+1)
	case i+1 < len(certs):
		return fmt.Sprintf("signed by: not certificate %d; the chain is out of order or holds a stray certificate", i+1)
	}
	return "signed by: a certificate the server did not send (the client must have it: a root CA, or a missing intermediate)"
}

// keyWords names a certificate's public key and its size.
func keyWords(cert *x509.Certificate) string {
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d bits", k.N.BitLen())
	case *ecdsa.PublicKey:
		return fmt.Sprintf("ECDSA %s (%d bits)", k.Curve.Params().Name, k.Curve.Params().BitSize)
	case ed25519.PublicKey:
		return "Ed25519 (256 bits)"
	}
	return cert.PublicKeyAlgorithm.String()
}

// verificationLine is the verification result in words. With --pin or
// --insecure, which skip it, it says what verifying would have found.
func (c *TLSClient) verificationLine(cs tls.ConnectionState, name string) string {
	trust := "verification: " + c.trustLine(cs, name)
	if len(cs.VerifiedChains) > 0 {
		return trust
	}
	if err := c.verify(cs.PeerCertificates, name); err != nil {
		return trust + "; verifying it would fail: " + err.Reason
	}
	return trust + fmt.Sprintf("; it would verify for %s", name)
}

// verify checks certs for name as a handshake without --pin or --insecure
// would, and puts a failure in the same words.
func (c *TLSClient) verify(certs []*x509.Certificate, name string) *TLSError {
	intermediates := x509.NewCertPool()
	for _, cert := range certs[1:] {
		intermediates.AddCert(cert)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{DNSName: name, Roots: c.roots, Intermediates: intermediates})
	if err == nil {
		return nil
	}
	err = &tls.CertificateVerificationError{UnverifiedCertificates: certs, Err: err}
	return handshakeFailure{err: err, name: name, client: c}.explain()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func noneOr(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}
