package secure

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/session/dial"
	"io"
	"io/fs"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// DefaultTLSTimeout bounds a TLS handshake and each STARTTLS reply when the
// user gave no -w: long enough for a slow server on another continent,
// short enough that a port which never answers does not hang rawtalk.
const DefaultTLSTimeout = 15 * time.Second

// TLSOptions are the user's TLS choices, as given on the command line.
type TLSOptions struct {
	// ServerName (--servername) is sent as SNI and is the name the
	// certificate must be valid for; "" means the host that was dialled.
	ServerName string
	// CAFile (--ca) is a PEM bundle of CAs trusted instead of the system's.
	CAFile string
	// Insecure (--insecure) accepts any certificate.
	Insecure bool
	// CertFile (--cert) is a client certificate in PEM; it may hold the key.
	CertFile string
	// KeyFile (--key) is the client certificate's key in PEM; "" means it
	// is in CertFile.
	KeyFile string
	// ALPN (--alpn) are the application protocols offered, preferred first.
	ALPN []string
	// Pin (--pin) is the SHA-256 of the leaf certificate's DER that alone
	// decides trust: sha256:BASE64, or hex with or without colons.
	Pin string
	// Timeout bounds the handshake; zero means DefaultTLSTimeout.
	Timeout time.Duration
}

// TLSClient is a checked TLS setup. It is made from TLSOptions before
// anything is dialled, so that a missing or broken file is reported without
// touching the network, and it is used for each handshake (at connect, after
// an automatic STARTTLS, or after a manual one in the interactive session).
type TLSClient struct {
	opt   TLSOptions
	roots *x509.CertPool   // trusted CAs; nil means the system's
	cert  *tls.Certificate // the client certificate, or nil
	pin   []byte           // SHA-256 of the accepted leaf's DER, or nil
}

// NewTLSClient reads the files named in o and checks the pin. Its errors are
// *ArgError: the user named a file that cannot be used.
func NewTLSClient(o TLSOptions) (*TLSClient, error) {
	c := &TLSClient{opt: o}
	if o.Pin != "" {
		pin, err := ParsePin(o.Pin)
		if err != nil {
			return nil, err
		}
		c.pin = pin
	}
	if o.CAFile != "" {
		data, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fileError("--ca", o.CAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(data) {
			return nil, &dial.ArgError{Arg: o.CAFile, What: "--ca file", Reason: "no PEM certificate in it"}
		}
		c.roots = pool
	}
	if o.KeyFile != "" && o.CertFile == "" {
		return nil, &dial.ArgError{Arg: o.KeyFile, What: "--key file", Reason: "--key needs --cert FILE"}
	}
	if o.CertFile != "" {
		cert, err := loadKeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, err
		}
		c.cert = cert
	}
	return c, nil
}

// fileError says why a file named by flag cannot be read, in the system's
// words ("no such file or directory") without Go's "open FILE:" prefix.
func fileError(flag, path string, err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		err = pathErr.Err
	}
	reason := err.Error()
	if errors.Is(err, syscall.EISDIR) {
		reason = "is a directory"
	}
	return &dial.ArgError{Arg: path, What: flag + " file", Reason: reason}
}

// loadKeyPair reads a client certificate and its key. Like openssl's -cert,
// the key may sit in the certificate's file when keyFile is "".
func loadKeyPair(certFile, keyFile string) (*tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fileError("--cert", certFile, err)
	}
	if !hasPEM(certPEM, "CERTIFICATE") {
		return nil, &dial.ArgError{Arg: certFile, What: "--cert file", Reason: "no PEM certificate in it"}
	}
	keyPEM, keyFlag, keyPath := certPEM, "--cert", certFile
	if keyFile != "" {
		keyPEM, keyFlag, keyPath = nil, "--key", keyFile
		if keyPEM, err = os.ReadFile(keyFile); err != nil {
			return nil, fileError("--key", keyFile, err)
		}
	}
	if !hasPEM(keyPEM, "PRIVATE KEY") {
		reason := "no PEM private key in it"
		if keyFile == "" {
			reason += "; give the key with --key FILE"
		}
		return nil, &dial.ArgError{Arg: keyPath, What: keyFlag + " file", Reason: reason}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		reason := strings.TrimPrefix(err.Error(), "tls: ")
		if strings.Contains(reason, "does not match") {
			reason = "its key does not match the certificate in " + certFile
		}
		return nil, &dial.ArgError{Arg: keyPath, What: keyFlag + " file", Reason: reason}
	}
	return &cert, nil
}

