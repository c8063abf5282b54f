//go:build unix

package cli

// rawtalk's own words under hostile input: the STARTTLS greeting on a
// terminal, the telnet hint in an interactive session, a failed starttls
// at the escape prompt, and the last escape pass over every message.

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/internal/tlstest"
	"github.com/rawtalk/rawtalk/session/secure"
)

// TestInteractiveFailedStartTLSEndsWithOneLine: after a starttls at the
// escape prompt fails, the session ends with the error, its hint, and one
// clear line, not the same error again.
func TestInteractiveFailedStartTLSEndsWithOneLine(t *testing.T) {
	pki := tlstest.New()
	c, conn := connect(t, nil)
	conn.Write([]byte("220 mail ESMTP\r\n"))
	typedStartTLS(c, conn, pki.ServerConfig(pki.Good)) // not trusted: no --ca: fails
	if code := c.waitExit(); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	screen := c.screenText()
	joined := strings.ReplaceAll(screen, "\n", "") // rows wrap long lines
	for _, once := range []string{"signed by an unknown authority", "rawtalk: hint: ",
		"rawtalk: session over: the starttls above failed, and the connection with it"} {
		if n := strings.Count(joined, once); n != 1 {
			t.Errorf("%q shown %d times, want once; screen:\n%s", once, n, screen)
		}
	}
	if strings.Contains(joined, "lost:") {
		t.Errorf("the session's end is reported as a lost connection; screen:\n%s", screen)
	}
}

// printed is what exitCode writes for err.
func printed(err error) string {
	var b strings.Builder
	exitCode(err, &console{w: &b})
	return b.String()
}

// checkPrinted fails unless every line exitCode printed for err is safe
// by quote.Unsafe, the independent oracle.
func checkPrinted(t *testing.T, err error) string {
	t.Helper()
	out := printed(err)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for _, l := range lines {
		if i := quote.Unsafe(l); i >= 0 {
			t.Fatalf("%q printed unsafe byte %d: %q", err.Error(), i, l)
		}
	}
	return out
}

var hostileMessages = []struct{ name, text, want string }{
	{"window title", "bad \x1b]0;pwned\a", `bad \x1b]0;pwned\x07`},
	{"clear screen", "x\x1b[2J", `x\x1b[2J`},
	{"osc 52", "\x1b]52;c;ZXZpbA==\x1b\\", `\x1b]52;c;ZXZpbA==\x1b\`},
	{"c1 csi", "a\u009b6n", `a\u009b6n`},
	{"bidi override", "evil\u202etxt.exe", `evil\u202etxt.exe`},
	{"zero width and bom", "a\u200bb\ufeff", `a\u200bb\ufeff`},
	{"line breaks", "one\r\ntwo", `one\r\ntwo`},
	{"invalid utf8", "a\xffb", `a\xffb`},
	{"already escaped", quote.Quote("220 \x1b[2J\u202e"), `"220 \x1b[2J\u202e"`},
	{"backslashes", `C:\path\x41`, `C:\path\x41`},
}

// TestExitCodeEscapesEveryMessage: text that reached a message without
// going through internal/quote is escaped by the printer; text that did
// is printed as it is, not escaped twice.
func TestExitCodeEscapesEveryMessage(t *testing.T) {
	for _, tt := range hostileMessages {
		t.Run(tt.name, func(t *testing.T) {
			out := checkPrinted(t, errors.New(tt.text))
			if want := "rawtalk: " + tt.want + "\n"; out != want {
				t.Errorf("got %q, want %q", out, want)
			}
			// In a hint too.
			out = checkPrinted(t, &secure.TLSError{Op: "tls", Reason: "bad", Hint: "use " + tt.text})
			if want := "rawtalk: tls: bad\nrawtalk: hint: use " + tt.want + "\n"; out != want {
				t.Errorf("got %q, want %q", out, want)
			}
		})
	}
}

func FuzzExitCodeMessages(f *testing.F) {
	for _, tt := range hostileMessages {
		f.Add(tt.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkPrinted(t, errors.New(text))
		// Text escaped by quote goes out as it is.
		escaped := quote.String(text)
		if escaped == "" {
			return // no message, no line
		}
		if out := printed(errors.New(escaped)); out != "rawtalk: "+escaped+"\n" {
			t.Fatalf("escaped %q printed as %q", escaped, out)
		}
	})
}

// hostileGreeter is an SMTP server whose greeting would retitle the window
// and clear the screen; it closes after the client's EHLO.
func hostileGreeter(t *testing.T, greeting string) *peer {
	p := newPeer(t)
	go func() {
		var conn net.Conn
		select {
		case conn = <-p.conns:
		case <-time.After(deadline):
			return // the test fails on its own
		}
		conn.Write([]byte(greeting))
		bufio.NewReader(conn).ReadString('\n')
		conn.Close()
	}()
	return p
}

const hostileGreeting = "220 \x1b]0;pwned\a\x1b[2Jmail \u202eESMTP\r\n"

// TestStartTLSGreetingOnTerminalIsSafe: the --starttls greeting goes to a
// terminal through the safe display's filter.
func TestStartTLSGreetingOnTerminalIsSafe(t *testing.T) {
	p := hostileGreeter(t, hostileGreeting)
	c := startTTY(t, nil, "--starttls", "smtp", "127.0.0.1", p.port())
	c.waitText(`220 ^[]0;pwned^G^[[2Jmail \u202eESMTP`)
	c.waitExit()
	if !strings.Contains(c.screenText(), "Connected to 127.0.0.1.") {
		t.Errorf("the screen was cleared:\n%s", c.screenText())
	}
}

// TestStartTLSGreetingPipedIsExact: piped, it is every byte as sent.
func TestStartTLSGreetingPipedIsExact(t *testing.T) {
	p := hostileGreeter(t, hostileGreeting)
	var stdout, stderr strings.Builder
	code := run([]string{"--starttls", "smtp", "127.0.0.1", p.port()}, strings.NewReader(""), &stdout, &stderr)
	if code != 1 || stdout.String() != hostileGreeting {
		t.Errorf("exit %d, stdout %q; want 1, %q (stderr %q)", code, stdout.String(), hostileGreeting, stderr.String())
	}
}

// TestInteractiveTelnetHint: on a terminal too, a server that opens with
// telnet negotiation while telnet mode is off by default gets the hint;
// with --no-telnet it does not.
func TestInteractiveTelnetHint(t *testing.T) {
	const negotiation = "\xff\xfd\x18\xff\xfd\x1f\xff\xfb\x01"
	const hint = "rawtalk: hint: the server is negotiating telnet options; try --telnet"
	const shown = `\xff\xfd^X\xff\xfd^_\xff\xfb^Alogin:` // the safe display's
	c, conn := connect(t, nil)
	conn.Write([]byte(negotiation + "login: "))
	c.waitText(hint)
	c.waitText(shown)

	c, conn = connect(t, nil, "--no-telnet")
	conn.Write([]byte(negotiation + "login: "))
	c.waitText(shown)
	conn.Write([]byte("\r\nmore\r\n"))
	c.waitText("more")
	if strings.Contains(c.screenText(), "try --telnet") {
		t.Errorf("--no-telnet, and still the hint:\n%s", c.screenText())
	}
}
