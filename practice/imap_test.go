package practice

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

const imapGreeting = `< * OK [CAPABILITY IMAP4rev1] rawtalk practice IMAP server ready; any user name, password "practice"` + "\n"

const imapLogin = imapGreeting + `
> a1 LOGIN student practice
< a1 OK [CAPABILITY IMAP4rev1] logged in as student; next: a1 SELECT INBOX
`

// imapSelected is the dialogue up to a SELECT of the starter mailbox.
const imapSelected = imapLogin + `
> a2 SELECT INBOX
< * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
< * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft)] flags you can change
< * 3 EXISTS
< * 0 RECENT
< * OK [UNSEEN 1] message 1 is the first not yet seen
< * OK [UIDVALIDITY 1] UIDs valid
< * OK [UIDNEXT 4] the next UID
< a2 OK [READ-WRITE] SELECT completed; now try FETCH 1 BODY[]
`

func TestIMAPLogin(t *testing.T) {
	_, addr := startServer(t, "imap", nil)
	converse(t, connect(t, addr), imapGreeting+`
> a0 CAPABILITY
< * CAPABILITY IMAP4rev1
< a0 OK CAPABILITY completed
> a1 SELECT INBOX
< a1 BAD log in first: a1 LOGIN yourname practice
> a2 LOGIN student
< a2 BAD LOGIN needs a user name and a password, as in: a2 LOGIN student practice
> a3 LOGIN student secret
< a3 NO [AUTHENTICATIONFAILED] wrong password; here it is "practice"
> a4 AUTHENTICATE PLAIN
< a4 NO AUTHENTICATE is not supported by this practice server; log in with: a4 LOGIN yourname practice
> a5 LOGIN "Jo Student" "practice"
< a5 OK [CAPABILITY IMAP4rev1] logged in as Jo Student; next: a5 SELECT INBOX
> a6 LOGIN again practice
< a6 BAD already logged in as Jo Student
> a7 NOOP
< a7 OK NOOP completed
> a8 LOGOUT
< * BYE rawtalk practice IMAP server logging out
< a8 OK LOGOUT completed
<eof
`)
}

// TestIMAPLiteral logs in with the password sent as a {N} literal: the
// server says "+ go ahead" and waits for the bytes; {N+} needs no wait.
func TestIMAPLiteral(t *testing.T) {
	_, addr := startServer(t, "imap", nil)
	c := connect(t, addr)
	converse(t, c, imapGreeting+`
> a1 LOGIN {7}
< + go ahead
`)
	c.send("student {8+}\r\npractice\r\n")
	converse(t, c, `
< a1 OK [CAPABILITY IMAP4rev1] logged in as student; next: a1 SELECT INBOX
> a2 LIST "" {99999}
< a2 BAD literal too big; this server takes at most 8192 bytes
`)
	// A literal's line break would end up in an answer as a line of its own.
	c.send("a3 SELECT {4+}\r\nA\r\nB\r\n")
	converse(t, c, `
< a3 BAD a literal here cannot hold a line break or NUL: it is a name or a password
> a4 NOOP
< a4 OK NOOP completed
`)
}

func TestIMAPSelectAndList(t *testing.T) {
	_, addr := startServer(t, "imap", nil)
	converse(t, connect(t, addr), imapLogin+`
> a2 FETCH 1 FLAGS
< a2 BAD no mailbox selected; a2 SELECT INBOX first
> a3 LIST "" *
< * LIST (\HasNoChildren) "/" INBOX
< a3 OK LIST completed
> a4 LIST "" ""
< * LIST (\Noselect) "/" ""
< a4 OK LIST completed
> a5 LIST "" Sent*
< a5 OK LIST completed
> a6 LIST "" in%
< * LIST (\HasNoChildren) "/" INBOX
< a6 OK LIST completed
> a7 LIST
< a7 BAD LIST needs a reference and a pattern, as in: LIST "" *
> a8 SELECT Sent
< a8 NO [NONEXISTENT] no mailbox "Sent"; the only mailbox here is INBOX
> a9 CREATE Sent
< a9 NO CREATE is not supported by this practice server: it has one mailbox, INBOX, and `+imapCommands+`
> b1 EXAMINE inbox
< * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
< * OK [PERMANENTFLAGS ()] read-only mailbox; flags cannot be changed
< * 3 EXISTS
< * 0 RECENT
< * OK [UNSEEN 1] message 1 is the first not yet seen
< * OK [UIDVALIDITY 1] UIDs valid
< * OK [UIDNEXT 4] the next UID
< b1 OK [READ-ONLY] EXAMINE completed; now try FETCH 1 BODY[] (read-only: nothing changes)
> b2 STORE 1 +FLAGS (\Deleted)
< b2 NO the mailbox is read-only (opened with EXAMINE); SELECT INBOX to change flags
`)
}

