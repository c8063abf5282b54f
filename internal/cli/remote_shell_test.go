//go:build unix

package cli

// A remote shell over telnet draws on rawtalk's screen as it draws on
// telnet's: the screen rawtalk shows is compared with the one the server's
// bytes make when written straight to a terminal, which is what telnet does.

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/vt"
)

// sameScreen waits until rawtalk's screen reads as want does, cursor
// included.
func (c *tty) sameScreen(what string, want *vt.Screen) {
	c.t.Helper()
	c.waitFor(what+"\nas telnet shows it:\n"+want.String(), func(s *vt.Screen) bool {
		return slices.Equal(s.Lines(), want.Lines()) && s.X == want.X && s.Y == want.Y
	})
}

// telnetView starts the reference screen from what rawtalk shows now (its
// own lines before the session), with the cursor at the start of the next
// row, as telnet leaves it after its own.
func (c *tty) telnetView() *vt.Screen {
	c.mu.Lock()
	lines := c.screen.Lines()
	c.mu.Unlock()
	ref := vt.New(80, 24)
	ref.Write([]byte(strings.Join(lines, "\r\n") + "\r\n"))
	return ref
}

func TestInteractiveTelnetRemoteShellDrawsAsTelnet(t *testing.T) {
	const (
		IAC, DO, WILL = "\xff", "\xfd", "\xfb"
		ECHO, SGA     = "\x01", "\x03"
	)
	p := newPeer(t)
	c := startTTY(t, nil, "--telnet", "127.0.0.1", p.port())
	conn := p.accept()
	c.waitText("Escape character is '^]'.")
	ref := c.telnetView()
	conn.Write([]byte(IAC + WILL + ECHO + IAC + WILL + SGA))
	expectAll(t, conn, IAC+DO+ECHO, IAC+DO+SGA)

	// What bash with readline sends for each key: its prompt with
	// bracketed paste on, the echo, a cursor move back, an insertion,
	// a backspace, and after Enter bracketed paste off, the output and
	// the next prompt.
	server := func(what, out string) {
		t.Helper()
		conn.Write([]byte(out))
		ref.Write([]byte(out))
		c.sameScreen(what, ref)
	}
	server("the prompt", "\x1b[?2004h$ ")
	steps := []struct{ key, echo string }{
		{"a", "a"},
		{"b", "b"},
		{"d", "d"},
		{"\x1b[D", "\b"},            // Left
		{"c", "\x1b[1@c"},           // insert before d
		{"\x1b[C", "d"},             // Right: readline writes the character again
		{"x", "x"},                  // a typo...
		{"\x7f", "\b \b"},           // ...rubbed out: ^H space ^H
		{"\x7f", "\b\x1b[K"},        // and d, with an erase to the end of the line
		{"\r", "\r\n\x1b[?2004l\r"}, // Enter
	}
	for _, s := range steps {
		c.send(s.key)
		want := s.key
		if want == "\r" {
			want = "\r\n"
		}
		expectRecv(t, conn, want)
		server("the echo of "+s.key, s.echo)
	}
	server("the output and the next prompt", "abc: command not found\r\n\x1b[?2004h$ ")
	c.mu.Lock()
	shown := c.screen.String()
	c.mu.Unlock()
	for _, never := range []string{"^[", "^H", "2004"} {
		if strings.Contains(shown, never) {
			t.Errorf("the screen shows %q:\n%s", never, shown)
		}
	}

	// What could harm or read the terminal is dropped unseen, as telnet's
	// terminal shows nothing for it either, and never reaches the terminal.
	c.mu.Lock()
	c.raw = new(bytes.Buffer)
	c.mu.Unlock()
	server("a clipboard write, a title, queries", "\x1b]52;c;ZXZpbA==\a\x1b]0;pwned\x1b\\\x1b[6n\x1b[c\x1b[21tok\r\n")
	c.waitText("ok")
	c.mu.Lock()
	got := c.raw.String()
	c.mu.Unlock()
	for _, never := range []string{"\x1b]", "\x1b[6n", "\x1b[c", "\x1b[21t", "ZXZpbA", "pwned"} {
		if strings.Contains(got, never) {
			t.Errorf("the terminal got %q: %q", never, got)
		}
	}
	conn.Close()
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
}
