package script

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		script, want string
	}{
		{"send hi\nsned hi\n", `s.txt:2: unknown command "sned"; a script has send, sendraw, expect, timeout, eof and # comments`},
		{"expect\n", "s.txt:1: expect needs a regular expression: expect ^250 "},
		{"# comment\n\nexpect ^(250\n", "s.txt:3: bad regular expression: missing closing ): `^(250`"},
		{"timeout soon\n", `s.txt:1: timeout needs seconds (5, 0.5) or a duration (500ms), not "soon"`},
		{"timeout 0\n", `s.txt:1: timeout must be more than zero, not "0"`},
		{"sendraw\n", `s.txt:1: sendraw needs text: sendraw TEXT (escapes: \r \n \t \e \0 \xNN \\)`},
		{`sendraw a\q` + "\n", `s.txt:1: unknown escape \q; use \r \n \t \e \0 \xNN or \\`},
		{`sendraw \x4` + "\n", `s.txt:1: \x needs two hex digits`},
		{`sendraw \xzz` + "\n", `s.txt:1: \x needs two hex digits, not "zz"`},
		{"eof now\n", "s.txt:1: eof takes no argument"},
		{"SEND hi\n", `s.txt:1: unknown command "SEND"; a script has send, sendraw, expect, timeout, eof and # comments`},
	}
	for _, tt := range tests {
		_, err := Parse("s.txt", strings.NewReader(tt.script))
		var syn *SyntaxError
		if !errors.As(err, &syn) || err.Error() != tt.want {
			t.Errorf("Parse(%q) = %v\nwant %s", tt.script, err, tt.want)
		}
	}
}

func TestParseKeepsArgumentsExactly(t *testing.T) {
	s, err := Parse("s.txt", strings.NewReader("  # indented comment\r\n\tsend EHLO me \r\nsend\nsendraw a\\r\\n\\x00\\\\\nexpect ^250 \ntimeout 1.5\ntimeout 200ms\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []step{
		{line: 2, op: opSend, data: []byte("EHLO me \r\n")}, // trailing space kept, CR of the CRLF file dropped
		{line: 3, op: opSend, data: []byte("\r\n")},         // an empty line (HTTP's end of headers)
		{line: 4, op: opSend, data: []byte("a\r\n\x00\\")},
		{line: 5, op: opExpect},
		{line: 6, op: opTimeout, timeout: 1500 * time.Millisecond},
		{line: 7, op: opTimeout, timeout: 200 * time.Millisecond},
	}
	if len(s.steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(s.steps), len(want))
	}
	for i, w := range want {
		g := s.steps[i]
		if g.line != w.line || g.op != w.op || !bytes.Equal(g.data, w.data) || g.timeout != w.timeout {
			t.Errorf("step %d = %+v, want %+v", i, g, w)
		}
	}
	if re := s.steps[3].re.String(); re != "^250 " {
		t.Errorf("regexp %q", re)
	}
}

// server runs handle on the server side of a loopback connection and
// returns the client side.
func server(t *testing.T, handle func(c *net.TCPConn)) net.Conn {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		handle(c.(*net.TCPConn))
	}()
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// smtpish answers like a small SMTP server: a greeting, a multi-line EHLO
// reply, 554 to anything it does not know, 221 to QUIT.
func smtpish(c *net.TCPConn) {
	io.WriteString(c, "220 ready\r\n")
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch strings.ToUpper(strings.TrimSpace(line)) {
		case "EHLO ME":
			io.WriteString(c, "250-hello\r\n250-SIZE 100\r\n250 HELP\r\n")
		case "QUIT":
			io.WriteString(c, "221 bye\r\n")
			return
		default:
			io.WriteString(c, "554 no\r\n")
		}
	}
}

