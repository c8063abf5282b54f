//go:build unix

package cli

import (
	"crypto/sha256"
	"crypto/tls"
	"testing"

	"github.com/rawtalk/rawtalk/session/secure"
)

// TestInteractiveTLSListener: on a terminal, -l --tls says the pin, the
// client that checks it is talked with as any other, and status
// describes the TLS connection.
func TestInteractiveTLSListener(t *testing.T) {
	c := startTTY(t, nil, "--no-history", "-l", "--tls", "127.0.0.1", "0")
	port := c.listeningPort()
	c.waitText("its pin is sha256:")
	conn, err := tls.Dial("tcp4", "127.0.0.1:"+port, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	sum := sha256.Sum256(conn.ConnectionState().PeerCertificates[0].Raw)
	c.waitText("its pin is " + secure.PinString(sum[:]))
	c.waitText("Escape character is '^]'.")

	c.send("hello\r")
	expectRecv(t, conn, "hello\r\n")
	conn.Write([]byte("hi over tls\r\n"))
	c.waitText("hi over tls")

	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	c.send("status\r")
	c.waitText("TLS 1.3, cipher")
	c.waitText("no client certificate")

	hangUp(c, conn)
	c.waitText("Connection closed by foreign host.")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	c.checkRestored()
}
