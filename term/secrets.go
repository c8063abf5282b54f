package term

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
)

// secretFilter decides which typed lines are kept out of the history file
// because they carry a credential. It knows the commands that carry one
// (POP3 and FTP PASS, SMTP, IMAP and Redis AUTH with the SASL lines that
// follow, IMAP LOGIN and its literals, HTTP credentials, IRC OPER and
// NickServ, Redis requirepass, masterauth and ACL passwords), and it uses
// what the session knows: a line answering a server that asked for a
// password, or typed while a telnet server keeps echo off, is a secret.
type secretFilter struct {
	followUps int  // lines still to come in an AUTH exchange (base64 payloads)
	literal   bool // the last secret line announced an IMAP literal: the next line is its text
}

// saslMechanisms are AUTH's mechanisms whose exchange goes on over the next
// lines: how many lines follow without an initial response, and with one.
var saslMechanisms = map[string][2]int{
	"LOGIN": {2, 1}, "PLAIN": {1, 0}, "CRAM-MD5": {1, 1}, "DIGEST-MD5": {2, 2},
	"XOAUTH2": {1, 0}, "OAUTHBEARER": {1, 0}, "NTLM": {2, 2},
	"SCRAM-SHA-1": {2, 2}, "SCRAM-SHA-256": {2, 2},
}

// imapLiteral is an IMAP synchronizing or non-synchronizing literal at the
// end of a line: {12} or {12+}.
var imapLiteral = regexp.MustCompile(`\{[0-9]+\+?\}$`)

// credentialHeaders are HTTP headers whose value is a credential.
var credentialHeaders = []string{"authorization:", "proxy-authorization:", "cookie:"}

// secret reports whether line carries a secret. serverLine is the last
// line the server sent; echoOff says a telnet server has taken echo over
// (and hides what is typed). It also updates the filter's state for the
// lines that follow, so it is called once for every sent line.
func (f *secretFilter) secret(line, serverLine string, echoOff bool) bool {
	byCommand := f.byCommand(line)
	if f.literal || byCommand {
		// A literal's text is secret when the line that announced it was.
		f.literal = imapLiteral.MatchString(strings.TrimSpace(line))
		return true
	}
	return echoOff || asksForPassword(serverLine)
}

// byCommand reports whether the line's own words carry a secret, or it is
// a payload line of an AUTH exchange.
func (f *secretFilter) byCommand(line string) bool {
	words := strings.Fields(line)
	if f.followUps > 0 {
		f.followUps--
		if len(words) <= 1 { // a payload line, not a new command
			return true
		}
		f.followUps = 0
	}
	lower := strings.ToLower(strings.TrimSpace(line))
	for _, h := range credentialHeaders {
		if strings.HasPrefix(lower, h) {
			return true
		}
	}
	upper := make([]string, len(words))
	for i, w := range words {
		upper[i] = strings.ToUpper(w)
	}
	if len(upper) >= 2 {
		switch {
		case upper[0] == "OPER": // IRC: OPER name password
			return true
		case upper[0] == "PRIVMSG" && (upper[1] == "NICKSERV" || strings.HasPrefix(upper[1], "NICKSERV@")):
			return true
		case upper[0] == "NICKSERV" || upper[0] == "NS" && upper[1] == "IDENTIFY":
			return true
		case upper[0] == "ACL" && upper[1] == "SETUSER": // Redis: ACL SETUSER name on >password
			return true
		}
	}
	for i, w := range upper {
		switch w {
		case "PASS", "REQUIREPASS", "MASTERAUTH":
			return true
		case "AUTH", "AUTHENTICATE":
			if i+1 < len(upper) {
				if n, ok := saslMechanisms[upper[i+1]]; ok {
					// AUTH LOGIN and the like: the next lines are the user
					// and password in base64, fewer after an initial response.
					f.followUps = n[min(len(upper)-i-2, 1)]
				}
			}
			return true
		case "LOGIN":
			if i == 1 { // IMAP: tag LOGIN user password
				return true
			}
		}
	}
	return false
}

// passwordWords are what a prompt for a secret says.
var passwordWords = []string{"password", "passphrase", "passcode", "passwort", "pin:"}

// asksForPassword reports whether the server's last line asks for a
// secret: "Password: ", "Enter passphrase for key: ", or SMTP's base64
// "334 UGFzc3dvcmQ6" (Password:).
func asksForPassword(serverLine string) bool {
	text := strings.TrimSpace(serverLine)
	if rest, ok := strings.CutPrefix(text, "334 "); ok {
		if decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest)); err == nil {
			text = strings.TrimSpace(string(decoded))
		}
	}
	if text == "" || !strings.ContainsAny(text[len(text)-1:], ":?>") {
		return false // a prompt ends with its question
	}
	lower := strings.ToLower(text)
	for _, w := range passwordWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// maxLastLine bounds the server's last line kept for asksForPassword.
const maxLastLine = 256

// lastLine follows the server's stream for its last non-blank line.
type lastLine struct {
	cur  []byte // the line being received, not yet ended by LF
	done []byte // the last non-blank line ended by LF
}

func (l *lastLine) add(p []byte) {
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.cur = append(l.cur, p...)
			if over := len(l.cur) - maxLastLine; over > 0 {
				l.cur = append(l.cur[:0], l.cur[over:]...)
			}
			return
		}
		l.cur = append(l.cur, p[:i]...)
		if len(bytes.TrimSpace(l.cur)) > 0 {
			l.done = append(l.done[:0], l.cur[max(0, len(l.cur)-maxLastLine):]...)
		}
		l.cur = l.cur[:0]
		p = p[i+1:]
	}
}

// take is String, once: a prompt is answered by one line, and the lines
// typed after it, before the server speaks again, answer nothing.
func (l *lastLine) take() string {
	line := l.String()
	l.cur, l.done = l.cur[:0], l.done[:0]
	return line
}

// String is the unfinished line if it has text ("Password: "), else the
// last finished one.
func (l *lastLine) String() string {
	if len(bytes.TrimSpace(l.cur)) > 0 {
		return string(l.cur)
	}
	return string(l.done)
}