// hasPEM tells whether data holds a PEM block whose type ends in kind
// ("PRIVATE KEY" matches "EC PRIVATE KEY" and "RSA PRIVATE KEY" too).
func hasPEM(data []byte, kind string) bool {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return false
		}
		if strings.HasSuffix(block.Type, kind) {
			return true
		}
	}
}

// ParsePin reads --pin: the SHA-256 of the leaf certificate's DER, the
// number `openssl x509 -noout -fingerprint -sha256` prints. It accepts
// sha256:BASE64, sha256:HEX, bare hex, and hex with colons (as openssl
// prints it, "sha256 Fingerprint=" prefix included).
func ParsePin(s string) ([]byte, error) {
	v := strings.TrimSpace(s)
	lower := strings.ToLower(v)
	for _, prefix := range []string{"sha256 fingerprint=", "sha256:"} {
		if strings.HasPrefix(lower, prefix) {
			v = v[len(prefix):]
			break
		}
	}
	if hexDigits := strings.ReplaceAll(v, ":", ""); len(hexDigits) == 64 {
		if b, err := hex.DecodeString(hexDigits); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil && len(b) == sha256.Size {
			return b, nil
		}
	}
	return nil, &dial.ArgError{Arg: s, What: "--pin", Reason: "want sha256:BASE64 or 64 hex digits, the SHA-256 of the server certificate's DER"}
}

// PinString is how rawtalk writes a pin for the user to copy: sha256:BASE64.
func PinString(sum []byte) string { return "sha256:" + base64.StdEncoding.EncodeToString(sum) }

// pinMismatchError is a server certificate that is not the pinned one.
type pinMismatchError struct{ got []byte }

func (e *pinMismatchError) Error() string { return "certificate does not match --pin" }

// WithServerName is c checking name instead, for the interactive
// `starttls NAME` command.
func (c *TLSClient) WithServerName(name string) *TLSClient {
	copied := *c
	copied.opt.ServerName = name
	return &copied
}

// Timeout is how long a handshake or a STARTTLS reply may take.
func (c *TLSClient) Timeout() time.Duration {
	if c.opt.Timeout > 0 {
		return c.opt.Timeout
	}
	return DefaultTLSTimeout
}

// Insecure tells whether certificates go unchecked, so the caller can warn.
func (c *TLSClient) Insecure() bool { return c.opt.Insecure }

// Name is the name the certificate is checked against when host was dialled.
func (c *TLSClient) Name(host string) string {
	if c.opt.ServerName != "" {
		return c.opt.ServerName
	}
	return strings.TrimSuffix(host, ".")
}

// Handshake runs a TLS client handshake over conn, which reached host, and
// returns the TLS connection to use instead of conn. It gives up after
// Timeout or when ctx ends. Its errors are *TLSError, in the user's words.
func (c *TLSClient) Handshake(ctx context.Context, conn net.Conn, host string) (*tls.Conn, error) {
	name := c.Name(host)
	var asked atomic.Bool // the server asked for a client certificate
	cfg := &tls.Config{
		ServerName:         name,
		RootCAs:            c.roots,
		NextProtos:         c.opt.ALPN,
		InsecureSkipVerify: c.opt.Insecure || c.pin != nil,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			asked.Store(true)
			if c.cert != nil {
				return c.cert, nil
			}
			return &tls.Certificate{}, nil
		},
	}
	if c.pin != nil {
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if string(sum[:]) != string(c.pin) {
				return &pinMismatchError{got: sum[:]}
			}
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout())
	defer cancel()
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		h := handshakeFailure{err: err, name: name, peer: dial.AddrWords(conn.RemoteAddr()), client: c, asked: asked.Load()}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			h.timeout = c.Timeout()
		}
		return nil, h.explain()
	}
	return tc, nil
}

// Explain puts an error that ended a TLS session in words: an alert from
// the server (in TLS 1.3 a rejected client certificate arrives only after
// the handshake, with the first read) becomes a *TLSError with a hint.
// Other errors come back unchanged.
func (c *TLSClient) Explain(err error) error {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" {
		return err
	}
	alert := strings.TrimPrefix(op.Err.Error(), "tls: ")
	h := handshakeFailure{err: err, client: c}
	return &TLSError{Op: "tls", Reason: "the server ended the session with an alert: " + alert, Hint: alertHint(alert, h), Err: err}
}

// TLSError is a failed TLS handshake or STARTTLS, in the user's words.
type TLSError struct {
	Op     string // "tls", or "starttls smtp" and the like
	Reason string // what failed and for which name, lowercase
	Hint   string // a next step, or ""
	Err    error  // the underlying error
}