func run(t *testing.T, conn net.Conn, text string) (string, error) {
	t.Helper()
	s, err := Parse("check.txt", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = s.Run(conn, &out)
	return out.String(), err
}

func TestRunMatches(t *testing.T) {
	out, err := run(t, server(t, smtpish), "expect ^220 \nsend EHLO me\nexpect ^250 \nsend QUIT\nexpect ^221 bye$\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "220 ready\r\n250-hello\r\n250-SIZE 100\r\n250 HELP\r\n221 bye\r\n"; out != want {
		t.Errorf("out %q, want %q", out, want)
	}
}

func TestRunMismatchMessages(t *testing.T) {
	three := func(c *net.TCPConn) {
		io.WriteString(c, "554 no\r\n421 closing\r\nbye")
	}
	tests := []struct {
		name   string
		handle func(c *net.TCPConn)
		script string
		want   string
	}{
		{"lines then close", three, "expect ^250 \n",
			`check.txt:1: expected /^250 / but got "554 no" (and 2 more lines), then the server closed the connection`},
		{"nothing then close", func(c *net.TCPConn) {}, "timeout 5\n\nexpect ^220\n",
			`check.txt:3: expected /^220/ but the server closed the connection`},
		{"nothing in time", func(c *net.TCPConn) { io.Copy(io.Discard, c) }, "timeout 100ms\nexpect ^220\n",
			`check.txt:2: expected /^220/ but got nothing in 100ms`},
		{"a line then silence", func(c *net.TCPConn) { io.WriteString(c, "554 no\r\n"); io.Copy(io.Discard, c) },
			"timeout 0.1\nexpect ^220\n",
			`check.txt:2: expected /^220/ but got "554 no" in 100ms`},
		{"one more", func(c *net.TCPConn) { io.WriteString(c, "a\nb\n") }, "expect c\n",
			`check.txt:1: expected /c/ but got "a" (and 1 more line), then the server closed the connection`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(t, server(t, tt.handle), tt.script)
			var miss *MismatchError
			if !errors.As(err, &miss) || err.Error() != tt.want {
				t.Errorf("err = %v\nwant %s", err, tt.want)
			}
		})
	}
}

// A prompt without a newline can be expected; the rest of its line is
// not matched again.
func TestRunExpectsPrompt(t *testing.T) {
	conn := server(t, func(c *net.TCPConn) {
		io.WriteString(c, "Password: ")
		r := bufio.NewReader(c)
		line, _ := r.ReadString('\n')
		io.WriteString(c, "\r\nwelcome "+strings.TrimSpace(line)+"\r\n")
		r.ReadString('\n')
	})
	_, err := run(t, conn, "expect ^Password: $\nsend secret\nexpect ^welcome secret$\n")
	if err != nil {
		t.Fatal(err)
	}
}

// sendraw sends exactly its bytes; eof half-closes, so the server sees
// the end.
func TestRunSendRaw(t *testing.T) {
	got := make(chan []byte, 1)
	conn := server(t, func(c *net.TCPConn) {
		b, _ := io.ReadAll(c)
		got <- b
	})
	if _, err := run(t, conn, `sendraw GET\x00\r`+"\nsend x\neof\n"); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "GET\x00\rx\r\n" {
		t.Errorf("server got %q", b)
	}
}

func TestRunResetIsStepError(t *testing.T) {
	conn := server(t, func(c *net.TCPConn) {
		bufio.NewReader(c).ReadString('\n')
		c.SetLinger(0)
	})
	_, err := run(t, conn, "send hi\nexpect x\n")
	var step *StepError
	if !errors.As(err, &step) || step.Line != 2 || !dial.IsErrno(err, syscall.ECONNRESET) {
		t.Fatalf("err = %v, want a reset at line 2", err)
	}
}

// FuzzParse: any text parses or fails with a SyntaxError that names a
// line of it; it never panics.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"expect ^220 \nsend EHLO me\nexpect ^250 \n",
		"# c\n\n  sendraw a\\x00\\r\\n\ntimeout 500ms\neof\n",
		"expect ^(\n", "sendraw \\x4", "timeout -1\n", "send\r\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		_, err := Parse("f.txt", strings.NewReader(text))
		if err == nil {
			return
		}
		var syn *SyntaxError
		if !errors.As(err, &syn) {
			t.Fatalf("error %T %v is not a SyntaxError", err, err)
		}
		if syn.Line < 1 || syn.Line > strings.Count(text, "\n")+2 {
			t.Fatalf("line %d out of range for %q", syn.Line, text)
		}
	})
}

