package practice

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Limits and words of the POP3 server (RFC 1939).
const (
	pop3CommandLimit = 512 // bytes in a command line; RFC 1939 says 255, servers allow more
	pop3MaxErrors    = 20  // error replies before the server hangs up
	practicePassword = "practice"
)

// pop3Commands are the commands the POP3 server knows, for "unknown
// command" answers.
const pop3Commands = "USER, PASS, STAT, LIST, RETR, DELE, RSET, TOP, UIDL, CAPA, NOOP, QUIT"

// pop3Conn is one client of the POP3 server: its state and its view of
// the maildrop, fixed at login as RFC 1939 says.
type pop3Conn struct {
	s        *Server
	c        net.Conn
	lr       *lineReader
	user     string    // the name given with USER, until PASS
	loggedIn bool      // PASS was accepted: the TRANSACTION state
	msgs     []Message // the maildrop as it was at login
	deleted  []bool    // marked by DELE, removed at QUIT
	errors   int
}

// servePOP3 greets the client and answers its commands until QUIT, EOF,
// an idle timeout or too many errors.
func (s *Server) servePOP3(conn net.Conn) {
	pc := &pop3Conn{s: s, c: conn, lr: newLineReader(conn, pop3CommandLimit)}
	s.idleDeadline(conn)
	if pc.reply(`+OK rawtalk practice POP3 server ready; any user name, password "practice"`) != nil {
		conn.Close()
		return
	}
	for {
		s.idleDeadline(conn)
		line, err := pc.lr.readLine()
		var answer string
		quit := false
		switch {
		case errors.Is(err, errLineTooLong):
			if pc.lr.skipLine() != nil {
				conn.Close()
				return
			}
			answer = fmt.Sprintf("-ERR line too long; a command is at most %d bytes", pop3CommandLimit)
		case isTimeout(err):
			pc.reply("-ERR disconnected for inactivity")
			lingerClose(conn)
			return
		case err != nil:
			conn.Close() // the client left without QUIT: nothing is deleted
			return
		default:
			answer, quit = pc.command(line)
		}
		if err := pc.reply(answer); err != nil || quit {
			lingerClose(conn)
			return
		}
		if strings.HasPrefix(answer, "-ERR") {
			pc.errors++
			if pc.errors >= pop3MaxErrors {
				pc.reply("-ERR too many errors; goodbye")
				lingerClose(conn)
				return
			}
		}
	}
}

// reply sends one answer; a multi-line answer is given with \n between
// lines and already ends with its "." line.
func (pc *pop3Conn) reply(text string) error {
	return send(pc.c, strings.ReplaceAll(text, "\n", "\r\n")+"\r\n")
}

// command answers one command line; quit says the connection ends.
func (pc *pop3Conn) command(line string) (answer string, quit bool) {
	verb, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	verb, arg = strings.ToUpper(verb), strings.TrimSpace(arg)
	switch verb {
	case "":
		return "-ERR empty line; type a command such as CAPA, or QUIT", false
	case "CAPA":
		return "+OK capability list follows\nUSER\nTOP\nUIDL\nIMPLEMENTATION rawtalk-practice\n.", false
	case "QUIT":
		return pc.quit(), true
	case "USER", "PASS", "APOP", "AUTH":
		if pc.loggedIn {
			return "-ERR already logged in as " + pc.user, false
		}
		return pc.login(verb, arg), false
	case "STAT", "LIST", "RETR", "DELE", "RSET", "TOP", "UIDL", "NOOP":
		if !pc.loggedIn {
			return `-ERR log in first: USER yourname, then PASS practice`, false
		}
		return pc.transaction(verb, arg), false
	}
	return fmt.Sprintf("-ERR unknown command %q; the commands are %s", verb, pop3Commands), false
}

// login handles the AUTHORIZATION state: USER, then PASS.
func (pc *pop3Conn) login(verb, arg string) string {
	switch verb {
	case "APOP", "AUTH":
		return "-ERR " + verb + " is not supported here; log in with USER yourname, then PASS practice"
	case "USER":
		if arg == "" {
			return "-ERR USER needs a name, as in: USER student"
		}
		pc.user = arg
		return "+OK hello " + arg + `; now send PASS practice`
	}
	if pc.user == "" {
		return "-ERR send USER yourname first, then PASS"
	}
	if arg != practicePassword {
		pc.user = ""
		return `-ERR [AUTH] wrong password; here it is "practice": USER again, then PASS practice`
	}
	pc.loggedIn = true
	pc.msgs = pc.s.mail.Messages()
	pc.deleted = make([]bool, len(pc.msgs))
	n, size := pc.stat()
	return fmt.Sprintf("+OK %s's maildrop has %s (%d octets)", pc.user, plural(n, "message"), size)
}

