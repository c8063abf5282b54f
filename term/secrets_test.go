package term

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/winetest"

	"github.com/rawtalk/rawtalk/internal/vt"
)

// A conversation: what the server said last before each typed line, the
// line, and whether it must stay out of the history.
type exchange struct {
	server, typed string
	secret        bool
}

var secretConversations = []struct {
	name  string
	steps []exchange
}{
	{"imap literal password", []exchange{
		{"* OK ready\r\n", "a1 LOGIN alice {12}", true},
		{"+ OK\r\n", "hunter2hunter", true},
		{"a1 OK logged in\r\n", "a2 SELECT INBOX", false},
	}},
	{"imap literals for user and password", []exchange{
		{"* OK ready\r\n", "a1 LOGIN {5}", true},
		{"+ OK\r\n", "alice {7}", true},
		{"+ OK\r\n", "hunter2", true},
		{"a1 OK\r\n", "a2 LOGOUT", false},
	}},
	{"smtp auth login with initial response", []exchange{
		{"250 ok\r\n", "AUTH LOGIN YWxpY2U=", true},
		{"334 UGFzc3dvcmQ6\r\n", "aHVudGVyMg==", true},
		{"235 ok\r\n", "MAIL FROM:<a@b>", false},
	}},
	{"smtp auth login without", []exchange{
		{"250 ok\r\n", "AUTH LOGIN", true},
		{"334 VXNlcm5hbWU6\r\n", "YWxpY2U=", true},
		{"334 UGFzc3dvcmQ6\r\n", "aHVudGVyMg==", true},
		{"235 ok\r\n", "QUIT", false},
	}},
	{"smtp auth plain", []exchange{{"250 ok\r\n", "AUTH PLAIN AGFsaWNlAGh1bnRlcjI=", true}, {"235 ok\r\n", "NOOP", false}}},
	{"http credentials", []exchange{
		{"", "GET / HTTP/1.1", false},
		{"", "Authorization: Basic YWxpY2U6aHVudGVyMg==", true},
		{"", "proxy-authorization: Basic eA==", true},
		{"", "Cookie: session=abc", true},
		{"", "Host: example.com", false},
	}},
	{"irc", []exchange{
		{"", "OPER admin hunter2", true},
		{"", "PRIVMSG NickServ :IDENTIFY hunter2", true},
		{"", "privmsg nickserv :identify alice hunter2", true},
		{"", "NICKSERV IDENTIFY hunter2", true},
		{"", "PRIVMSG #chan :hello", false},
	}},
	{"redis", []exchange{
		{"", "CONFIG SET masterauth hunter2", true},
		{"", "ACL SETUSER alice on >hunter2 ~* +@all", true},
		{"", "CONFIG SET requirepass hunter2", true},
		{"", "AUTH alice hunter2", true},
		{"+OK\r\n", "PING", false},
		{"+PONG\r\n", "GET key", false},
	}},
	{"pop3 and ftp", []exchange{{"+OK\r\n", "USER alice", false}, {"+OK\r\n", "PASS hunter2", true}}},
	{"after a password prompt", []exchange{
		{"login: ", "alice", false},
		{"Password: ", "hunter2", true},
		{"Last login: today\r\n$ ", "ls", false},
	}},
	{"after a passphrase prompt", []exchange{{"Enter passphrase for key 'id': ", "correct horse", true}}},
	{"a password prompt on a line of its own", []exchange{{"Password:\r\n", "hunter2", true}}},
	{"only the line that answers the prompt", []exchange{{"Password: ", "hunter2", true}, {"", "next", false}}},
	{"the word password in a statement", []exchange{{"250 password policy applies.\r\n", "NOOP", false}}},
}

func TestSecretsStayOutOfHistory(t *testing.T) {
	for _, c := range secretConversations {
		t.Run(c.name, func(t *testing.T) {
			var f secretFilter
			var last lastLine
			for _, st := range c.steps {
				last.add([]byte(st.server))
				if got := f.secret(st.typed, last.take(), false); got != st.secret {
					t.Errorf("after server %q, %q: secret = %v, want %v", st.server, st.typed, got, st.secret)
				}
			}
		})
	}
	var f secretFilter
	if !f.secret("hunter2", "", true) {
		t.Error("a line typed while the telnet server keeps echo off is not a secret")
	}
}

func TestLastLine(t *testing.T) {
	var l lastLine
	for _, tt := range []struct{ in, want string }{
		{"220 hello\r\n", "220 hello\r"},
		{"Pass", "Pass"},
		{"word: ", "Password: "},
		{"\r\n\r\n", "Password: \r"},
		{"334 UGFz", "334 UGFz"},
		{"c3dvcmQ6\r\n", "334 UGFzc3dvcmQ6\r"},
	} {
		l.add([]byte(tt.in))
		if got := l.String(); got != tt.want {
			t.Errorf("after %q: %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHistoryThroughTheSession: in a real session, the line after a
// password prompt stays out of the history file, and a 2,500-line paste
// adds only its first lines, leaving what was typed before.
func TestHistoryThroughTheSession(t *testing.T) {
	hist := filepath.Join(winetest.TempDir(t), "history")
	p := startPTY(t, Options{HistoryFile: hist})
	p.ready()
	// Typed, not pasted: Enter in a read of its own.
	p.keys("typed before")
	p.waitText("> typed before")
	p.keys("\r")
	p.expect("typed before\r\n")
	p.send("Password: ")
	p.waitText("Password:")
	p.keys("hunter2")
	p.waitText("Password: hunter2")
	p.keys("\r")
	p.expect("hunter2\r\n")
	var paste strings.Builder
	for i := range 2500 { // more lines than the history holds (1000)
		fmt.Fprintf(&paste, "line %d\r", i)
	}
	p.keys(paste.String())
	p.expect(strings.ReplaceAll(paste.String(), "\r", "\r\n"))
	p.send("bye\r\n")
	p.waitText("bye")
	p.server.Close()
	p.waitFor("the end", func(s *vt.Screen, _ []byte) bool { return s.Contains("Connection closed by foreign host.") })
	<-p.done
	p.done <- nil // for the cleanup
	data, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	if strings.Contains(got, "hunter2") {
		t.Errorf("the line after Password: is in the history:\n%s", got)
	}
	if !strings.Contains(got, "typed before") {
		t.Errorf("the paste pushed earlier lines out of the history:\n%.500s", got)
	}
	if n := strings.Count(got, "line "); n != maxPasteHistory {
		t.Errorf("the paste added %d lines to the history, want %d", n, maxPasteHistory)
	}
}
