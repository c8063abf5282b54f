//go:build unix

package cli

// The escape prompt's certs command, through a real pseudo-terminal
// against TLS servers on 127.0.0.1.

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"

	"github.com/rawtalk/rawtalk/internal/tlstest"
	"github.com/rawtalk/rawtalk/internal/vt"
)

// TestInteractiveCertsOfAHostileServer: certs shows the certificate the
// server sent with its escape sequences as visible text, so a certificate
// cannot retitle, clear or recolour the user's terminal.
func TestInteractiveCertsOfAHostileServer(t *testing.T) {
	pki := tlstest.New()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pki.CA.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	hostile := pki.Hostile()
	cfg := &tls.Config{Certificates: []tls.Certificate{hostile.TLS(nil)}} // the leaf alone: it fits the screen
	p := newPeer(t)
	c := startTTY(t, nil, "--tls", "--ca", ca, "127.0.0.1", p.port())
	srv := tls.Server(p.accept(), cfg)
	if err := srv.Handshake(); err != nil {
		t.Fatal(err)
	}
	c.waitText("Escape character is '^]'.")
	c.send("\x1dcerts\r")
	c.waitText("verification: certificate verified for 127.0.0.1 by")
	for _, want := range []string{
		"the server sent 1 certificate",
		`DNS names: localhost, a\x1b[31mb.example`,
		`other names: email:x\x1b[5m@example`,
		"key: RSA 1024 bits; signed with ECDSA-SHA256",
		"signed by: a certificate the server did not send",
	} {
		c.waitText(want)
	}
	c.waitFor("the subject escaped", func(s *vt.Screen) bool {
		return s.Contains(`subject: CN=evil\\x1b]0\;owned\\x07\\u202etxt.exe`)
	})
	srv.Close()
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d; screen:\n%s", code, c.screenText())
	}
}

// TestInteractiveCertsBeforeAndAfterStartTLS: on a plain connection certs
// says there are none and the session goes on; after a starttls typed by
// hand it shows the chain.
func TestInteractiveCertsBeforeAndAfterStartTLS(t *testing.T) {
	pki := tlstest.New()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pki.CA.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	p := newPeer(t)
	c := startTTY(t, nil, "--ca", ca, "127.0.0.1", p.port())
	conn := p.accept()
	c.waitText("Escape character is '^]'.")
	c.send("\x1dcerts\r")
	c.waitText("?No certificates: the connection is plain TCP")
	srv, err := typedStartTLS(c, conn, pki.ServerConfig(pki.Good))
	if err != nil {
		t.Fatalf("server handshake: %v; screen:\n%s", err, c.screenText())
	}
	c.waitText("rawtalk: tls: ")
	c.send("\x1dcerts\r")
	c.waitText("certificate 1 (a root CA: self-signed, and servers need not send it):")
	c.waitText("verification: certificate verified for 127.0.0.1 by")
	srv.Close()
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d; screen:\n%s", code, c.screenText())
	}
}

// TestInteractiveStartTLSGreetingIsSafe: with --starttls on a terminal the
// server's greeting is shown before the session begins, and made safe as
// the session's text is: its escape sequences are shown, not obeyed.
func TestInteractiveStartTLSGreetingIsSafe(t *testing.T) {
	pki := tlstest.New()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pki.CA.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	p := newPeer(t)
	c := startTTY(t, nil, "--starttls", "smtp", "--ca", ca, "127.0.0.1", p.port())
	conn := p.accept()
	conn.Write([]byte("220 mail \x1b[2J\x1b]0;owned\x07ESMTP\r\n"))
	expectRecv(t, conn, "EHLO [127.0.0.1]\r\n")
	conn.Write([]byte("250-mail\r\n250 STARTTLS\r\n"))
	expectRecv(t, conn, "STARTTLS\r\n")
	conn.Write([]byte("220 go ahead\r\n"))
	srv := tls.Server(conn, pki.ServerConfig(pki.Good))
	if err := srv.Handshake(); err != nil {
		t.Fatal(err)
	}
	c.waitText("Escape character is '^]'.")
	c.waitText("220 mail ^[[2J^[]0;owned^GESMTP")
	srv.Close()
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d; screen:\n%s", code, c.screenText())
	}
}
