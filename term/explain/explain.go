// Package explain says in a few words what a server's reply line means,
// for --explain: HTTP status lines and a few headers, SMTP/LMTP and FTP
// reply codes, POP3 +OK/-ERR, IMAP tagged and untagged responses, and
// Redis replies. The notes come from the tables in tables.go, each entry
// with the RFC (or, for Redis, the RESP spec) that defines it, so that a
// note can be checked and a student can read on.
//
// The notes are rawtalk's own words: no byte of the server's line is
// copied into them except the digits of a number, so a note is always
// safe to print.
package explain

import (
	"strconv"
	"strings"
)

// Note is what one reply line means, and where the protocol says so.
type Note struct {
	Text string // "302 Found: the resource is elsewhere; the Location header says where"
	Ref  string // "RFC 9110 15.4.3"
}

// Protocols lists the protocols Explain knows by name. Any other name,
// or "", makes it guess from the line.
func Protocols() []string {
	return []string{"http", "smtp", "lmtp", "ftp", "pop3", "imap", "redis"}
}

// Explain returns the note for one complete line a server sent (its line
// ending may be left on), or "" when the line says nothing the tables
// know. proto is one of Protocols(); anything else means unknown.
func Explain(proto, line string) string {
	return Lookup(proto, line).Text
}

// Lookup is Explain with the note's reference; the zero Note means none.
func Lookup(proto, line string) Note {
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	switch strings.ToLower(proto) {
	case "http":
		return httpLine(line)
	case "smtp", "lmtp":
		return codeLine(line, smtpCodes, smtpClasses)
	case "ftp":
		return codeLine(line, ftpCodes, ftpClasses)
	case "pop3":
		return pop3Line(line)
	case "imap":
		return imapLine(line)
	case "redis":
		return redisLine(line)
	}
	return guess(line)
}

// guess explains a line of an unknown protocol by its shape: the first
// table whose protocol could have sent it.
func guess(line string) Note {
	switch {
	case strings.HasPrefix(line, "HTTP/"):
		return httpLine(line)
	case len(line) >= 3 && isDigits(line[:3]) && (len(line) == 3 || line[3] == ' '):
		return guessCode(line)
	case strings.HasPrefix(line, "+OK ") || strings.HasPrefix(line, "-ERR "):
		return pop3Line(line)
	case line == ".":
		return pop3Line(line)
	case line != "" && strings.IndexByte("+-:$*_", line[0]) >= 0 && !strings.HasPrefix(line, "* ") && !strings.HasPrefix(line, "+ "):
		return redisLine(line)
	case isHTTPHeaderLine(line):
		return httpLine(line)
	}
	return imapLine(line)
}

// guessCode picks SMTP's or FTP's meaning of a three-digit reply: the
// protocol the greeting names, else the one table that has the code,
// else what the first digit means in both.
func guessCode(line string) Note {
	code, _ := strconv.Atoi(line[:3])
	upper := strings.ToUpper(line)
	smtp, inSMTP := smtpCodes[code]
	ftp, inFTP := ftpCodes[code]
	switch {
	case strings.Contains(upper, "SMTP") || strings.Contains(upper, "LMTP"):
		return codeLine(line, smtpCodes, smtpClasses)
	case strings.Contains(upper, "FTP"):
		return codeLine(line, ftpCodes, ftpClasses)
	case inSMTP && !inFTP:
		return smtp
	case inFTP && !inSMTP:
		return ftp
	}
	return classNote(code, sharedClasses)
}

// codeLine explains the last line of an SMTP or FTP reply, "CODE text";
// the lines of a multi-line reply before it ("250-...") get no note.
func codeLine(line string, codes map[int]Note, classes map[byte]Note) Note {
	if len(line) < 3 || !isDigits(line[:3]) || (len(line) > 3 && line[3] != ' ') {
		return Note{}
	}
	code, _ := strconv.Atoi(line[:3])
	if n, ok := codes[code]; ok {
		return n
	}
	return classNote(code, classes)
}

// classNote is the meaning of a code's first digit, for codes the tables
// do not name: "299: ..." with the class's words.
func classNote(code int, classes map[byte]Note) Note {
	c, ok := classes[byte('0'+code/100)]
	if !ok {
		return Note{}
	}
	return Note{Text: strconv.Itoa(code) + ": " + c.Text, Ref: c.Ref}
}