// transaction answers the commands of the TRANSACTION state.
func (pc *pop3Conn) transaction(verb, arg string) string {
	switch verb {
	case "STAT":
		if arg != "" {
			return "-ERR STAT takes no argument"
		}
		n, size := pc.stat()
		return fmt.Sprintf("+OK %d %d", n, size)
	case "NOOP":
		return "+OK"
	case "RSET":
		for i := range pc.deleted {
			pc.deleted[i] = false
		}
		n, size := pc.stat()
		return fmt.Sprintf("+OK maildrop has %s (%d octets); nothing will be deleted", plural(n, "message"), size)
	case "LIST", "UIDL":
		return pc.listing(verb, arg)
	case "RETR", "DELE":
		i, errAnswer := pc.message(verb, arg)
		if errAnswer != "" {
			return errAnswer
		}
		if verb == "DELE" {
			pc.deleted[i] = true
			return fmt.Sprintf("+OK message %d deleted; it goes at QUIT, RSET undoes", i+1)
		}
		text := pc.msgs[i].Text()
		return fmt.Sprintf("+OK %d octets\n", len(text)) + dotStuff(text) + "."
	}
	// TOP msg n
	msgArg, linesArg, _ := strings.Cut(arg, " ")
	lines, err := strconv.Atoi(strings.TrimSpace(linesArg))
	if err != nil || lines < 0 {
		return "-ERR TOP needs a message number and a number of lines, as in: TOP 1 5"
	}
	i, errAnswer := pc.message(verb, msgArg)
	if errAnswer != "" {
		return errAnswer
	}
	return "+OK top of message follows\n" + dotStuff(top(pc.msgs[i].Text(), lines)) + "."
}

// listing answers LIST and UIDL, for one message or for all.
func (pc *pop3Conn) listing(verb, arg string) string {
	item := func(i int) string {
		if verb == "UIDL" {
			return fmt.Sprintf("%d %s", i+1, pop3UID(pc.msgs[i]))
		}
		return fmt.Sprintf("%d %d", i+1, len(pc.msgs[i].Text()))
	}
	if arg != "" {
		i, errAnswer := pc.message(verb, arg)
		if errAnswer != "" {
			return errAnswer
		}
		return "+OK " + item(i)
	}
	var b strings.Builder
	n, size := pc.stat()
	if verb == "UIDL" {
		b.WriteString("+OK unique-id listing follows\n")
	} else {
		fmt.Fprintf(&b, "+OK %s (%d octets)\n", plural(n, "message"), size)
	}
	for i := range pc.msgs {
		if !pc.deleted[i] {
			b.WriteString(item(i) + "\n")
		}
	}
	return b.String() + "."
}

// message reads a message-number argument; it returns its index, or the
// answer that says what is wrong with it.
func (pc *pop3Conn) message(verb, arg string) (int, string) {
	n, err := strconv.Atoi(strings.TrimSpace(arg))
	switch {
	case arg == "":
		return 0, fmt.Sprintf("-ERR %s needs a message number, as in: %s 1", verb, verb)
	case err != nil:
		return 0, fmt.Sprintf("-ERR %q is not a message number; messages are numbered from 1", arg)
	case n < 1 || n > len(pc.msgs):
		return 0, fmt.Sprintf("-ERR no message %d; there are %s (LIST shows them)", n, plural(len(pc.msgs), "message"))
	case pc.deleted[n-1]:
		return 0, fmt.Sprintf("-ERR message %d is deleted; RSET brings it back", n)
	}
	return n - 1, ""
}

// stat counts the messages not marked deleted and their size.
func (pc *pop3Conn) stat() (n, size int) {
	for i, m := range pc.msgs {
		if !pc.deleted[i] {
			n++
			size += len(m.Text())
		}
	}
	return n, size
}

// quit ends the session; in the TRANSACTION state it removes the messages
// marked deleted (the UPDATE state).
func (pc *pop3Conn) quit() string {
	if !pc.loggedIn {
		return "+OK rawtalk practice POP3 server signing off"
	}
	var gone []uint32
	for i, m := range pc.msgs {
		if pc.deleted[i] {
			gone = append(gone, m.UID)
		}
	}
	pc.s.mail.remove(gone)
	n, _ := pc.stat()
	return fmt.Sprintf("+OK rawtalk practice POP3 server signing off (%s deleted, %s left)",
		plural(len(gone), "message"), plural(n, "message"))
}

// pop3UID is a message's UIDL: unique and never reused in the mailbox.
func pop3UID(m Message) string { return fmt.Sprintf("rawtalk-%d", m.UID) }

// dotStuff prepares a message's text for sending in a multi-line answer:
// a line that starts with a dot gets one more (RFC 1939 3), and the text
// ends with CRLF so that the closing "." is a line of its own.
func dotStuff(text string) string {
	if text != "" && !strings.HasSuffix(text, "\r\n") {
		text += "\r\n"
	}
	lines := strings.SplitAfter(text, "\r\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") {
			lines[i] = "." + l
		}
	}
	// reply turns \n into \r\n; keep the text's own CRLFs as they are.
	return strings.ReplaceAll(strings.Join(lines, ""), "\r\n", "\n")
}

// top is the header of text, the empty line, and the first n lines of its
// body (RFC 1939 TOP).
func top(text string, n int) string {
	head, body, found := strings.Cut(text, "\r\n\r\n")
	if !found {
		return text
	}
	lines := strings.SplitAfter(body, "\r\n")
	if n < len(lines) {
		lines = lines[:n]
	}
	return head + "\r\n\r\n" + strings.Join(lines, "")
}