// notifyConn tells, after each read that returned bytes, that the client
// has taken them, so a test server can split a line across reads.
type notifyConn struct {
	net.Conn
	read chan struct{}
}

func (c *notifyConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		select {
		case c.read <- struct{}{}:
		default:
		}
	}
	return n, err
}

// A long line that arrives in several reads is matched whole: its first
// part, all a's, must not pass for the line (redis, GET of 40,000 a's and
// a Z), and the whole line still matches.
func TestRunNeverPassesOnAFragment(t *testing.T) {
	line := strings.Repeat("a", 40000) + "Z"
	serve := func(read chan struct{}) func(c *net.TCPConn) {
		return func(c *net.TCPConn) {
			io.WriteString(c, "$40001\r\n")
			rest := line + "\r\n"
			for len(rest) > 0 {
				n := min(len(rest), 7000)
				if _, err := io.WriteString(c, rest[:n]); err != nil {
					return
				}
				rest = rest[n:]
				<-read // the client has read a part: the line is split
			}
			io.Copy(io.Discard, c)
		}
	}
	for _, tt := range []struct {
		script string
		match  bool
	}{
		{"timeout 1\nexpect ^\\$\nexpect ^a+$\n", false},
		{"timeout 5\nexpect ^\\$\nexpect ^a+Z$\n", true},
	} {
		read := make(chan struct{}, 1)
		conn := &notifyConn{Conn: server(t, serve(read)), read: read}
		out, err := run(t, conn, tt.script)
		if tt.match {
			if err != nil {
				t.Errorf("%q: %v", tt.script, err)
			}
			continue
		}
		var miss *MismatchError
		if !errors.As(err, &miss) {
			t.Fatalf("%q: err = %v, want a mismatch (a fragment of the line passed)", tt.script, err)
		}
		if len(miss.Got) != 1 || miss.Got[0] != line {
			t.Errorf("%q: got %d lines, want the whole line", tt.script, len(miss.Got))
		}
		if want := "$40001\r\n" + line + "\r\n"; out != want {
			t.Errorf("out has %d bytes, want %d", len(out), len(want))
		}
	}
}

// An unfinished line matches once the server closes after it.
func TestRunMatchesLastLineAtClose(t *testing.T) {
	conn := server(t, func(c *net.TCPConn) { io.WriteString(c, "220 ready\r\nbye") })
	if _, err := run(t, conn, "expect ^220\nexpect ^bye$\n"); err != nil {
		t.Fatal(err)
	}
}

// A server that dribbles a matching fragment forever, never quiet, fails
// the expect after its timeout and the quiet time instead of hanging.
func TestRunDribbleTimesOut(t *testing.T) {
	conn := server(t, func(c *net.TCPConn) {
		for {
			if _, err := io.WriteString(c, "a"); err != nil {
				return
			}
			time.Sleep(10 * time.Millisecond) // the dribble itself, not synchronisation
		}
	})
	s, err := Parse("check.txt", strings.NewReader("timeout 200ms\nexpect ^a+$\n"))
	if err != nil {
		t.Fatal(err)
	}
	s.Quiet = 100 * time.Millisecond
	start := time.Now()
	err = s.Run(conn, io.Discard)
	var miss *MismatchError
	if !errors.As(err, &miss) {
		t.Fatalf("err = %v, want a mismatch", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// A script that is one huge line is refused in words, not bufio's.
func TestParseHugeLine(t *testing.T) {
	_, err := Parse("s.txt", strings.NewReader("send "+strings.Repeat("x", 2<<20)+"\n"))
	want := "s.txt:1: line longer than 1 MiB; is this a script? (a big send can be split over several sendraw lines)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
