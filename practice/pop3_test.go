package practice

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const pop3Greeting = `< +OK rawtalk practice POP3 server ready; any user name, password "practice"` + "\n"

// pop3Login is the dialogue of a login as student; the starter messages
// are 452, 468 and 307 octets.
const pop3Login = pop3Greeting + `
> USER student
< +OK hello student; now send PASS practice
> PASS practice
< +OK student's maildrop has 3 messages (1227 octets)
`

// crlf turns a text written with \n into the CRLF lines a server sends.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func TestPOP3Login(t *testing.T) {
	_, addr := startServer(t, "pop3", nil)
	converse(t, connect(t, addr), pop3Greeting+`
> STAT
< -ERR log in first: USER yourname, then PASS practice
> PASS practice
< -ERR send USER yourname first, then PASS
> USER
< -ERR USER needs a name, as in: USER student
> USER student
< +OK hello student; now send PASS practice
> PASS secret
< -ERR [AUTH] wrong password; here it is "practice": USER again, then PASS practice
> PASS practice
< -ERR send USER yourname first, then PASS
> APOP student 0123456789abcdef
< -ERR APOP is not supported here; log in with USER yourname, then PASS practice
> user Anyone
< +OK hello Anyone; now send PASS practice
> pass practice
< +OK Anyone's maildrop has 3 messages (1227 octets)
> USER again
< -ERR already logged in as Anyone
> QUIT
< +OK rawtalk practice POP3 server signing off (0 messages deleted, 3 messages left)
<eof
`)
}

func TestPOP3QuitBeforeLogin(t *testing.T) {
	_, addr := startServer(t, "pop3", nil)
	converse(t, connect(t, addr), pop3Greeting+`
> QUIT
< +OK rawtalk practice POP3 server signing off
<eof
`)
}

func TestPOP3CapaAndNoop(t *testing.T) {
	_, addr := startServer(t, "pop3", nil)
	converse(t, connect(t, addr), pop3Greeting+`
> CAPA
< +OK capability list follows
< USER
< TOP
< UIDL
< IMPLEMENTATION rawtalk-practice
< .
> NOOP
< -ERR log in first: USER yourname, then PASS practice
`+pop3Login[len(pop3Greeting):]+`
> NOOP
< +OK
> STAT
< +OK 3 1227
> STAT 1
< -ERR STAT takes no argument
`)
}

func TestPOP3ListAndUIDL(t *testing.T) {
	_, addr := startServer(t, "pop3", nil)
	converse(t, connect(t, addr), pop3Login+`
> LIST
< +OK 3 messages (1227 octets)
< 1 452
< 2 468
< 3 307
< .
> LIST 2
< +OK 2 468
> LIST 9
< -ERR no message 9; there are 3 messages (LIST shows them)
> LIST two
< -ERR "two" is not a message number; messages are numbered from 1
> UIDL
< +OK unique-id listing follows
< 1 rawtalk-1
< 2 rawtalk-2
< 3 rawtalk-3
< .
> UIDL 3
< +OK 3 rawtalk-3
`)
}

// TestPOP3Retr checks RETR's whole answer, and dot-stuffing: the lines of
// the second message that start with a dot come with two.
func TestPOP3Retr(t *testing.T) {
	_, addr := startServer(t, "pop3", nil)
	c := connect(t, addr)
	converse(t, c, pop3Login+"> RETR 2\n")
	text := crlf(starterMessages[1])
	c.expect("+OK 468 octets\r\n" + strings.ReplaceAll(text, "\r\n.", "\r\n..") + ".\r\n")
	for _, stuffed := range []string{"\r\n..profile\r\n", "\r\n....\r\n", "\r\n..\r\n"} {
		if !strings.Contains(strings.ReplaceAll(text, "\r\n.", "\r\n.."), stuffed) {
			t.Errorf("the stuffed text lacks %q", stuffed)
		}
	}
	converse(t, c, `
> RETR
< -ERR RETR needs a message number, as in: RETR 1
> RETR 4
< -ERR no message 4; there are 3 messages (LIST shows them)
`)
}

