package secure

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/session/dial"
)

// handshakeFailure is what explain needs to put a failed handshake in words.
type handshakeFailure struct {
	err     error
	name    string        // the name the certificate was checked against
	peer    string        // "127.0.0.1 port 443"
	client  *TLSClient    // the options in force
	asked   bool          // the server asked for a client certificate
	timeout time.Duration // nonzero when the handshake ran out of time
	// atPrompt: the escape prompt's starttls asked, which takes a NAME
	// but no flags.
	atPrompt bool
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
	if h.atPrompt {
		insecureHint = "reconnect with --insecure to connect anyway"
	}
	// Go checks the name before the chain, so a self-signed certificate
	// for another name fails on its name; but --servername would then fail
	// on the chain. Report the chain first, and the name with it.
	var alsoName string
	if errors.As(h.err, &hostErr) && !h.client.opt.Insecure && h.client.pin == nil {
		if ua, ok := h.untrustedChain(hostErr.Certificate, verify); ok {
			if leaf == nil {
				leaf = hostErr.Certificate
			}
			alsoName = h.alsoNotValidFor(hostErr.Certificate)
			h.err = ua
		}
	}
	// Windows and macOS verify a chain with the system when no --ca is
	// given, and it fails on the chain before the name is checked: check
	// the name here, so that the words are the same on every system.
	if alsoName == "" && errors.As(h.err, &authErr) && leaf != nil && !h.client.opt.Insecure &&
		h.client.pin == nil && leaf.VerifyHostname(h.name) != nil {
		alsoName = h.alsoNotValidFor(leaf)
	}
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
		switch {
		case h.atPrompt && len(hostErr.Certificate.DNSNames) > 0:
			e.Hint = fmt.Sprintf("starttls NAME checks another name: starttls %s is one the certificate has; %s", quote.String(hostErr.Certificate.DNSNames[0]), insecureHint)
		case h.atPrompt:
			e.Hint = "starttls NAME checks another name; " + insecureHint
		case net.ParseIP(h.name) != nil && len(hostErr.Certificate.DNSNames) > 0:
			e.Hint = fmt.Sprintf("--servername %s checks a name the certificate has; %s", quote.String(hostErr.Certificate.DNSNames[0]), insecureHint)
		}
	case errors.As(h.err, &invalid) && invalid.Reason == x509.Expired:
		e.Reason, e.Hint = expiryWords(invalid.Cert, leaf, h.name), insecureHint
		if time.Now().Before(invalid.Cert.NotBefore) {
			e.Hint = fmt.Sprintf("is this machine's clock right? it says %s; %s", time.Now().UTC().Format(timeLayout), insecureHint)
		}
	case errors.As(h.err, &invalid):
		// The detail may quote a name from the certificate.
		e.Reason = fmt.Sprintf("certificate for %s: %s", h.name, quote.String(strings.TrimPrefix(invalid.Error(), "x509: ")))
		e.Hint = insecureHint
	case errors.As(h.err, &authErr):
		switch {
		case leaf != nil && selfSigned(leaf):
			e.Reason = fmt.Sprintf("certificate for %s is self-signed (subject %s)%s", h.name, dnWords(leaf.Subject), alsoName)
			sum := sha256.Sum256(leaf.Raw)
			e.Hint = fmt.Sprintf("--pin %s accepts exactly this certificate; %s", PinString(sum[:]), insecureHint)
			if h.atPrompt {
				e.Hint = "reconnect with " + e.Hint
			}
		case h.client.opt.CAFile != "":
			e.Reason = fmt.Sprintf("certificate for %s is not signed by a CA in %s (issuer %s)%s", h.name, h.client.opt.CAFile, issuerOf(authErr, leaf), alsoName)
			e.Hint = insecureHint
		default:
			e.Reason = fmt.Sprintf("certificate for %s is signed by an unknown authority (issuer %s)%s", h.name, issuerOf(authErr, leaf), alsoName)
			e.Hint = "--ca FILE trusts a private CA; " + insecureHint
			if h.atPrompt {
				e.Hint = "reconnect with --ca FILE to trust a private CA, or with --insecure"
			}
		}
	case errors.As(h.err, &verify):
		e.Reason = fmt.Sprintf("certificate for %s: %s", h.name, quote.String(strings.TrimPrefix(verify.Err.Error(), "x509: ")))
		e.Hint = insecureHint
	case errors.As(h.err, &record):
		e.Reason = fmt.Sprintf("%s does not speak TLS: it answered %s", h.peer, quote.Quote(record.RecordHeader[:]))
		e.Hint = "is this port TLS? try without --tls"
		if proto := plainGreeting(record.RecordHeader[:]); proto != "" {
			e.Hint = fmt.Sprintf("it greeted in plain text, like %s; try --starttls %s, or without --tls", proto, strings.SplitN(proto, " ", 2)[0])
		}
	case errors.As(h.err, &op) && op.Op == "remote error":
		alert := strings.TrimPrefix(op.Err.Error(), "tls: ")
		e.Reason = fmt.Sprintf("%s refused the handshake for %s: %s", h.peer, h.name, quote.String(alert))
		e.Hint = alertHint(alert, h)
	case h.timeout > 0:
		e.Reason = fmt.Sprintf("no TLS handshake from %s within %v", h.peer, h.timeout)
		e.Hint = "is this port TLS? try without --tls (-w SECS sets how long to wait)"
	case errors.Is(h.err, context.Canceled):
		e.Reason = "handshake with " + h.peer + " interrupted"
	case errors.Is(h.err, io.EOF), errors.Is(h.err, io.ErrUnexpectedEOF):
		e.Reason = fmt.Sprintf("%s closed the connection during the handshake for %s", h.peer, h.name)
		e.Hint = "is this port TLS? try without --tls"
	case dial.IsErrno(h.err, syscall.ECONNRESET):
		e.Reason = fmt.Sprintf("%s reset the connection during the handshake for %s", h.peer, h.name)
		e.Hint = "is this port TLS? try without --tls"
	default:
		// Go's TLS errors may carry what the server sent.
		e.Reason = fmt.Sprintf("handshake with %s for %s failed: %s", h.peer, h.name, quote.String(strings.TrimPrefix(dial.Strerror(dial.SystemError(h.err)), "tls: ")))
	}
	return e
}