// TestIMAPFetch checks each FETCH item, that BODY[] sets \Seen and says
// so, that BODY.PEEK[] does not, and that EXAMINE changes nothing.
func TestIMAPFetch(t *testing.T) {
	_, addr := startServer(t, "imap", nil)
	c := connect(t, addr)
	text := crlf(starterMessages[0])
	header, body, _ := strings.Cut(text, "\r\n\r\n")
	header += "\r\n\r\n"
	converse(t, c, imapSelected+`
> a3 FETCH 1:* (FLAGS RFC822.SIZE)
< * 1 FETCH (FLAGS () RFC822.SIZE 452)
< * 2 FETCH (FLAGS () RFC822.SIZE 468)
< * 3 FETCH (FLAGS () RFC822.SIZE 307)
< a3 OK FETCH completed
> a4 FETCH 1 BODY[HEADER]
`)
	c.expect(fmt.Sprintf("* 1 FETCH (BODY[HEADER] {%d}\r\n%s FLAGS (\\Seen))\r\na4 OK FETCH completed\r\n", len(header), header))
	converse(t, c, "> a5 STORE 1 -FLAGS (\\Seen)\n< * 1 FETCH (FLAGS ())\n< a5 OK STORE completed\n")
	c.send("a6 FETCH 1 BODY.PEEK[]\r\n")
	c.expect(fmt.Sprintf("* 1 FETCH (BODY[] {%d}\r\n%s)\r\na6 OK FETCH completed\r\n", len(text), text))
	c.send("a7 FETCH 1 (UID BODY[TEXT])\r\n")
	c.expect(fmt.Sprintf("* 1 FETCH (UID 1 BODY[TEXT] {%d}\r\n%s FLAGS (\\Seen))\r\na7 OK FETCH completed\r\n", len(body), body))
	c.send("a8 FETCH 1 BODY[]\r\n") // already seen: no FLAGS unasked
	c.expect(fmt.Sprintf("* 1 FETCH (BODY[] {%d}\r\n%s)\r\na8 OK FETCH completed\r\n", len(text), text))
	converse(t, c, `
> a9 FETCH 1:2 FLAGS
< * 1 FETCH (FLAGS (\Seen))
< * 2 FETCH (FLAGS ())
< a9 OK FETCH completed
> b1 FETCH 4 FLAGS
< b1 BAD no message 4; there are 3 messages
> b2 FETCH x FLAGS
< b2 BAD "x" is not a message number: use 1, 2:4, 3:* or 1,5
> b3 FETCH 1 ENVELOPE
< b3 BAD this practice server does not fetch ENVELOPE; it fetches `+fetchItems+`
> b4 FETCH 1 (FLAGS
< b4 BAD "(FLAGS" has an unclosed ( or [
> b5 FETCH 1
< b5 BAD FETCH needs messages and items, as in: FETCH 1 (FLAGS BODY[])
> b6 UID FETCH 2:3 FLAGS
< * 2 FETCH (UID 2 FLAGS ())
< * 3 FETCH (UID 3 FLAGS ())
< b6 OK UID FETCH completed
> b7 UID FETCH 9 FLAGS
< b7 OK UID FETCH completed
> b8 EXAMINE INBOX
< * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
< * OK [PERMANENTFLAGS ()] read-only mailbox; flags cannot be changed
< * 3 EXISTS
< * 0 RECENT
< * OK [UNSEEN 2] message 2 is the first not yet seen
< * OK [UIDVALIDITY 1] UIDs valid
< * OK [UIDNEXT 4] the next UID
< b8 OK [READ-ONLY] EXAMINE completed; now try FETCH 1 BODY[] (read-only: nothing changes)
> b9 FETCH 2 RFC822.HEADER
`)
	// EXAMINE is read-only: reading does not set \Seen.
	header2, _, _ := strings.Cut(crlf(starterMessages[1]), "\r\n\r\n")
	header2 += "\r\n\r\n"
	c.expect(fmt.Sprintf("* 2 FETCH (RFC822.HEADER {%d}\r\n%s)\r\nb9 OK FETCH completed\r\n", len(header2), header2))
}