func (e *TLSError) Error() string { return e.Op + ": " + e.Reason }
func (e *TLSError) Unwrap() error { return e.Err }

// handshakeFailure is what explain needs to put a failed handshake in words.
type handshakeFailure struct {
	err     error
	name    string        // the name the certificate was checked against
	peer    string        // "127.0.0.1 port 443"
	client  *TLSClient    // the options in force
	asked   bool          // the server asked for a client certificate
	timeout time.Duration // nonzero when the handshake ran out of time
}

func (h handshakeFailure) explain() *TLSError {
	e := &TLSError{Op: "tls", Err: h.err}
	var verify *tls.CertificateVerificationError
	var leaf *x509.Certificate
	if errors.As(h.err, &verify) && len(verify.UnverifiedCertificates) > 0 {
		leaf = verify.UnverifiedCertificates[0]
	}
	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var record tls.RecordHeaderError
	var pinErr *pinMismatchError
	var op *net.OpError
	insecureHint := "--insecure to connect anyway"
	switch {
	case errors.As(h.err, &pinErr):
		e.Reason = fmt.Sprintf("certificate for %s does not match --pin: its sha256 is %s", h.name, PinString(pinErr.got))
		e.Hint = "if the server changed its certificate on purpose, check the new one and update --pin"
	case errors.As(h.err, &hostErr):
		names := certNames(hostErr.Certificate)
		if len(names) == 0 {
			e.Reason = fmt.Sprintf("certificate (subject %s) names no host, so it is not valid for %s", dnWords(hostErr.Certificate.Subject), h.name)
		} else {
			e.Reason = fmt.Sprintf("certificate is valid for %s, not %s", listWords(names, 6), h.name)
		}
		e.Hint = insecureHint
		if net.ParseIP(h.name) != nil && len(hostErr.Certificate.DNSNames) > 0 {
			e.Hint = fmt.Sprintf("--servername %s checks a name the certificate has; %s", quote.String(hostErr.Certificate.DNSNames[0]), insecureHint)
		}
	case errors.As(h.err, &invalid) && invalid.Reason == x509.Expired:
		e.Reason, e.Hint = expiryWords(invalid.Cert, leaf, h.name), insecureHint
		if time.Now().Before(invalid.Cert.NotBefore) {
			e.Hint = fmt.Sprintf("is this machine's clock right? it says %s; %s", time.Now().UTC().Format(timeLayout), insecureHint)
		}
	case errors.As(h.err, &invalid):
		e.Reason = fmt.Sprintf("certificate for %s: %s", h.name, strings.TrimPrefix(invalid.Error(), "x509: "))
		e.Hint = insecureHint
	case errors.As(h.err, &authErr):
		switch {
		case leaf != nil && selfSigned(leaf):
			e.Reason = fmt.Sprintf("certificate for %s is self-signed (subject %s)", h.name, dnWords(leaf.Subject))
			sum := sha256.Sum256(leaf.Raw)
			e.Hint = fmt.Sprintf("--pin %s accepts exactly this certificate; %s", PinString(sum[:]), insecureHint)
		case h.client.opt.CAFile != "":
			e.Reason = fmt.Sprintf("certificate for %s is not signed by a CA in %s (issuer %s)", h.name, h.client.opt.CAFile, issuerOf(authErr, leaf))
			e.Hint = insecureHint
		default:
			e.Reason = fmt.Sprintf("certificate for %s is signed by an unknown authority (issuer %s)", h.name, issuerOf(authErr, leaf))
			e.Hint = "--ca FILE trusts a private CA; " + insecureHint
		}
	case errors.As(h.err, &verify):
		e.Reason = fmt.Sprintf("certificate for %s: %s", h.name, strings.TrimPrefix(verify.Err.Error(), "x509: "))
		e.Hint = insecureHint
	case errors.As(h.err, &record):
		e.Reason = fmt.Sprintf("%s does not speak TLS: it answered %s", h.peer, quote.Quote(record.RecordHeader[:]))
		e.Hint = "is this port TLS? try without --tls"
		if proto := plainGreeting(record.RecordHeader[:]); proto != "" {
			e.Hint = fmt.Sprintf("it greeted in plain text, like %s; try --starttls %s, or without --tls", proto, strings.SplitN(proto, " ", 2)[0])
		}
	case errors.As(h.err, &op) && op.Op == "remote error":
		alert := strings.TrimPrefix(op.Err.Error(), "tls: ")
		e.Reason = fmt.Sprintf("%s refused the handshake for %s: %s", h.peer, h.name, alert)
		e.Hint = alertHint(alert, h)
	case h.timeout > 0:
		e.Reason = fmt.Sprintf("no TLS handshake from %s within %v", h.peer, h.timeout)
		e.Hint = "is this port TLS? try without --tls (-w SECS sets how long to wait)"
	case errors.Is(h.err, context.Canceled):
		e.Reason = "handshake with " + h.peer + " interrupted"
	case errors.Is(h.err, io.EOF), errors.Is(h.err, io.ErrUnexpectedEOF):
		e.Reason = fmt.Sprintf("%s closed the connection during the handshake for %s", h.peer, h.name)
		e.Hint = "is this port TLS? try without --tls"
	case errors.Is(h.err, syscall.ECONNRESET):
		e.Reason = fmt.Sprintf("%s reset the connection during the handshake for %s", h.peer, h.name)
		e.Hint = "is this port TLS? try without --tls"
	default:
		e.Reason = fmt.Sprintf("handshake with %s for %s failed: %s", h.peer, h.name, strings.TrimPrefix(dial.Strerror(dial.SystemError(h.err)), "tls: "))
	}
	return e
}

