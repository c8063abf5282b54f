// Package tlstest holds what rawtalk's TLS tests share: certificates made
// fresh for each test (a CA, server certificates good and bad, a client
// certificate) and the server side of each STARTTLS preamble. Nothing is
// read from disk and nothing is trusted by the system, so a test that
// forgets --ca sees "unknown authority", as a user would.
package tlstest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"time"
)

// Cert is one certificate with its key.
type Cert struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// TLS is the certificate as crypto/tls serves it: the leaf, then the CA
// that signed it unless the leaf signed itself.
func (c *Cert) TLS(issuer *Cert) tls.Certificate {
	chain := [][]byte{c.Cert.Raw}
	if issuer != nil && issuer != c {
		chain = append(chain, issuer.Cert.Raw)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: c.Key, Leaf: c.Cert}
}

// CertPEM is the certificate in PEM.
func (c *Cert) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// KeyPEM is the private key in PKCS#8 PEM.
func (c *Cert) KeyPEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// SHA256 is the SHA-256 of the certificate's DER, what --pin takes.
func (c *Cert) SHA256() [32]byte { return sha256.Sum256(c.Cert.Raw) }

// PKI is a set of test certificates. Server certificates are for
// localhost, 127.0.0.1 and ::1 unless their name says otherwise.
type PKI struct {
	CA         *Cert // the test CA; trust it with --ca
	Good       *Cert // valid, signed by CA
	NameOnly   *Cert // valid for "localhost" only, not for any IP address
	WrongName  *Cert // valid for "wrong.example" only
	Expired    *Cert // expired yesterday
	NotYet     *Cert // valid from tomorrow
	SelfSigned *Cert // signs itself, for localhost and 127.0.0.1
	Client     *Cert // a client certificate signed by CA, CN "rawtalk test client"
	OtherCA    *Cert // a CA that signed nothing used here
}

// New makes a fresh PKI. It takes a few milliseconds.
func New() *PKI {
	now := time.Now()
	day := 24 * time.Hour
	p := &PKI{}
	p.CA = issue("rawtalk test CA", nil, nil, now.Add(-time.Hour), now.Add(30*day), true, nil)
	p.OtherCA = issue("rawtalk other CA", nil, nil, now.Add(-time.Hour), now.Add(30*day), true, nil)
	local := []string{"localhost"}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	server := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	p.Good = issue("localhost", local, ips, now.Add(-time.Hour), now.Add(30*day), false, p.CA, server...)
	p.NameOnly = issue("localhost", local, nil, now.Add(-time.Hour), now.Add(30*day), false, p.CA, server...)
	p.WrongName = issue("wrong.example", []string{"wrong.example"}, nil, now.Add(-time.Hour), now.Add(30*day), false, p.CA, server...)
	p.Expired = issue("localhost", local, ips, now.Add(-30*day), now.Add(-day), false, p.CA, server...)
	p.NotYet = issue("localhost", local, ips, now.Add(day), now.Add(30*day), false, p.CA, server...)
	p.SelfSigned = issue("localhost", local, ips, now.Add(-time.Hour), now.Add(30*day), false, nil, server...)
	p.Client = issue("rawtalk test client", nil, nil, now.Add(-time.Hour), now.Add(30*day), false, p.CA, x509.ExtKeyUsageClientAuth)
	return p
}

// issue makes one certificate; a nil issuer makes it self-signed.
func issue(cn string, dns []string, ips []net.IP, from, until time.Time, isCA bool, issuer *Cert, usage ...x509.ExtKeyUsage) *Cert {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"rawtalk tests"}},
		DNSNames:              dns,
		IPAddresses:           ips,
		NotBefore:             from,
		NotAfter:              until,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           usage,
		BasicConstraintsValid: true,
		IsCA:                  isCA,
	}
	if isCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	parent, signer := tmpl, crypto.Signer(key)
	if issuer != nil {
		parent, signer = issuer.Cert, issuer.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return &Cert{Cert: cert, Key: key}
}

// ServerConfig serves leaf (with the CA in the chain when the CA signed it).
func (p *PKI) ServerConfig(leaf *Cert) *tls.Config {
	issuer := p.CA
	if leaf == p.SelfSigned {
		issuer = nil
	}
	return &tls.Config{Certificates: []tls.Certificate{leaf.TLS(issuer)}}
}

// ClientPool trusts the test CA only.
func (p *PKI) ClientPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.CA.Cert)
	return pool
}