// httpLine explains a status line or a header line worth a word.
func httpLine(line string) Note {
	if rest, ok := strings.CutPrefix(line, "HTTP/"); ok {
		_, status, _ := strings.Cut(rest, " ")
		if len(status) < 3 || !isDigits(status[:3]) || (len(status) > 3 && status[3] != ' ') {
			return Note{}
		}
		code, _ := strconv.Atoi(status[:3])
		if n, ok := httpStatus[code]; ok {
			return n
		}
		return classNote(code, httpClasses)
	}
	name, value, ok := strings.Cut(line, ":")
	if !ok || !isHTTPHeaderLine(line) {
		return Note{}
	}
	name = strings.ToLower(name)
	value = strings.ToLower(strings.TrimSpace(value))
	if n, ok := httpHeaderValues[name+": "+value]; ok {
		return n
	}
	return httpHeaders[name]
}

// isHTTPHeaderLine tells whether line is "Name: value" with a name the
// header table knows.
func isHTTPHeaderLine(line string) bool {
	name, _, ok := strings.Cut(line, ":")
	_, known := httpHeaders[strings.ToLower(name)]
	return ok && known
}

// pop3Line explains +OK, -ERR (with a response code if one is known) and
// the "." that ends a multi-line answer.
func pop3Line(line string) Note {
	if line == "." {
		return pop3End
	}
	var status Note
	var rest string
	switch {
	case line == "+OK" || strings.HasPrefix(line, "+OK "):
		status, rest = pop3OK, strings.TrimPrefix(line, "+OK")
	case line == "-ERR" || strings.HasPrefix(line, "-ERR "):
		status, rest = pop3Err, strings.TrimPrefix(line, "-ERR")
	default:
		return Note{}
	}
	if n, ok := pop3Codes[responseCode(strings.TrimSpace(rest))]; ok {
		return n
	}
	return status
}

// responseCode is the word in brackets at the start of text, upper case:
// "[SYS/TEMP] busy" gives "SYS/TEMP", "[UIDNEXT 5] ..." gives "UIDNEXT".
func responseCode(text string) string {
	inner, ok := strings.CutPrefix(text, "[")
	if !ok {
		return ""
	}
	end := strings.IndexAny(inner, " ]")
	if end < 0 {
		return ""
	}
	return strings.ToUpper(inner[:end])
}

// imapLine explains a continuation request, an untagged line or a tagged
// status; a known response code says more than the bare status.
func imapLine(line string) Note {
	if line == "+" || strings.HasPrefix(line, "+ ") {
		return imapContinue
	}
	tag, rest, ok := strings.Cut(line, " ")
	if !ok || tag == "" {
		return Note{}
	}
	word, text, _ := strings.Cut(rest, " ")
	word = strings.ToUpper(word)
	if tag != "*" {
		n, ok := imapTagged[word]
		if !ok || !isAtom(tag) {
			return Note{}
		}
		if c, ok := imapCodes[responseCode(text)]; ok {
			return c
		}
		return n
	}
	if isDigits(word) { // "* 3 EXISTS", "* 1 FETCH (...)"
		kind, _, _ := strings.Cut(text, " ")
		return imapNumbered[strings.ToUpper(kind)]
	}
	if _, status := imapUntagged[word]; status && (word == "OK" || word == "NO" || word == "BAD") {
		if c, ok := imapCodes[responseCode(text)]; ok {
			return c
		}
	}
	return imapUntagged[word]
}

// redisLine explains a RESP reply by its first byte: an error and its
// kind, a simple string, an integer, or the head of a bulk string or an
// array.
func redisLine(line string) Note {
	if line == "" {
		return Note{}
	}
	body := line[1:]
	switch line[0] {
	case '-':
		kind, _, _ := strings.Cut(body, " ")
		if n, ok := redisErrors[kind]; ok {
			return n
		}
		if kind != "" && strings.ToUpper(kind) == kind && isAtom(kind) {
			return redisErrorOther
		}
	case '+':
		if n, ok := redisSimple[strings.ToUpper(body)]; ok {
			return n
		}
		return redisSimpleOther
	case ':':
		if isInteger(body) {
			return redisInteger
		}
	case '_':
		if body == "" {
			return redisNull
		}
	case '$', '*':
		if body == "-1" {
			return redisNulls[line[0]]
		}
		if isDigits(body) && len(body) <= 10 {
			what := "a bulk string of " + body + " bytes follows on the next line"
			if line[0] == '*' {
				what = "an array of " + body + " elements follows, each a reply of its own"
			}
			return Note{Text: line[:1] + body + ": " + what, Ref: redisRef}
		}
	}
	return Note{}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isInteger(s string) bool { return isDigits(strings.TrimPrefix(s, "-")) }

// isAtom tells whether s is printable ASCII without spaces: a plausible
// IMAP tag or Redis error kind.
func isAtom(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return s != ""
}
