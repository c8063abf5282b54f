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
	"io/fs"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
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
		pool, err := loadCAFile(o.CAFile)
		if err != nil {
			return nil, err
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
	switch {
	case dial.IsErrno(err, syscall.EISDIR) || isDir(path):
		reason = "is a directory" // Windows says "Incorrect function."
	case errors.Is(err, fs.ErrNotExist):
		reason = "no such file or directory" // Windows: "The system cannot find the file specified."
	case errors.Is(err, fs.ErrPermission):
		reason = "permission denied"
	}
	return &dial.ArgError{Arg: path, What: flag + " file", Reason: reason}
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
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
type pinMismatchError struct {
	got   []byte
	certs []*x509.Certificate // the chain the server sent, for --show-certs
}

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
	return c.handshake(ctx, conn, host, false)
}

// handshake is Handshake; atPrompt says the escape prompt's starttls asked,
// where the hints name the prompt's words rather than flags.
func (c *TLSClient) handshake(ctx context.Context, conn net.Conn, host string, atPrompt bool) (*tls.Conn, error) {
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
				return &pinMismatchError{got: sum[:], certs: cs.PeerCertificates}
			}
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout())
	defer cancel()
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		h := handshakeFailure{err: err, name: name, peer: dial.AddrWords(conn.RemoteAddr()), client: c, asked: asked.Load(), atPrompt: atPrompt}
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

// loadCAFile reads --ca's PEM bundle, for a client's roots or a listener's
// client CAs.
func loadCAFile(name string) (*x509.CertPool, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fileError("--ca", name, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, &dial.ArgError{Arg: name, What: "--ca file", Reason: "no PEM certificate in it"}
	}
	return pool, nil
}
