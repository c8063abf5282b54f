package practice

import (
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// Limits of the IMAP server (RFC 3501).
const (
	imapLineLimit    = 8 << 10 // bytes in a command line
	imapLiteralLimit = 8 << 10 // bytes in a {N} literal in a command
	imapMaxErrors    = 20      // BAD answers before the server hangs up
)

// imapCommands are the commands the IMAP server knows, for "unknown
// command" answers.
const imapCommands = "CAPABILITY, LOGIN, LIST, SELECT, EXAMINE, FETCH, STORE, SEARCH, UID, EXPUNGE, CLOSE, NOOP, LOGOUT"

// isIMAPCommand tells whether verb names a command this server knows.
func isIMAPCommand(verb string) bool {
	for known := range strings.SplitSeq(imapCommands, ", ") {
		if verb == known {
			return true
		}
	}
	return false
}

// imapCapability is what CAPABILITY says: IMAP4rev1 and nothing more, so
// clients log in with LOGIN.
const imapCapability = "IMAP4rev1"

// imapConn is one client of the IMAP server.
type imapConn struct {
	s        *Server
	c        net.Conn
	lr       *lineReader
	user     string    // set by LOGIN: the authenticated state
	selected bool      // SELECT or EXAMINE succeeded: the selected state
	readOnly bool      // the mailbox was opened with EXAMINE
	msgs     []Message // the selected mailbox, by sequence number
	lastUID  uint32    // the highest UID the client has been told about
	out      strings.Builder
	bads     int
}

// Literals this server refuses: over imapLiteralLimit, or with a line
// break or NUL, which its answers could not quote back safely.
var (
	errLiteralTooBig   = errors.New("literal too big")
	errLiteralBadBytes = errors.New("literal with a line break")
)

// literalAtEnd finds a {N} or {N+} literal announced at the end of a line.
var literalAtEnd = regexp.MustCompile(`\{([0-9]{1,9})(\+?)\}$`)

// serveIMAP greets the client and answers its commands until LOGOUT,
// EOF, an idle timeout or too many errors.
func (s *Server) serveIMAP(conn net.Conn) {
	ic := &imapConn{s: s, c: conn, lr: newLineReader(conn, imapLineLimit)}
	s.idleDeadline(conn)
	ic.untagged(`OK [CAPABILITY %s] rawtalk practice IMAP server ready; any user name, password "practice"`, imapCapability)
	if ic.flush() != nil {
		conn.Close()
		return
	}
	for {
		line, err := ic.readCommand()
		switch {
		case errors.Is(err, errLineTooLong):
			if ic.lr.skipLine() != nil {
				conn.Close()
				return
			}
			ic.untagged("BAD line too long; a command is at most %d bytes", imapLineLimit)
			ic.bads++
		case isTimeout(err):
			ic.untagged("BYE autologout; idle for too long")
			ic.flush()
			lingerClose(conn)
			return
		case err != nil && !errors.Is(err, errLiteralTooBig) && !errors.Is(err, errLiteralBadBytes):
			conn.Close()
			return
		default:
			if ic.command(line, err) {
				ic.flush()
				lingerClose(conn)
				return
			}
		}
		if ic.bads >= imapMaxErrors {
			ic.untagged("BYE too many errors; goodbye")
			ic.flush()
			lingerClose(conn)
			return
		}
		if ic.flush() != nil {
			conn.Close()
			return
		}
	}
}

// readCommand reads one command line. A line that ends with a literal
// announcement {N} gets the "+" go-ahead (not for {N+}, LITERAL+ style),
// then N bytes, then the rest of the command; the literal is put back into
// the line as a quoted string, so the parser sees one line.
func (ic *imapConn) readCommand() (string, error) {
	ic.s.idleDeadline(ic.c)
	line, err := ic.lr.readLine()
	if err != nil {
		return "", err
	}
	for {
		m := literalAtEnd.FindStringSubmatchIndex(line)
		if m == nil {
			return line, nil
		}
		n, _ := strconv.Atoi(line[m[2]:m[3]])
		if n > imapLiteralLimit || len(line) > imapLineLimit {
			return line, errLiteralTooBig
		}
		if m[4] == m[5] { // {N}: the client waits for the go-ahead
			if err := send(ic.c, "+ go ahead\r\n"); err != nil {
				return "", err
			}
		}
		literal := make([]byte, n)
		ic.s.idleDeadline(ic.c)
		if _, err := io.ReadFull(ic.lr.r, literal); err != nil {
			return "", err
		}
		rest, err := ic.lr.readLine()
		if err != nil {
			return "", err
		}
		if strings.ContainsAny(string(literal), "\r\n\x00") {
			return line[:m[0]] + rest, errLiteralBadBytes
		}
		line = line[:m[0]] + quoteIMAP(string(literal)) + rest
	}
}

// untagged adds a "* ..." line to the answer being built.
func (ic *imapConn) untagged(format string, args ...any) {
	fmt.Fprintf(&ic.out, "* "+format+"\r\n", args...)
}

// flush sends the answer built so far.
func (ic *imapConn) flush() error {
	text := ic.out.String()
	ic.out.Reset()
	if text == "" {
		return nil
	}
	return send(ic.c, text)
}

// command answers one command line, untagged lines first and the tagged
// status last; it reports whether the client logged out.
func (ic *imapConn) command(line string, readErr error) (logout bool) {
	tag, rest, _ := strings.Cut(line, " ")
	verb, argText, _ := strings.Cut(strings.TrimSpace(rest), " ")
	verb = strings.ToUpper(verb)
	switch {
	case strings.TrimSpace(line) == "":
		ic.bads++
		ic.untagged("BAD empty line; a command is a tag, a command and its arguments, as in: a1 LOGIN student practice")
		return false
	case !validTag(tag):
		ic.bads++
		ic.untagged("BAD a command starts with a tag of your choice, as in: a1 CAPABILITY")
		return false
	case isIMAPCommand(strings.ToUpper(tag)) && !isIMAPCommand(verb):
		// "SELECT INBOX": the student left out the tag.
		ic.bads++
		ic.untagged("BAD a command starts with a tag of your choice, as in: a1 %s", strings.ToUpper(tag)+strings.TrimPrefix(line, tag))
		return false
	}
	status := "OK"
	var text string
	switch {
	case errors.Is(readErr, errLiteralBadBytes):
		status, text = "BAD", "a literal here cannot hold a line break or NUL: it is a name or a password"
	case readErr != nil:
		status, text = "BAD", fmt.Sprintf("literal too big; this server takes at most %d bytes", imapLiteralLimit)
	case verb == "":
		status, text = "BAD", "a command is missing after the tag, as in: "+tag+" CAPABILITY"
	default:
		args, err := imapArgs(argText)
		if err != nil {
			status, text = "BAD", err.Error()
			break
		}
		status, text, logout = ic.dispatch(tag, verb, args)
	}
	if status == "BAD" {
		ic.bads++
	}
	fmt.Fprintf(&ic.out, "%s %s %s\r\n", tag, status, text)
	return logout
}

// dispatch runs a command that has a tag and a name, checking the state
// it needs first; it returns the tagged status and its text.
func (ic *imapConn) dispatch(tag, verb string, args []string) (status, text string, logout bool) {
	switch verb {
	case "CAPABILITY":
		ic.untagged("CAPABILITY %s", imapCapability)
		return "OK", "CAPABILITY completed", false
	case "NOOP", "CHECK":
		ic.announceNewMail()
		return "OK", verb + " completed", false
	case "LOGOUT":
		ic.untagged("BYE rawtalk practice IMAP server logging out")
		return "OK", "LOGOUT completed", true
	case "LOGIN":
		status, text = ic.login(tag, args)
		return status, text, false
	case "AUTHENTICATE", "STARTTLS":
		return "NO", verb + " is not supported by this practice server; log in with: " + tag + " LOGIN yourname practice", false
	case "SELECT", "EXAMINE", "LIST", "LSUB", "STATUS", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "APPEND",
		"FETCH", "STORE", "SEARCH", "UID", "EXPUNGE", "CLOSE", "COPY":
	default:
		return "BAD", fmt.Sprintf("unknown command %q; the commands are %s", verb, imapCommands), false
	}
	if ic.user == "" {
		return "BAD", "log in first: " + tag + " LOGIN yourname practice", false
	}
	switch verb {
	case "SELECT", "EXAMINE":
		status, text = ic.selectMailbox(verb, args)
		return status, text, false
	case "LIST", "LSUB":
		status, text = ic.list(verb, args)
		return status, text, false
	case "STATUS", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "APPEND", "COPY":
		return "NO", verb + " is not supported by this practice server: it has one mailbox, INBOX, and " + imapCommands, false
	}
	if !ic.selected {
		return "BAD", "no mailbox selected; " + tag + " SELECT INBOX first", false
	}
	byUID := false
	if verb == "UID" {
		if len(args) == 0 {
			return "BAD", "UID needs a command: UID FETCH, UID STORE or UID SEARCH", false
		}
		verb, args, byUID = strings.ToUpper(args[0]), args[1:], true
		if verb != "FETCH" && verb != "STORE" && verb != "SEARCH" {
			return "BAD", fmt.Sprintf("UID %s is not a command; UID works with FETCH, STORE and SEARCH", verb), false
		}
	}
	name := verb
	if byUID {
		name = "UID " + verb
	}
	switch verb {
	case "FETCH":
		status, text = ic.fetch(name, args, byUID)
	case "STORE":
		status, text = ic.store(name, args, byUID)
	case "SEARCH":
		status, text = ic.search(name, args, byUID)
	case "EXPUNGE", "CLOSE":
		if ic.readOnly {
			if verb == "CLOSE" {
				ic.selected, ic.msgs = false, nil
				return "OK", "CLOSE completed; nothing was removed (EXAMINE is read-only)", false
			}
			return "NO", "the mailbox is read-only (opened with EXAMINE); SELECT INBOX to change it", false
		}
		n := ic.expunge(verb == "EXPUNGE")
		if verb == "CLOSE" {
			ic.selected, ic.msgs = false, nil
		}
		status, text = "OK", fmt.Sprintf("%s completed; %s removed", verb, plural(n, "message"))
	case "COPY":
		status, text = "NO", "COPY is not supported by this practice server: it has one mailbox, INBOX"
	}
	if verb != "FETCH" && verb != "STORE" && verb != "SEARCH" {
		return status, text, false
	}
	ic.announceNewMail()
	return status, text, false
}

// login is LOGIN name password: any name, the practice password.
func (ic *imapConn) login(tag string, args []string) (string, string) {
	switch {
	case ic.user != "":
		return "BAD", "already logged in as " + ic.user
	case len(args) != 2:
		return "BAD", "LOGIN needs a user name and a password, as in: " + tag + " LOGIN student practice"
	case args[1] != practicePassword:
		return "NO", `[AUTHENTICATIONFAILED] wrong password; here it is "practice"`
	}
	ic.user = args[0]
	return "OK", fmt.Sprintf("[CAPABILITY %s] logged in as %s; next: %s SELECT INBOX", imapCapability, args[0], tag)
}

// selectMailbox opens INBOX, read-write (SELECT) or read-only (EXAMINE),
// with the untagged lines a client needs to know it (RFC 3501 6.3.1).
func (ic *imapConn) selectMailbox(verb string, args []string) (string, string) {
	ic.selected, ic.msgs = false, nil // a failed SELECT leaves no mailbox selected
	if len(args) != 1 {
		return "BAD", verb + " needs a mailbox name, as in: " + verb + " INBOX"
	}
	if !strings.EqualFold(args[0], "INBOX") {
		return "NO", fmt.Sprintf("[NONEXISTENT] no mailbox %s; the only mailbox here is INBOX", quoteIMAP(args[0]))
	}
	ic.selected, ic.readOnly = true, verb == "EXAMINE"
	ic.msgs = ic.s.mail.Messages()
	ic.lastUID = 0
	if n := len(ic.msgs); n > 0 {
		ic.lastUID = ic.msgs[n-1].UID
	}
	ic.untagged("FLAGS %s", allFlags)
	if ic.readOnly {
		ic.untagged("OK [PERMANENTFLAGS ()] read-only mailbox; flags cannot be changed")
	} else {
		ic.untagged("OK [PERMANENTFLAGS %s] flags you can change", allFlags)
	}
	ic.untagged("%d EXISTS", len(ic.msgs))
	ic.untagged("0 RECENT")
	for i, m := range ic.msgs {
		if ic.s.mail.flagsOf(m.UID)&flagSeen == 0 {
			ic.untagged("OK [UNSEEN %d] message %d is the first not yet seen", i+1, i+1)
			break
		}
	}
	ic.untagged("OK [UIDVALIDITY 1] UIDs valid")
	ic.untagged("OK [UIDNEXT %d] the next UID", max(ic.s.mail.uidNext(), ic.lastUID+1))
	if ic.readOnly {
		return "OK", "[READ-ONLY] EXAMINE completed; now try FETCH 1 BODY[] (read-only: nothing changes)"
	}
	return "OK", "[READ-WRITE] SELECT completed; now try FETCH 1 BODY[]"
}

// list answers LIST reference pattern: the one mailbox, INBOX.
func (ic *imapConn) list(verb string, args []string) (string, string) {
	if len(args) != 2 {
		return "BAD", verb + ` needs a reference and a pattern, as in: ` + verb + ` "" *`
	}
	switch pattern := args[0] + args[1]; {
	case args[1] == "":
		ic.untagged(`%s (\Noselect) "/" ""`, verb)
	case matchMailboxName(pattern, "INBOX"):
		ic.untagged(`%s (\HasNoChildren) "/" INBOX`, verb)
	}
	return "OK", verb + " completed"
}