// TestIMAPStoreSearchExpunge flags, searches and removes messages.
func TestIMAPStoreSearchExpunge(t *testing.T) {
	s, addr := startServer(t, "imap", nil)
	converse(t, connect(t, addr), imapSelected+`
> a3 SEARCH ALL
< * SEARCH 1 2 3
< a3 OK SEARCH completed
> a4 STORE 2 +FLAGS (\Deleted \Flagged)
< * 2 FETCH (FLAGS (\Flagged \Deleted))
< a4 OK STORE completed
> a5 STORE 3 +FLAGS.SILENT \Seen
< a5 OK STORE completed
> a6 SEARCH UNSEEN
< * SEARCH 1 2
< a6 OK SEARCH completed
> a7 SEARCH DELETED FLAGGED
< * SEARCH 2
< a7 OK SEARCH completed
> a8 UID SEARCH SEEN
< * SEARCH 3
< a8 OK UID SEARCH completed
> a9 SEARCH FROM teacher
< a9 BAD this practice server does not search by "FROM"; it knows ALL, SEEN, UNSEEN, DELETED, UNDELETED, FLAGGED, UNFLAGGED, ANSWERED, UNANSWERED, DRAFT, UNDRAFT
> b1 STORE 1 FLAGS (\Answered)
< * 1 FETCH (FLAGS (\Answered))
< b1 OK STORE completed
> b2 STORE 1 FLAGS ($Important)
< b2 BAD unknown flag "$Important"; the flags are (\Answered \Flagged \Deleted \Seen \Draft)
> b3 STORE 1 +FLAGS (\Recent)
< b3 BAD \Recent is set by the server; it cannot be stored
> b4 STORE 1 ADD (\Seen)
< b4 BAD "ADD" is not FLAGS, +FLAGS or -FLAGS (each may end in .SILENT)
> b5 UID STORE 1 -FLAGS (\Answered)
< * 1 FETCH (UID 1 FLAGS ())
< b5 OK UID STORE completed
> b6 STORE 3 +FLAGS (\Deleted)
< * 3 FETCH (FLAGS (\Deleted \Seen))
< b6 OK STORE completed
> b7 EXPUNGE
< * 2 EXPUNGE
< * 2 EXPUNGE
< b7 OK EXPUNGE completed; 2 messages removed
> b8 SEARCH ALL
< * SEARCH 1
< b8 OK SEARCH completed
> b9 CLOSE
< b9 OK CLOSE completed; 0 messages removed
> c1 SEARCH ALL
< c1 BAD no mailbox selected; c1 SELECT INBOX first
`)
	if msgs := s.Mail().Messages(); len(msgs) != 1 || msgs[0].UID != 1 {
		t.Errorf("the mailbox holds %+v, want only message 1", msgs)
	}
}

