package secure

// The server side of TLS, for `rawtalk -l --tls` (ncat --ssl -l): the
// certificate from --cert/--key, or a fresh self-signed one whose pin the
// user hands to the client; --ca asks every client for a certificate and
// checks it.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
	"time"

	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/session/dial"
)

// ServerOptions are a TLS listener's choices, as given on the command line.
type ServerOptions struct {
	// CertFile (--cert) is the server certificate in PEM, its key in it or
	// in KeyFile (--key). "" means a self-signed one: see SelfSign.
	CertFile, KeyFile string
	// CAFile (--ca) asks each client for a certificate signed by these CAs.
	CAFile string
	// ALPN (--alpn) are the protocols the server accepts, preferred first.
	ALPN []string
	// Timeout bounds each handshake; zero means DefaultTLSTimeout.
	Timeout time.Duration
}

// TLSServer is a checked TLS listener setup: its files were read before
// anything was bound.
type TLSServer struct {
	opt        ServerOptions
	cert       *tls.Certificate
	clientCAs  *x509.CertPool
	selfSigned bool
}

// NewTLSServer reads the files named in o. Its errors are *dial.ArgError.
// Without CertFile the server has no certificate until SelfSign.
func NewTLSServer(o ServerOptions) (*TLSServer, error) {
	s := &TLSServer{opt: o}
	if o.KeyFile != "" && o.CertFile == "" {
		return nil, &dial.ArgError{Arg: o.KeyFile, What: "--key file", Reason: "--key needs --cert FILE"}
	}
	if o.CertFile != "" {
		cert, err := loadKeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, err
		}
		if cert.Leaf == nil {
			cert.Leaf, _ = x509.ParseCertificate(cert.Certificate[0])
		}
		s.cert = cert
	}
	if o.CAFile != "" {
		pool, err := loadCAFile(o.CAFile)
		if err != nil {
			return nil, err
		}
		s.clientCAs = pool
	}
	return s, nil
}

// NeedsCertificate tells whether the server still waits for SelfSign.
func (s *TLSServer) NeedsCertificate() bool { return s.cert == nil }

// SelfSign makes a fresh ECDSA P-256 certificate, valid for a week, for
// hosts (names and IP addresses), signed by itself. Clients verify it by
// its pin.
func (s *TLSServer) SelfSign(hosts []string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "rawtalk listener"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	if len(tmpl.DNSNames) > 0 {
		tmpl.Subject.CommonName = tmpl.DNSNames[0]
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	s.cert = &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	s.selfSigned = true
	return nil
}

// SelfSigned tells whether the certificate is the one SelfSign made.
func (s *TLSServer) SelfSigned() bool { return s.selfSigned }

// Pin is the certificate's SHA-256 as --pin takes it: sha256:BASE64.
func (s *TLSServer) Pin() string {
	sum := sha256.Sum256(s.cert.Certificate[0])
	return PinString(sum[:])
}

// Names are the DNS names and IP addresses the certificate is valid for,
// escaped (a --cert file may come from anyone).
func (s *TLSServer) Names() []string {
	if s.cert.Leaf == nil {
		return nil
	}
	return certNames(s.cert.Leaf)
}

// Timeout is how long a client may take over its handshake.
func (s *TLSServer) Timeout() time.Duration {
	if s.opt.Timeout > 0 {
		return s.opt.Timeout
	}
	return DefaultTLSTimeout
}

func (s *TLSServer) config() *tls.Config {
	cfg := &tls.Config{
		Certificates: []tls.Certificate{*s.cert},
		NextProtos:   s.opt.ALPN,
		MinVersion:   tls.VersionTLS12,
	}
	if s.clientCAs != nil {
		cfg.ClientCAs = s.clientCAs
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg
}

// Handshake runs the server's side of a TLS handshake over conn, accepted
// from peer (in nc's words), and returns the TLS connection to use. It
// gives up after Timeout or when ctx ends. Its errors are *TLSError.
func (s *TLSServer) Handshake(ctx context.Context, conn net.Conn, peer string) (*tls.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout())
	defer cancel()
	tc := tls.Server(conn, s.config())
	err := tc.HandshakeContext(ctx)
	if err == nil {
		return tc, nil
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		return nil, &TLSError{Op: "tls", Reason: fmt.Sprintf("no TLS handshake from %s within %s", peer, s.Timeout()),
			Hint: "the client may speak plain text; it needs --tls (ncat --ssl, openssl s_client)", Err: err}
	}
	return nil, s.explain(err, peer)
}

// explain puts a failed server handshake in words.
func (s *TLSServer) explain(err error, peer string) *TLSError {
	e := &TLSError{Op: "tls", Err: err}
	var header tls.RecordHeaderError
	var op *net.OpError
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &header):
		e.Reason = fmt.Sprintf("%s did not speak TLS: its first bytes were %s", peer, quote.Quote(header.RecordHeader[:]))
		e.Hint = "the client needs --tls (ncat --ssl, openssl s_client); or listen without --tls"
	case errors.As(err, &op) && op.Op == "remote error":
		alert := strings.TrimPrefix(op.Err.Error(), "tls: ")
		e.Reason = fmt.Sprintf("%s refused the handshake: %s", peer, alert)
		if s.selfSigned && strings.Contains(alert, "certificate") {
			e.Hint = "the certificate is self-signed: give the client its pin, rawtalk --tls --pin " + s.Pin() + " HOST PORT"
		}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		e.Reason = fmt.Sprintf("%s closed the connection during the handshake", peer)
		if s.selfSigned {
			e.Hint = "a client that checks certificates needs the pin: rawtalk --tls --pin " + s.Pin() + " HOST PORT"
		}
	case strings.Contains(err.Error(), "didn't provide a certificate"):
		e.Reason = fmt.Sprintf("%s sent no client certificate, and --ca asks for one", peer)
		e.Hint = "the client needs --cert FILE --key FILE"
	case errors.As(err, &unknown):
		e.Reason = fmt.Sprintf("the client certificate of %s is not signed by a CA in %s", peer, s.opt.CAFile)
	case errors.As(err, &invalid):
		e.Reason = fmt.Sprintf("the client certificate of %s is not valid: %s", peer, quote.String(strings.TrimPrefix(invalid.Error(), "x509: ")))
	default:
		e.Reason = fmt.Sprintf("handshake with %s failed: %s", peer, quote.String(strings.TrimPrefix(err.Error(), "tls: ")))
	}
	return e
}

// DescribeClient puts an accepted TLS connection in words, one fact a
// line, for -v and the interactive `status` command.
func (s *TLSServer) DescribeClient(cs tls.ConnectionState) []string {
	lines := []string{fmt.Sprintf("%s, cipher %s", tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite))}
	if cs.ServerName != "" {
		lines = append(lines, "the client asked for (SNI): "+quote.String(cs.ServerName))
	}
	if cs.NegotiatedProtocol != "" {
		lines = append(lines, "ALPN: "+quote.String(cs.NegotiatedProtocol))
	}
	lines = append(lines, "rawtalk's certificate: pin "+s.Pin())
	if len(cs.PeerCertificates) == 0 {
		return append(lines, "no client certificate")
	}
	leaf := cs.PeerCertificates[0]
	return append(lines, "client certificate: "+dnWords(leaf.Subject)+", verified by "+s.opt.CAFile)
}