// TestPOP3Top checks TOP: the header, the empty line and n lines.
func TestPOP3Top(t *testing.T) {
	_, addr := startServer(t, "pop3", nil)
	converse(t, connect(t, addr), pop3Login+`
> TOP 3 2
< +OK top of message follows
< From: Cafeteria <lunch@localhost>
< To: student@localhost
< Subject: Lunch menu
< Date: Tue, 25 Nov 2025 11:30:00 +0000
< Message-ID: <lunch@rawtalk.practice>
<
< Monday: soup
< Tuesday: pasta
< .
> TOP 3 0
< +OK top of message follows
< From: Cafeteria <lunch@localhost>
< To: student@localhost
< Subject: Lunch menu
< Date: Tue, 25 Nov 2025 11:30:00 +0000
< Message-ID: <lunch@rawtalk.practice>
<
< .
> TOP 3
< -ERR TOP needs a message number and a number of lines, as in: TOP 1 5
> TOP 3 -1
< -ERR TOP needs a message number and a number of lines, as in: TOP 1 5
`)
}

// TestPOP3DeleAndRset checks that DELE marks, RSET unmarks, and only QUIT
// removes: a second session sees what the first left.
func TestPOP3DeleAndRset(t *testing.T) {
	s, addr := startServer(t, "pop3", nil)
	first := connect(t, addr)
	converse(t, first, pop3Login+`
> DELE 1
< +OK message 1 deleted; it goes at QUIT, RSET undoes
> DELE 1
< -ERR message 1 is deleted; RSET brings it back
> RETR 1
< -ERR message 1 is deleted; RSET brings it back
> STAT
< +OK 2 775
> LIST
< +OK 2 messages (775 octets)
< 2 468
< 3 307
< .
> RSET
< +OK maildrop has 3 messages (1227 octets); nothing will be deleted
> DELE 3
< +OK message 3 deleted; it goes at QUIT, RSET undoes
`)
	// A client that leaves without QUIT deletes nothing: the server has
	// closed (the client saw EOF) and all messages are still there.
	first.conn.CloseWrite()
	first.expectEOF()
	if n := len(s.Mail().Messages()); n != 3 {
		t.Fatalf("%d messages after a session without QUIT, want 3", n)
	}
	converse(t, connect(t, addr), pop3Login+`
> DELE 2
< +OK message 2 deleted; it goes at QUIT, RSET undoes
> QUIT
< +OK rawtalk practice POP3 server signing off (1 message deleted, 2 messages left)
<eof
`)
	converse(t, connect(t, addr), pop3Greeting+`
> USER student
< +OK hello student; now send PASS practice
> PASS practice
< +OK student's maildrop has 2 messages (759 octets)
> UIDL
< +OK unique-id listing follows
< 1 rawtalk-1
< 2 rawtalk-3
< .
`)
}

func TestPOP3Errors(t *testing.T) {
	_, addr := startServer(t, "pop3", nil)
	c := connect(t, addr)
	converse(t, c, pop3Greeting+`
> HELO
< -ERR unknown command "HELO"; the commands are USER, PASS, STAT, LIST, RETR, DELE, RSET, TOP, UIDL, CAPA, NOOP, QUIT
>
< -ERR empty line; type a command such as CAPA, or QUIT
`)
	c.send(strings.Repeat("x", pop3CommandLimit+1) + "\r\n")
	converse(t, c, `
< -ERR line too long; a command is at most 512 bytes
`)
	c.send(strings.Repeat("junk\r\n", pop3MaxErrors))
	converse(t, c, strings.Repeat(`< -ERR unknown command "JUNK"; the commands are `+pop3Commands+"\n", pop3MaxErrors-3)+`
< -ERR too many errors; goodbye
<eof
`)
}

