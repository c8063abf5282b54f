//go:build unix

package cli

// The interactive session over telnet and over a TLS upgrade typed by hand,
// through a real pseudo-terminal against servers on 127.0.0.1.

import (
	"bytes"
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/tlstest"
	"github.com/rawtalk/rawtalk/internal/vt"
)

// expectAll reads from c until every one of wants has arrived, in any
// order, and returns everything read.
func expectAll(t *testing.T, c net.Conn, wants ...string) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(deadline))
	defer c.SetReadDeadline(time.Time{})
	var got []byte
	buf := make([]byte, 1024)
	for {
		missing := ""
		for _, w := range wants {
			if !bytes.Contains(got, []byte(w)) {
				missing = w
				break
			}
		}
		if missing == "" {
			return got
		}
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			t.Fatalf("server got %q (%v), still waiting for %q", got, err, missing)
		}
	}
}

func TestInteractiveTelnetLogin(t *testing.T) {
	const (
		IAC, DO, WILL, SB, SE     = "\xff", "\xfd", "\xfb", "\xfa", "\xf0"
		ECHO, SGA, TTYPE, NAWS    = "\x01", "\x03", "\x18", "\x1f"
		interruptProcess, areYou  = "\xff\xf4", "\xff\xf6"
		ttypeSend, ttypeIsXterm   = IAC + SB + TTYPE + "\x01" + IAC + SE, IAC + SB + TTYPE + "\x00XTERM" + IAC + SE
		naws80x24                 = IAC + SB + NAWS + "\x00\x50\x00\x18" + IAC + SE
		doEcho, doSGA, willTType  = IAC + DO + ECHO, IAC + DO + SGA, IAC + WILL + TTYPE
		willNAWS, willEcho, willS = IAC + WILL + NAWS, IAC + WILL + ECHO, IAC + WILL + SGA
	)
	p := newPeer(t)
	c := startTTY(t, nil, "--telnet", "127.0.0.1", p.port())
	conn := p.accept()
	c.waitText("Escape character is '^]'.")
	conn.Write([]byte(IAC + DO + TTYPE + IAC + DO + NAWS + willEcho + willS))
	expectAll(t, conn, willTType, willNAWS, naws80x24, doEcho, doSGA)
	conn.Write([]byte(ttypeSend))
	expectAll(t, conn, ttypeIsXterm)

	// The server echoes and suppresses go-ahead: character mode, each key
	// sent as typed, nothing echoed by rawtalk itself.
	conn.Write([]byte("login: "))
	c.waitCursorLine("login: ", 7)
	c.send("b")
	expectRecv(t, conn, "b")
	c.send("ob")
	expectRecv(t, conn, "ob")
	c.waitCursorLine("login: ", 7) // no local echo
	conn.Write([]byte("bob"))
	c.waitCursorLine("login: bob", 10)
	c.send("\r")
	expectRecv(t, conn, "\r\n")
	conn.Write([]byte("\r\n$ "))
	c.waitCursorLine("$ ", 2)

	// Ctrl-C is telnet's Interrupt Process; the escape prompt sends AYT and
	// lists the options.
	c.send("\x03")
	expectRecv(t, conn, interruptProcess)
	c.send("\x1dsend ayt\r")
	expectRecv(t, conn, areYou)
	c.send("\x1dstatus\r")
	c.waitText("Telnet options in effect:")
	c.waitText("mode: character")

	conn.Write([]byte("logout\r\n"))
	conn.Close()
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	c.waitText("Connection closed by foreign host.")
	c.checkRestored()
}

func TestInteractiveStartTLSByHand(t *testing.T) {
	pki := tlstest.New()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pki.CA.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	p := newPeer(t)
	c := startTTY(t, nil, "--ca", ca, "127.0.0.1", p.port())
	conn := p.accept()
	c.waitText("Escape character is '^]'.")
	conn.Write([]byte("220 mail ESMTP\r\n"))

	// Asking too early: the server has not said go ahead. Nothing breaks.
	c.send("\x1dstarttls\r")
	c.waitText("rawtalk: starttls:")
	c.send("NOOP\r")
	expectRecv(t, conn, "NOOP\r\n")
	conn.Write([]byte("250 ok\r\n"))
	c.waitText("250 ok")

	srv, err := typedStartTLS(c, conn, pki.ServerConfig(pki.Good))
	if err != nil {
		t.Fatalf("server handshake: %v; screen:\n%s", err, c.screenText())
	}
	c.waitText("rawtalk: tls: ")
	srv.Write([]byte("250 secret hello\r\n"))
	c.waitText("250 secret hello")
	c.send("EHLO me\r")
	expectRecv(t, srv, "EHLO me\r\n")
	c.send("\x1dstatus\r")
	c.waitFor("TLS in status", func(s *vt.Screen) bool { return s.Contains("TLS 1.3") || s.Contains("TLSv1.3") })
	srv.Close()
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d; screen:\n%s", code, c.screenText())
	}
}

// typedStartTLS plays an SMTP server's part while the user types STARTTLS,
// gets the go-ahead and upgrades at the escape prompt: it returns the
// server's side of the TLS connection after its handshake.
func typedStartTLS(c *tty, conn net.Conn, cfg *tls.Config) (*tls.Conn, error) {
	c.t.Helper()
	c.send("STARTTLS\r")
	expectRecv(c.t, conn, "STARTTLS\r\n")
	conn.Write([]byte("220 2.0.0 Ready to start TLS\r\n"))
	c.waitText("Ready to start TLS")
	c.send("\x1dstarttls\r")
	srv := tls.Server(conn, cfg)
	return srv, srv.Handshake()
}
