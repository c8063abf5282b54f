//go:build unix

package cli

// --explain through a real pseudo-terminal against servers on 127.0.0.1:
// the notes under reply lines, the escape prompt's explain command, and
// what stays free of notes (the transcript, what was typed).

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/vt"
	replies "github.com/rawtalk/rawtalk/term/explain"
)

// noteRow is how a note for line of proto reads on the screen.
func noteRow(t *testing.T, proto, line string) string {
	t.Helper()
	n := replies.Explain(proto, line)
	if n == "" {
		t.Fatalf("no note for %q in %s", line, proto)
	}
	return "  ↳ " + n
}

// waitRowsInOrder waits until the screen shows rows, each the row after
// the one before.
func (c *tty) waitRowsInOrder(rows ...string) {
	c.t.Helper()
	c.waitFor("rows in order:\n"+strings.Join(rows, "\n"), func(s *vt.Screen) bool {
		lines := s.Lines()
		for i := range lines {
			if i+len(rows) <= len(lines) && slices.Equal(lines[i:i+len(rows)], rows) {
				return true
			}
		}
		return false
	})
}

// HTTP: a note under the status line and under the headers worth one,
// none under the body, even a body line that reads like a header; the
// transcript holds the server's bytes only.
func TestInteractiveExplainHTTP(t *testing.T) {
	log := filepath.Join(t.TempDir(), "talk.log")
	c, conn := connect(t, nil, "--explain", "--proto", "http", "--log", log)
	c.send("GET / HTTP/1.1\r")
	expectRecv(t, conn, "GET / HTTP/1.1\r\n")
	conn.Write([]byte("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nServer: x\r\n"))
	conn.Write([]byte("Content-Length: 24\r\n\r\nLocation: in the body\r\n"))
	c.waitRowsInOrder(
		"HTTP/1.1 302 Found",
		noteRow(t, "http", "HTTP/1.1 302 Found"),
		"Location: /elsewhere",
		noteRow(t, "http", "Location: /elsewhere"),
		"Server: x",
		"Content-Length: 24",
		noteRow(t, "http", "Content-Length: 24"),
		"",
		"Location: in the body",
	)
	// The typed line is still where it was, and no note follows the body.
	c.waitCursorLine("", 0)
	conn.Close()
	c.waitText("Connection closed by foreign host.")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	if strings.Count(c.screenText(), "↳") != 3 {
		t.Errorf("want 3 notes:\n%s", c.screenText())
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "↳") || strings.Contains(string(data), "Found: ") {
		t.Errorf("a note in the transcript:\n%s", data)
	}
	if !strings.Contains(string(data), `< HTTP/1.1 302 Found\r\n`) {
		t.Errorf("the transcript lacks the status line:\n%s", data)
	}
}

// The escape prompt's explain turns the notes on and off (Tab completes
// it), status tells, and without a known protocol it says why not.
func TestInteractiveExplainCommand(t *testing.T) {
	c, conn := connect(t, nil, "--proto", "smtp")
	conn.Write([]byte("220 no note yet\r\n"))
	c.waitText("220 no note yet")
	c.send("\x1dexpl\t")
	c.waitCursorLine("rawtalk> explain", 16)
	c.send(" on\r")
	c.waitText("Explain on: notes (↳) under smtp replies; explain off ends them.")
	conn.Write([]byte("250-first\r\n250 OK\r\n"))
	c.waitRowsInOrder("250-first", "250 OK", noteRow(t, "smtp", "250 OK"))
	c.send("\x1dstatus\r")
	c.waitText("Explain: on, smtp replies")
	c.send("\x1dexplain off\r")
	c.waitText("Explain off.")
	conn.Write([]byte("354 go ahead\r\n"))
	c.waitText("354 go ahead") // a note would have come in the same draw
	if strings.Contains(c.screenText(), "↳ 354") {
		t.Errorf("a note after explain off:\n%s", c.screenText())
	}
	if strings.Contains(c.screenText(), "↳ 220") {
		t.Errorf("a note before explain on:\n%s", c.screenText())
	}

	c2, _ := connect(t, nil, "--explain", "--proto", "none")
	c2.waitText("rawtalk: hint: --explain needs --proto: ftp, http, imap, pop3, redis or smtp")
	c2.send("\x1dexplain on\r")
	c2.waitText("?explain needs a protocol: rawtalk --proto ftp|http|imap|pop3|redis|smtp")
}

// --demo KIND gives the notes its protocol: POP3's +OK, -ERR and the dot
// that ends a listing.
func TestInteractiveExplainDemo(t *testing.T) {
	c := startTTY(t, nil, "--demo", "pop3", "--explain")
	c.waitRowsInOrder(`+OK rawtalk practice POP3 server ready; any user name, password "practice"`,
		noteRow(t, "pop3", "+OK"))
	c.send("LIST\r")
	c.waitRowsInOrder("-ERR log in first: USER yourname, then PASS practice", noteRow(t, "pop3", "-ERR x"))
	c.send("USER me\r")
	c.send("PASS practice\r")
	c.send("LIST\r")
	c.waitRowsInOrder("3 307", ".", noteRow(t, "pop3", "."))
	c.send("QUIT\r")
	c.waitText("Connection closed by foreign host.")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	c.checkRestored()
}
