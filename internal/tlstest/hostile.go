package tlstest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"time"
)

// Hostile strings are what a hostile certificate puts in its fields, to
// check that rawtalk shows them escaped: an OSC title change and a bell,
// a screen clear, a right-to-left override (U+202E, which makes
// "evil\u202etxt.exe" read as "evilexe.txt"), and a zero-width space.
const (
	HostileCN   = "evil\x1b]0;owned\x07\u202etxt.exe"
	HostileOrg  = "\x1b[2Jcorp\u200b"
	HostileDNS  = "a\x1b[31mb.example"
	HostileMail = "x\x1b[5m@example"
)

// Hostile makes a certificate signed by the test CA, valid for localhost
// and 127.0.0.1, whose subject, DNS names and e-mail address hold the
// Hostile strings. Its key is RSA, 1024 bits (the smallest Go accepts),
// where the others are ECDSA.
func (p *PKI) Hostile() *Cert {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:   big.NewInt(666),
		Subject:        pkix.Name{CommonName: HostileCN, Organization: []string{HostileOrg}},
		DNSNames:       []string{"localhost", HostileDNS},
		EmailAddresses: []string{HostileMail},
		IPAddresses:    []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:      now.Add(-time.Hour),
		NotAfter:       now.Add(24 * time.Hour),
		KeyUsage:       x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.CA.Cert, key.Public(), p.CA.Key)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return &Cert{Cert: cert, Key: key}
}