// alertHint suggests a next step for an alert the server sent.
func alertHint(alert string, h handshakeFailure) string {
	switch alert {
	case "certificate required", "bad certificate", "unknown certificate authority", "certificate unknown",
		"unsupported certificate", "certificate revoked", "certificate expired", "access denied":
		if h.client.cert != nil {
			return "the server did not accept the client certificate in " + h.client.opt.CertFile
		}
		if h.asked || alert == "certificate required" {
			return "the server wants a client certificate: --cert FILE --key FILE"
		}
	case "unrecognized name":
		return "the server does not serve " + h.name + "; --servername NAME asks for another name"
	case "no application protocol":
		return "the server accepts none of --alpn " + strings.Join(h.client.opt.ALPN, ",")
	case "protocol version not supported":
		return "the server speaks no TLS version rawtalk does (TLS 1.2 and 1.3)"
	}
	if h.asked && h.client.cert == nil {
		// Some servers (Go's, with TLS 1.2) answer a missing client
		// certificate with a plain "handshake failure".
		return "the server wants a client certificate: --cert FILE --key FILE"
	}
	return ""
}

// plainGreeting names the protocol whose greeting starts with b, if it is
// one that can be upgraded with STARTTLS.
func plainGreeting(b []byte) string {
	s := string(b)
	switch {
	case strings.HasPrefix(s, "220"):
		return "smtp or ftp"
	case strings.HasPrefix(s, "* OK"):
		return "imap"
	case strings.HasPrefix(s, "+OK"):
		return "pop3"
	}
	return ""
}

const timeLayout = "2006-01-02 15:04:05 UTC"

// expiryWords says which certificate is outside its dates, and when it was
// or will be valid.
func expiryWords(cert, leaf *x509.Certificate, name string) string {
	which := "certificate for " + name
	if leaf != nil && !cert.Equal(leaf) {
		which = fmt.Sprintf("CA certificate %s in the chain for %s", dnWords(cert.Subject), name)
	}
	now := time.Now()
	if now.Before(cert.NotBefore) {
		return fmt.Sprintf("%s is not valid until %s (%s from now)", which, cert.NotBefore.UTC().Format(timeLayout), ago(cert.NotBefore.Sub(now)))
	}
	return fmt.Sprintf("%s expired on %s (%s ago)", which, cert.NotAfter.UTC().Format(timeLayout), ago(now.Sub(cert.NotAfter)))
}

// ago is a rough duration in words: "3 days", "5 hours", "2 minutes".
func ago(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	}
	return fmt.Sprintf("%d seconds", int(d.Seconds()))
}

// selfSigned tells whether cert names itself as issuer and its own key
// signed it.
func selfSigned(cert *x509.Certificate) bool {
	return string(cert.RawIssuer) == string(cert.RawSubject) &&
		cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature) == nil
}

// issuerOf is the distinguished name of the authority nobody trusts.
func issuerOf(err x509.UnknownAuthorityError, leaf *x509.Certificate) string {
	if err.Cert != nil {
		return dnWords(err.Cert.Issuer)
	}
	if leaf != nil {
		return dnWords(leaf.Issuer)
	}
	return "unknown"
}

// certNames are the names a certificate is valid for: DNS names, then IP
// addresses. The names are the peer's text, escaped.
func certNames(cert *x509.Certificate) []string {
	var names []string
	for _, name := range cert.DNSNames {
		names = append(names, quote.String(name))
	}
	for _, ip := range cert.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}

// listWords joins names with commas, cut after max with "and N more".
func listWords(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:max], ", "), len(names)-max)
}