func TestIMAPBadCommands(t *testing.T) {
	_, addr := startServer(t, "imap", nil)
	c := connect(t, addr)
	converse(t, c, imapGreeting+`
> CAPABILITY
< * BAD a command starts with a tag of your choice, as in: a1 CAPABILITY
> select inbox
< * BAD a command starts with a tag of your choice, as in: a1 SELECT inbox
> * LIST
< * BAD a command starts with a tag of your choice, as in: a1 CAPABILITY
>
< * BAD empty line; a command is a tag, a command and its arguments, as in: a1 LOGIN student practice
> a1
< a1 BAD a command is missing after the tag, as in: a1 CAPABILITY
> a2 HELLO
< a2 BAD unknown command "HELLO"; the commands are `+imapCommands+`
> a3 LOGIN "student practice
< a3 BAD a quoted string has no closing "
`)
	c.send(strings.Repeat("x", imapLineLimit+1) + "\r\n")
	converse(t, c, "< * BAD line too long; a command is at most 8192 bytes\n")
	c.send(strings.Repeat("a HELLO\r\n", imapMaxErrors))
	converse(t, c, strings.Repeat(`< a BAD unknown command "HELLO"; the commands are `+imapCommands+"\n", imapMaxErrors-8)+`
< * BYE too many errors; goodbye
<eof
`)
}

func TestIMAPIdleTimeout(t *testing.T) {
	_, addr := startServer(t, "imap", func(s *Server) { s.IdleTimeout = 100 * time.Millisecond })
	converse(t, connect(t, addr), imapGreeting+`
< * BYE autologout; idle for too long
<eof
`)
}

func TestIMAPBusy(t *testing.T) {
	_, addr := startServer(t, "imap", func(s *Server) { s.MaxConns = 1 })
	converse(t, connect(t, addr), imapGreeting)
	converse(t, connect(t, addr), `
< * BYE too many connections; try again later
<eof
`)
}

// TestIMAPNewMail sends a mail with SMTP while an IMAP client has INBOX
// selected: NOOP announces it with EXISTS, and it can be fetched.
func TestIMAPNewMail(t *testing.T) {
	smtp, smtpAddr := startServer(t, "smtp", nil)
	_, imapAddr := startServer(t, "imap", func(s *Server) { s.mail = smtp.Mail() })
	c := connect(t, imapAddr)
	converse(t, c, imapSelected+`
> a3 NOOP
< a3 OK NOOP completed
`)
	m := connect(t, smtpAddr)
	m.send("HELO me\r\nMAIL FROM:<me@example.com>\r\nRCPT TO:<student@localhost>\r\nDATA\r\nhello\r\n.\r\nQUIT\r\n")
	if got := m.readAll(); !strings.Contains(got, "250 2.0.0 Ok: queued as 00000001\r\n") {
		t.Fatalf("SMTP said %q", got)
	}
	text := "Return-Path: <me@example.com>\r\n\r\nhello\r\n"
	converse(t, c, `
> a4 NOOP
< * 4 EXISTS
< a4 OK NOOP completed
> a5 FETCH 4 (UID RFC822.SIZE)
< * 4 FETCH (UID 4 RFC822.SIZE 40)
< a5 OK FETCH completed
`)
	if len(text) != 40 {
		t.Fatalf("the delivered text is %d bytes, the dialogue says 40", len(text))
	}
}

// TestIMAPWithCurl talks to the server with curl's imap:// support: the
// mailbox list, a search, and a message by UID and by sequence number.
func TestIMAPWithCurl(t *testing.T) {
	curl := lookCurl(t, "imap")
	_, addr := startServer(t, "imap", nil)
	_, port, _ := net.SplitHostPort(addr)
	base := "imap://127.0.0.1:" + port + "/"
	user := []string{"--user", "student:practice"}

	if got, want := runCurl(t, curl, append(user, base)...), "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"; got != want {
		t.Errorf("curl %s printed %q, want %q", base, got, want)
	}
	if got, want := runCurl(t, curl, append(user, base+"INBOX?ALL")...), "* SEARCH 1 2 3\r\n"; got != want {
		t.Errorf("curl %sINBOX?ALL printed %q, want %q", base, got, want)
	}
	for _, url := range []string{base + "INBOX/;UID=2", base + "INBOX/;MAILINDEX=2"} {
		if got, want := runCurl(t, curl, append(user, url)...), crlf(starterMessages[1]); got != want {
			t.Errorf("curl %s printed\n%q\nwant\n%q", url, got, want)
		}
	}
}
