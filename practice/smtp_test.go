package practice

import (
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const greeting = "< 220 localhost ESMTP rawtalk practice server; mail stays in memory\n"

// TestSMTPTransaction is a whole mail, command by command, as a student
// types it from the HELP text.
func TestSMTPTransaction(t *testing.T) {
	s, addr := startServer(t, "smtp", nil)
	converse(t, connect(t, addr), greeting+`
> EHLO student
< 250-localhost Hello student
< 250-SIZE 1048576
< 250-8BITMIME
< 250-ENHANCEDSTATUSCODES
< 250 HELP
> MAIL FROM:<me@example.com>
< 250 2.1.0 Ok
> RCPT TO:<you@example.com>
< 250 2.1.5 Ok
> RCPT TO:<them@example.com>
< 250 2.1.5 Ok
> DATA
< 354 End data with <CR><LF>.<CR><LF>
> Subject: hi
>
> Hello.
> ..a line that starts with a dot
> .
< 250 2.0.0 Ok: queued as 00000001
> QUIT
< 221 2.0.0 Bye
<eof
`)
	want := []Message{{
		ID:   "00000001",
		UID:  uint32(len(starterMessages) + 1),
		From: "me@example.com",
		To:   []string{"you@example.com", "them@example.com"},
		Data: "Subject: hi\r\n\r\nHello.\r\n.a line that starts with a dot\r\n",
	}}
	if got := accepted(s); !reflect.DeepEqual(got, want) {
		t.Errorf("mailbox holds %+v\nwant %+v", got, want)
	}
	if n := s.Mail().Count(); n != 1 {
		t.Errorf("Count() = %d, want 1", n)
	}
}

// TestSMTPLenient checks what real servers accept beyond the letter of RFC
// 5321: bare LF endings (in commands and in the text), lowercase commands,
// a space after the colon, addresses without brackets, HELO.
func TestSMTPLenient(t *testing.T) {
	s, addr := startServer(t, "smtp", nil)
	converse(t, connect(t, addr), greeting+`
>lf helo me
< 250 localhost
>lf mail from: <>
< 250 2.1.0 Ok
>lf Rcpt To: bare@example.com
< 250 2.1.5 Ok
>lf data
< 354 End data with <CR><LF>.<CR><LF>
>lf line one
>lf .
< 250 2.0.0 Ok: queued as 00000001
> MAIL FROM:<a@b> SIZE=100 BODY=8BITMIME
< 250 2.1.0 Ok
`)
	got := accepted(s)
	if len(got) != 1 || got[0].From != "" || got[0].To[0] != "bare@example.com" || got[0].Data != "line one\r\n" {
		t.Errorf("mailbox holds %+v", got)
	}
}

// TestSMTPDotUnstuffing checks RFC 5321 4.5.2: the leading dot of each
// line is removed, and only a line of one dot ends the text.
func TestSMTPDotUnstuffing(t *testing.T) {
	s, addr := startServer(t, "smtp", nil)
	c := connect(t, addr)
	c.send("HELO me\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n" +
		"..\r\n...\r\n.not the end\r\n. \r\nend.\r\n.\r\nQUIT\r\n")
	converse(t, c, greeting+`
< 250 localhost
< 250 2.1.0 Ok
< 250 2.1.5 Ok
< 354 End data with <CR><LF>.<CR><LF>
< 250 2.0.0 Ok: queued as 00000001
< 221 2.0.0 Bye
<eof
`)
	msgs := accepted(s)
	if want := ".\r\n..\r\nnot the end\r\n \r\nend.\r\n"; len(msgs) != 1 || msgs[0].Data != want {
		t.Errorf("stored %+v, want data %q", msgs, want)
	}
}

// TestSMTPBadSequence checks the 503 answers to commands out of order,
// and that RSET and EHLO end a transaction.
func TestSMTPBadSequence(t *testing.T) {
	s, addr := startServer(t, "smtp", nil)
	converse(t, connect(t, addr), greeting+`
> MAIL FROM:<a@b>
< 503 5.5.1 Error: send HELO/EHLO first
> HELO me
< 250 localhost
> RCPT TO:<c@d>
< 503 5.5.1 Error: need MAIL command
> DATA
< 503 5.5.1 Error: need MAIL command
> MAIL FROM:<a@b>
< 250 2.1.0 Ok
> MAIL FROM:<a@b>
< 503 5.5.1 Error: nested MAIL command
> DATA
< 503 5.5.1 Error: need RCPT command
> RCPT TO:<c@d>
< 250 2.1.5 Ok
> RSET
< 250 2.0.0 Ok
> RCPT TO:<c@d>
< 503 5.5.1 Error: need MAIL command
> MAIL FROM:<a@b>
< 250 2.1.0 Ok
> EHLO again
< 250-localhost Hello again
< 250-SIZE 1048576
< 250-8BITMIME
< 250-ENHANCEDSTATUSCODES
< 250 HELP
> RCPT TO:<c@d>
< 503 5.5.1 Error: need MAIL command
`)
	if n := s.Mail().Count(); n != 0 {
		t.Errorf("%d messages stored, want none", n)
	}
}

// TestSMTPSyntax checks the 500, 501, 502, 555 and 252 answers; the
// connection stays usable after each.
func TestSMTPSyntax(t *testing.T) {
	_, addr := startServer(t, "smtp", nil)
	converse(t, connect(t, addr), greeting+`
> FOO
< 500 5.5.2 Error: command not recognized
>
< 500 5.5.2 Error: bad syntax
> EHLO
< 501 5.5.4 Syntax: EHLO hostname
> HELO
< 501 5.5.4 Syntax: HELO hostname
> HELO me
< 250 localhost
> MAIL
< 501 5.5.4 Syntax: MAIL FROM:<address>
> MAIL TO:<a@b>
< 501 5.5.4 Syntax: MAIL FROM:<address>
> MAIL FROM:<a@b
< 501 5.5.4 Syntax: MAIL FROM:<address>
> MAIL FROM:<a b@c>
< 501 5.1.7 Bad sender address syntax
> MAIL FROM:<a@b> SIZE=99999999
< 552 5.3.4 Message size exceeds fixed limit
> MAIL FROM:<a@b> SMTPUTF8
< 555 5.5.4 Unsupported option: SMTPUTF8
> MAIL FROM:<a@b>
< 250 2.1.0 Ok
> RCPT TO:
< 501 5.5.4 Syntax: RCPT TO:<address>
> RCPT TO:<>
< 501 5.1.3 Bad recipient address syntax
> RCPT TO:<c@d> NOTIFY=NEVER
< 555 5.5.4 Unsupported option: NOTIFY=NEVER
> DATA now
< 501 5.5.4 Syntax: DATA
> RSET now
< 501 5.5.4 Syntax: RSET
> VRFY
< 501 5.5.4 Syntax: VRFY address
> VRFY postmaster
< 252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery
> EXPN staff
< 502 5.5.1 Error: command not implemented
> STARTTLS
< 502 5.5.1 Error: command not implemented
> NOOP
< 250 2.0.0 Ok
> quit
< 221 2.0.0 Bye
<eof
`)
}

func TestSMTPHelp(t *testing.T) {
	_, addr := startServer(t, "smtp", nil)
	c := connect(t, addr)
	converse(t, c, greeting+"> HELP\n")
	want := strings.ReplaceAll(smtpHelp, "\n", "\r\n") + "\r\n"
	c.expect(want)
	// Every line but the last is a continuation (code and dash).
	lines := strings.Split(strings.TrimSuffix(want, "\r\n"), "\r\n")
	for i, l := range lines {
		if cont := i < len(lines)-1; strings.HasPrefix(l, "214-") != cont || strings.HasPrefix(l, "214 ") == cont {
			t.Errorf("HELP line %d is %q", i, l)
		}
	}
}

// TestSMTPLimits checks a command over 512 bytes, a text line over the
// limit and a message over SIZE; each is refused and the session goes on.
func TestSMTPLimits(t *testing.T) {
	s, addr := startServer(t, "smtp", nil)
	c := connect(t, addr)
	converse(t, c, greeting)
	c.send("NOOP " + strings.Repeat("x", smtpCommandLimit) + "\r\n")
	converse(t, c, `
< 500 5.5.2 Error: line too long
> NOOP
< 250 2.0.0 Ok
> HELO me
< 250 localhost
> MAIL FROM:<a@b>
< 250 2.1.0 Ok
> RCPT TO:<c@d>
< 250 2.1.5 Ok
> DATA
< 354 End data with <CR><LF>.<CR><LF>
`)
	c.send(strings.Repeat("y", smtpTextLineLimit+10) + "\r\n.\r\n")
	converse(t, c, `
< 500 5.5.2 Error: a line of the message is longer than 8192 bytes
> MAIL FROM:<a@b>
< 250 2.1.0 Ok
> RCPT TO:<c@d>
< 250 2.1.5 Ok
> DATA
< 354 End data with <CR><LF>.<CR><LF>
`)
	line := strings.Repeat("z", 1000) + "\r\n"
	c.send(strings.Repeat(line, smtpMaxMessage/len(line)+1) + ".\r\n")
	converse(t, c, `
< 552 5.3.4 Message size exceeds fixed limit
> NOOP
< 250 2.0.0 Ok
`)
	if n := s.Mail().Count(); n != 0 {
		t.Errorf("%d messages stored, want none", n)
	}
}

// TestSMTPTooManyErrors checks that the server hangs up on a client that
// only sends junk, as Postfix does.
func TestSMTPTooManyErrors(t *testing.T) {
	_, addr := startServer(t, "smtp", nil)
	c := connect(t, addr)
	converse(t, c, greeting)
	c.send(strings.Repeat("junk\r\n", smtpMaxErrors+5))
	converse(t, c, strings.Repeat("< 500 5.5.2 Error: command not recognized\n", smtpMaxErrors)+`
< 421 4.7.0 localhost Error: too many errors
<eof
`)
}

// TestSMTPConcurrentClients sends mail from many clients at once; every
// message is stored with its own id.
func TestSMTPConcurrentClients(t *testing.T) {
	s, addr := startServer(t, "smtp", nil)
	const clients = 20
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() { // t.Fatal is not for these goroutines: errors only
			c, err := net.Dial("tcp4", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(waitLimit))
			fmt.Fprintf(c, "EHLO c%d\r\nMAIL FROM:<c%d@x>\r\nRCPT TO:<y@x>\r\nDATA\r\nmessage %d\r\n.\r\nQUIT\r\n", i, i, i)
			got, err := io.ReadAll(c)
			if err != nil || !strings.Contains(string(got), "250 2.0.0 Ok: queued as ") || !strings.HasSuffix(string(got), "221 2.0.0 Bye\r\n") {
				t.Errorf("client %d got %q (%v)", i, got, err)
			}
		})
	}
	wg.Wait()
	msgs := accepted(s)
	ids := map[string]bool{}
	texts := map[string]bool{}
	for _, m := range msgs {
		ids[m.ID] = true
		texts[m.Data] = true
	}
	if len(msgs) != clients || len(ids) != clients || len(texts) != clients {
		t.Errorf("stored %d messages with %d ids and %d texts, want %d of each", len(msgs), len(ids), len(texts), clients)
	}
}

// accepted is the mail SMTP accepted, without the starter messages.
func accepted(s *Server) []Message {
	var msgs []Message
	for _, m := range s.Mail().Messages() {
		if m.ID != "" {
			msgs = append(msgs, m)
		}
	}
	return msgs
}

func TestMailboxKeepsTheLatest(t *testing.T) {
	m := newMailbox()
	for i := range mailboxMax + 5 {
		m.add(Message{Data: fmt.Sprint(i)})
	}
	msgs := m.Messages()
	if m.Count() != mailboxMax+5 || len(msgs) != mailboxMax || msgs[0].Data != "5" || msgs[0].ID != "00000006" {
		t.Errorf("count %d, kept %d, oldest %+v", m.Count(), len(msgs), msgs[0])
	}
	if n := len(m.flags); n != 0 {
		t.Errorf("%d flags kept for messages that are gone", n)
	}
}