func TestPOP3IdleTimeout(t *testing.T) {
	_, addr := startServer(t, "pop3", func(s *Server) { s.IdleTimeout = 100 * time.Millisecond })
	converse(t, connect(t, addr), pop3Greeting+`
< -ERR disconnected for inactivity
<eof
`)
}

func TestPOP3Busy(t *testing.T) {
	_, addr := startServer(t, "pop3", func(s *Server) { s.MaxConns = 1 })
	converse(t, connect(t, addr), pop3Greeting)
	converse(t, connect(t, addr), `
< -ERR [SYS/TEMP] too many connections; try again later
<eof
`)
}

// TestPOP3ReadsSMTPMail sends a mail with SMTP and reads it with POP3
// from the same mailbox, as in the lab; the delivered text has a
// Return-Path line and keeps its dot-stuffing on the way out.
func TestPOP3ReadsSMTPMail(t *testing.T) {
	smtp, smtpAddr := startServer(t, "smtp", nil)
	_, pop3Addr := startServer(t, "pop3", func(s *Server) { s.mail = smtp.Mail() })
	c := connect(t, smtpAddr)
	c.send("HELO me\r\nMAIL FROM:<me@example.com>\r\nRCPT TO:<student@localhost>\r\nDATA\r\n" +
		"Subject: hi\r\n\r\n..dot\r\n.\r\nQUIT\r\n")
	got := c.readAll()
	if !strings.Contains(got, "250 2.0.0 Ok: queued as 00000001\r\n") {
		t.Fatalf("SMTP said %q", got)
	}
	text := "Return-Path: <me@example.com>\r\nSubject: hi\r\n\r\n.dot\r\n"
	converse(t, connect(t, pop3Addr), pop3Greeting+fmt.Sprintf(`
> USER student
< +OK hello student; now send PASS practice
> PASS practice
< +OK student's maildrop has 4 messages (%d octets)
> LIST 4
< +OK 4 %d
> RETR 4
< +OK %d octets
< Return-Path: <me@example.com>
< Subject: hi
<
< ..dot
< .
`, 1227+len(text), len(text), len(text)))
}

// TestMessageTextWithoutHeaders checks that a mail typed without headers
// is delivered with an empty line first, so that its text is the body.
func TestMessageTextWithoutHeaders(t *testing.T) {
	m := Message{ID: "1", From: "a@b", Data: "just text: no header\r\n"}
	if got, want := m.Text(), "Return-Path: <a@b>\r\n\r\njust text: no header\r\n"; got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
}

// TestPOP3WithCurl reads the mailbox with curl's pop3:// support, a real
// client: a listing, and a message with its dot-stuffing undone.
func TestPOP3WithCurl(t *testing.T) {
	curl := lookCurl(t, "pop3")
	_, addr := startServer(t, "pop3", nil)
	_, port, _ := net.SplitHostPort(addr)
	url := "pop3://127.0.0.1:" + port + "/"
	list := runCurl(t, curl, "--user", "student:practice", url)
	if want := "1 452\r\n2 468\r\n3 307\r\n"; list != want {
		t.Errorf("curl %s printed %q, want %q", url, list, want)
	}
	msg := runCurl(t, curl, "--user", "student:practice", url+"2")
	if want := crlf(starterMessages[1]); msg != want {
		t.Errorf("curl %s2 printed\n%q\nwant\n%q", url, msg, want)
	}
}

// lookCurl finds curl with support for proto, or skips the test.
func lookCurl(t *testing.T, proto string) string {
	t.Helper()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	out, err := exec.Command(curl, "--version").Output()
	if err != nil || !strings.Contains(string(out), " "+proto+" ") {
		t.Skipf("curl has no %s support", proto)
	}
	return curl
}

// runCurl runs curl with a time limit and returns what it printed.
func runCurl(t *testing.T, curl string, args ...string) string {
	t.Helper()
	args = append([]string{"--silent", "--show-error", "--max-time", "5", "--noproxy", "*"}, args...)
	out, err := exec.Command(curl, args...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("curl %s: %v %s", strings.Join(args, " "), err, msg)
	}
	return string(out)
}
