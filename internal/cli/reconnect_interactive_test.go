//go:build unix

package cli

// The escape prompt's reconnect, through a real pseudo-terminal against
// servers on 127.0.0.1: the same target dialled again with telnet's
// words, the history and the transcript going on.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/tlstest"
	"github.com/rawtalk/rawtalk/internal/vt"
)

// TestInteractiveReconnect: reconnect closes the connection, dials the
// same place with telnet's lines, and the session goes on: a line typed
// before is in the history (here kept in memory only, --no-history), and
// --log holds both connections, each under its own header.
func TestInteractiveReconnect(t *testing.T) {
	log := filepath.Join(t.TempDir(), "session.log")
	p := newPeer(t)
	c := startTTY(t, nil, "--no-history", "--log", log, "127.0.0.1", p.port())
	first := p.accept()
	c.waitText("Escape character is '^]'.")
	c.send("HELO one\r")
	expectRecv(t, first, "HELO one\r\n")

	c.send("\x1dreconnect\r")
	expectEOF(t, first)
	second := p.accept()
	c.waitFor("telnet's lines a second time", func(s *vt.Screen) bool {
		text := s.String()
		return strings.Count(text, "Trying 127.0.0.1...") == 2 && strings.Count(text, "Connected to 127.0.0.1.") == 2 &&
			strings.Count(text, "Escape character is '^]'.") == 2 && strings.Contains(text, "Connection closed.")
	})
	c.checkRaw()

	// Up recalls the line typed on the first connection.
	c.send("\x1b[A")
	c.waitCursorLine("HELO one", 8)
	c.send("\r")
	expectRecv(t, second, "HELO one\r\n")
	second.Write([]byte("250 hello again\r\n"))
	c.waitText("250 hello again")

	c.send("\x1dquit\r")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d; screen:\n%s", code, c.screenText())
	}
	c.checkRestored()
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if strings.Count(text, "rawtalk transcript: 127.0.0.1 port "+p.port()) != 2 ||
		strings.Count(text, "> HELO one\\r\\n") != 2 || !strings.Contains(text, "< 250 hello again\\r\\n") {
		t.Errorf("the transcript does not hold both connections:\n%s", text)
	}
}

// TestInteractiveReconnectStartTLS: with --starttls the new connection
// speaks the plain preamble and TLS again before the session goes on.
func TestInteractiveReconnectStartTLS(t *testing.T) {
	pki := tlstest.New()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pki.CA.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	p := newPeer(t)
	c := startTTY(t, nil, "--starttls", "smtp", "--ca", ca, "127.0.0.1", p.port())
	plain := make(chan string, 2)
	serve := func() {
		conn := p.accept()
		go func() {
			got, err := tlstest.ServeStartTLS(conn, "smtp", tlstest.Accept, pki.ServerConfig(pki.Good))
			if err != nil {
				t.Errorf("server: %v", err)
			}
			plain <- string(got)
		}()
	}
	serve()
	c.waitText("Escape character is '^]'.")
	c.send("echo one\r")
	c.waitFor("the echo over TLS", func(s *vt.Screen) bool { return strings.Count(s.String(), "echo one") == 2 })

	c.send("\x1dreconnect\r")
	serve()
	if got := <-plain; got != tlstest.Requests["smtp"] {
		t.Errorf("first connection: plain text %q", got)
	}
	c.waitFor("the second session", func(s *vt.Screen) bool {
		return strings.Count(s.String(), "Escape character is '^]'.") == 2
	})
	c.send("echo two\r")
	c.waitFor("the echo over TLS again", func(s *vt.Screen) bool { return strings.Count(s.String(), "echo two") == 2 })
	c.send("\x1dquit\r")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d; screen:\n%s", code, c.screenText())
	}
	if got := <-plain; got != tlstest.Requests["smtp"] {
		t.Errorf("second connection: plain text %q, want the STARTTLS preamble again", got)
	}
}

// TestInteractiveReconnectFails: when the target no longer answers,
// reconnect ends rawtalk with the connect error, exit 1, and the terminal
// restored.
func TestInteractiveReconnectFails(t *testing.T) {
	p := newPeer(t)
	c := startTTY(t, nil, "127.0.0.1", p.port())
	p.accept()
	c.waitText("Escape character is '^]'.")
	p.ln.Close() // nothing listens there now
	c.send("\x1dreconnect\r")
	if code := c.waitExit(); code != 1 {
		t.Fatalf("exit status %d, want 1; screen:\n%s", code, c.screenText())
	}
	c.waitText("rawtalk: connect to 127.0.0.1 port " + p.port() + " (tcp) failed: Connection refused")
	c.checkRestored()
}

// TestInteractiveReconnectNotForListeners: a session a listener accepted
// has nothing to dial; reconnect says so and the session goes on.
func TestInteractiveReconnectNotForListeners(t *testing.T) {
	c := startTTY(t, nil, "--no-history", "-l", "127.0.0.1", "0")
	port := c.listeningPort()
	conn := dialTest(t, "tcp4", "127.0.0.1:"+port)
	c.waitText("Escape character is '^]'.")
	c.send("\x1dreconnect\r")
	c.waitText("?reconnect is not available here")
	c.send("\r") // back to the session
	c.send("still here\r")
	expectRecv(t, conn, "still here\r\n")
	hangUp(c, conn)
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
}

// TestInteractiveReconnectKeepsPromptLog: a transcript started with log
// FILE at the escape prompt goes on after reconnect, in the same file.
func TestInteractiveReconnectKeepsPromptLog(t *testing.T) {
	log := filepath.Join(t.TempDir(), "typed.log")
	p := newPeer(t)
	c := startTTY(t, nil, "--no-history", "127.0.0.1", p.port())
	first := p.accept()
	c.waitText("Escape character is '^]'.")
	c.send("\x1dlog " + log + "\r")
	c.waitText("Logging to")
	c.send("one\r")
	expectRecv(t, first, "one\r\n")
	c.send("\x1dreconnect\r")
	second := p.accept()
	c.waitFor("the second session", func(s *vt.Screen) bool {
		return strings.Count(s.String(), "Escape character is '^]'.") == 2
	})
	c.send("two\r")
	expectRecv(t, second, "two\r\n")
	c.send("\x1dlog\r")
	c.waitText("Logging to " + log)
	c.send("\x1dquit\r")
	c.waitExit()
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if strings.Count(text, "rawtalk transcript: ") != 2 || strings.Count(text, "end: ") != 2 ||
		!strings.Contains(text, "> one\\r\\n") || !strings.Contains(text, "> two\\r\\n") {
		t.Errorf("the transcript does not go on after reconnect:\n%s", text)
	}
}