// untrustedChain checks the certificate's chain without its name, for a
// failure that Go reported as a name mismatch.
func (h handshakeFailure) untrustedChain(leaf *x509.Certificate, verify *tls.CertificateVerificationError) (x509.UnknownAuthorityError, bool) {
	opts := x509.VerifyOptions{Roots: h.client.roots, Intermediates: x509.NewCertPool()}
	if verify != nil {
		for _, c := range verify.UnverifiedCertificates[min(1, len(verify.UnverifiedCertificates)):] {
			opts.Intermediates.AddCert(c)
		}
	}
	var ua x509.UnknownAuthorityError
	_, err := leaf.Verify(opts)
	if errors.As(err, &ua) {
		if ua.Cert == nil {
			ua.Cert = leaf
		}
		return ua, true
	}
	return ua, false
}

// alsoNotValidFor says that cert is not valid for the name checked either,
// to follow the chain's failure.
func (h handshakeFailure) alsoNotValidFor(cert *x509.Certificate) string {
	if names := certNames(cert); len(names) > 0 {
		return fmt.Sprintf("; it is also valid only for %s, not %s", listWords(names, 6), h.name)
	}
	return fmt.Sprintf("; it also names no host, so it is not valid for %s", h.name)
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
	case strings.HasPrefix(s, "200 "), strings.HasPrefix(s, "201 "):
		return "nntp"
	case strings.HasPrefix(s, `"IMPL`), strings.HasPrefix(s, `"SASL`), strings.HasPrefix(s, `"SIEV`):
		return "sieve"
	case strings.HasPrefix(s, ":"):
		return "irc"
	case len(b) == 5 && b[3] == 0 && b[4] == 10: // a packet header, sequence 0, protocol 10
		return "mysql"
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
