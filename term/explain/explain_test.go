package explain

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestExplain(t *testing.T) {
	for _, tc := range []struct{ proto, line, want string }{
		// HTTP: status lines, by table and by class, and headers.
		{"http", "HTTP/1.1 302 Found\r\n", "302 Found: the resource is elsewhere; the Location header says where"},
		{"http", "HTTP/1.0 404 Not Found", "404 Not Found: nothing at this path"},
		{"http", "HTTP/1.1 299 Whatever", "299: success"},
		{"http", "HTTP/1.1 600 Nope", ""},
		{"http", "HTTP/1.1 20 short", ""},
		{"http", "Location: /hello", "Location: where to go next; a redirect's client requests this"},
		{"http", "content-length: 14", "Content-Length: the body is this many bytes; the answer ends after them"},
		{"http", "Connection: close", "Connection: close: the server closes the connection after this answer"},
		{"http", "Connection: Keep-Alive", "Connection: keep-alive: the connection stays open for your next request"},
		{"http", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked: the body comes in chunks, each after its size in hex; 0 ends"},
		{"http", "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: how the body is sent; it replaces Content-Length"},
		{"http", "Server: nginx", ""},
		{"http", "Hello, world!", ""},
		// SMTP and LMTP: the last line of a reply only.
		{"smtp", "220 mail.example ESMTP Postfix", "220: the server is ready; say EHLO (or HELO)"},
		{"smtp", "250-SIZE 1048576", ""},
		{"smtp", "250 HELP", "250: done; the command was accepted"},
		{"lmtp", "354 End data with <CR><LF>.<CR><LF>", "354: send the message now; a line with only a dot ends it"},
		{"smtp", "599 odd", "599: failed; do not repeat the command as it is"},
		{"smtp", "550", "550: refused: no such mailbox, or not allowed (policy)"},
		{"smtp", "25 short", ""},
		// FTP.
		{"ftp", "227 Entering Passive Mode (127,0,0,1,39,16)", "227: passive mode: connect to h1,h2,h3,h4,p1,p2 (port = p1*256+p2)"},
		{"ftp", "331 Please specify the password.", "331: user name okay; send PASS"},
		{"ftp", "220 (vsFTPd 3.0.3)", "220: the server is ready; log in with USER"},
		// POP3.
		{"pop3", "+OK hello student", "+OK: the command worked"},
		{"pop3", "-ERR no such message", "-ERR: the command failed; the text after it says why"},
		{"pop3", "-ERR [SYS/TEMP] too many connections", "[SYS/TEMP]: a temporary problem on the server; try again later"},
		{"pop3", "-ERR [AUTH] wrong password", "[AUTH]: the user name or password was wrong"},
		{"pop3", ".", ".: the end of a multi-line answer (a text line starting with . gets another)"},
		{"pop3", "Subject: hi", ""},
		// IMAP: continuation, untagged, tagged, response codes.
		{"imap", "+ go ahead", "+: the server waits for the rest of your command"},
		{"imap", "* OK [CAPABILITY IMAP4rev1] ready", "[CAPABILITY]: what this server can do, given with the status"},
		{"imap", "* OK ready", "* OK: information from the server; no command ends here"},
		{"imap", "* 3 EXISTS", "* N EXISTS: the mailbox holds N messages"},
		{"imap", "* 1 FETCH (FLAGS (\\Seen))", "* N FETCH: data about message N; {size} means that many bytes follow"},
		{"imap", "* SEARCH 1 2 3", "* SEARCH: the numbers of the messages that match"},
		{"imap", "* BYE logging out", "* BYE: the server is closing the connection"},
		{"imap", "a1 OK LOGIN completed", "OK: the command with this tag worked"},
		{"imap", "a2 NO [AUTHENTICATIONFAILED] wrong password", "[AUTHENTICATIONFAILED]: wrong user name or password"},
		{"imap", "a3 OK [READ-WRITE] SELECT completed", "[READ-WRITE]: the mailbox is open and you may change it"},
		{"imap", "a4 bad syntax", "BAD: the command with this tag was not understood (syntax or state)"},
		{"imap", "a5 MAYBE", ""},
		{"imap", "* 2 THINGS", ""},
		// Redis.
		{"redis", "-ERR unknown command 'FOO'", "-ERR: the command failed; the text says why"},
		{"redis", "-WRONGTYPE Operation against a key holding the wrong kind of value", "-WRONGTYPE: the key holds another type of value than this command uses"},
		{"redis", "-SOMETHING new", "-: an error; the first word is its kind, the rest says why"},
		{"redis", "+PONG", "+PONG: the answer to PING: the server is alive"},
		{"redis", "+whatever", "+: a simple string reply"},
		{"redis", ":42", ":: an integer reply (a count, a length, or 1/0 for yes/no)"},
		{"redis", "$5", "$5: a bulk string of 5 bytes follows on the next line"},
		{"redis", "*3", "*3: an array of 3 elements follows, each a reply of its own"},
		{"redis", "$-1", "$-1: null: no such key, or no value"},
		{"redis", "$99999999999", ""},
		{"redis", "hello", ""},
		// Unknown protocol: guessed from the line.
		{"", "HTTP/1.1 200 OK", "200 OK: it worked; the body is what you asked for"},
		{"", "Location: http://example.com/", "Location: where to go next; a redirect's client requests this"},
		{"", "220 mail.example ESMTP Postfix", "220: the server is ready; say EHLO (or HELO)"},
		{"", "220 ProFTPD Server ready", "220: the server is ready; log in with USER"},
		{"", "354 go ahead", "354: send the message now; a line with only a dot ends it"},
		{"", "227 Entering Passive Mode (127,0,0,1,39,16)", "227: passive mode: connect to h1,h2,h3,h4,p1,p2 (port = p1*256+p2)"},
		{"", "250 ok", "250: success"},
		{"", "+OK POP3 ready", "+OK: the command worked"},
		{"", "-WRONGTYPE Operation", "-WRONGTYPE: the key holds another type of value than this command uses"},
		{"", "+PONG", "+PONG: the answer to PING: the server is alive"},
		{"", "* 3 EXISTS", "* N EXISTS: the mailbox holds N messages"},
		{"", "a1 OK done", "OK: the command with this tag worked"},
		{"", ":1", ":: an integer reply (a count, a length, or 1/0 for yes/no)"},
		{"", "Hello, world!", ""},
		{"", "", ""},
		{"gopher", "HTTP/1.1 404 Not Found", "404 Not Found: nothing at this path"},
	} {
		if got := Explain(tc.proto, tc.line); got != tc.want {
			t.Errorf("Explain(%q, %q) = %q, want %q", tc.proto, tc.line, got, tc.want)
		}
	}
}

// TestLookupRef checks that a note comes with its reference.
func TestLookupRef(t *testing.T) {
	n := Lookup("http", "HTTP/1.1 302 Found")
	if n.Ref != "RFC 9110 15.4.3" {
		t.Errorf("302's reference is %q", n.Ref)
	}
	if n := Lookup("http", "no note here"); n != (Note{}) {
		t.Errorf("a line without a note gave %+v", n)
	}
}

// refPattern is what every reference looks like: an RFC and a section,
// or Redis's spec, which has no RFC.
var refPattern = regexp.MustCompile(`^(RFC [0-9]{3,4} [0-9]+(\.[0-9]+)*|` + regexp.QuoteMeta(redisRef) + `)$`)

// maxNote is the longest note: it shares an 80-column row with a marker.
const maxNote = 96

// TestTables checks every entry: a reference, a short note without
// control characters, and a note that starts with what it explains.
func TestTables(t *testing.T) {
	check := func(table, key string, n Note, prefix string) {
		t.Helper()
		if !refPattern.MatchString(n.Ref) {
			t.Errorf("%s[%s]: reference %q is not RFC NNNN SECTION", table, key, n.Ref)
		}
		if len(n.Text) > maxNote || !safe(n.Text) {
			t.Errorf("%s[%s]: note %q is over %d bytes or has control characters", table, key, n.Text, maxNote)
		}
		if !strings.HasPrefix(n.Text, prefix) {
			t.Errorf("%s[%s]: note %q does not start with %q", table, key, n.Text, prefix)
		}
	}
	codes := map[string]map[int]Note{"httpStatus": httpStatus, "smtpCodes": smtpCodes, "ftpCodes": ftpCodes}
	for name, table := range codes {
		for code, n := range table {
			check(name, fmt.Sprint(code), n, fmt.Sprint(code))
		}
	}
	classes := map[string]map[byte]Note{"httpClasses": httpClasses, "smtpClasses": smtpClasses, "ftpClasses": ftpClasses, "sharedClasses": sharedClasses}
	for name, table := range classes {
		for digit, n := range table {
			check(name, string(digit), n, "")
		}
	}
	named := map[string]map[string]Note{
		"httpHeaders": httpHeaders, "httpHeaderValues": httpHeaderValues, "pop3Codes": pop3Codes,
		"imapTagged": imapTagged, "imapUntagged": imapUntagged, "imapNumbered": imapNumbered,
		"imapCodes": imapCodes, "redisErrors": redisErrors, "redisSimple": redisSimple,
	}
	for name, table := range named {
		for key, n := range table {
			check(name, key, n, "")
			if word := strings.ToUpper(strings.SplitN(key, ":", 2)[0]); !strings.Contains(strings.ToUpper(n.Text), word) {
				t.Errorf("%s[%s]: note %q does not name %s", name, key, n.Text, word)
			}
		}
	}
	for _, n := range []Note{pop3OK, pop3Err, pop3End, imapContinue, redisErrorOther, redisSimpleOther, redisInteger, redisNull, redisNulls['$'], redisNulls['*']} {
		check("single", n.Text, n, "")
	}
}

// safe tells whether a note can go to a terminal as it is: valid UTF-8,
// no control characters.
func safe(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// FuzzExplain checks that no line, in any protocol, makes Explain panic
// or return a note that is long or unsafe to print.
func FuzzExplain(f *testing.F) {
	for _, p := range append(Protocols(), "") {
		f.Add(p, "HTTP/1.1 302 Found\r\n")
		f.Add(p, "* 1 FETCH (BODY[] {12}")
		f.Add(p, "$5")
	}
	f.Fuzz(func(t *testing.T, proto, line string) {
		note := Lookup(proto, line)
		if len(note.Text) > maxNote || !safe(note.Text) {
			t.Errorf("Explain(%q, %q) = %q: over %d bytes or unsafe", proto, line, note.Text, maxNote)
		}
		if (note.Text == "") != (note.Ref == "") {
			t.Errorf("Explain(%q, %q) = %+v: a note without a reference, or the reverse", proto, line, note)
		}
	})
}
