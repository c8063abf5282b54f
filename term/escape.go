package term

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// escapeCommand is one command of the rawtalk> prompt (telnet's telnet>).
type escapeCommand struct {
	name string
	args string // argument synopsis for help
	help string // one line
}

// escapeCommands is the escape prompt's command table, in help order.
var escapeCommands = []escapeCommand{
	{"quit", "", "close the connection and exit"},
	{"close", "", "the same as quit"},
	{"status", "", "peer, addresses, time, bytes, line ending, mode"},
	{"send", "TEXT", `send bytes as typed: \r \n \t \e \0 \xNN \\`},
	{"send", "ayt|brk|ip|...", "telnet mode: send a telnet command (see status)"},
	{"eol", "crlf|lf|cr|none", "what Enter sends after a line"},
	{"mode", "line|character", "edit lines, or send each key as typed"},
	{"eof", "", "half-close: you are done sending, keep reading"},
	{"starttls", "[NAME]", "after the protocol's STARTTLS and its go-ahead: switch to TLS"},
	{"certs", "", "the certificates the server sent, and whether they were verified"},
	{"reconnect", "", "close this connection and connect to the same place again"},
	{"log", "FILE|off", "write a transcript of the session to FILE (appended), or stop"},
	{"hex", "[on|off]", "show what is sent and received as a hex dump, or text again"},
	{"explain", "[on|off]", "a note under each reply line saying what it means"},
	{"help", "", "list these commands (also ?)"},
}

var (
	errInvalidCommand   = errors.New("?Invalid command")
	errAmbiguousCommand = errors.New("?Ambiguous command")
)

// parseCommand reads a line typed at the escape prompt: a command name or
// any unambiguous prefix of one, then its argument.
func parseCommand(line string) (name, arg string, err error) {
	line = strings.TrimSpace(line)
	word, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimLeft(arg, " \t")
	if word == "?" {
		return "help", arg, nil
	}
	word = strings.ToLower(word)
	if word == "st" { // telnet's abbreviation, though starttls shares it
		return "status", arg, nil
	}
	if word == "c" { // telnet's, though certs shares it
		return "close", arg, nil
	}
	if word == "h" { // as before hex shared it
		return "help", arg, nil
	}
	var found []string
	for _, c := range escapeCommands {
		if c.name == word {
			return c.name, arg, nil
		}
		if word != "" && strings.HasPrefix(c.name, word) {
			found = append(found, c.name)
		}
	}
	switch len(found) {
	case 0:
		return "", "", errInvalidCommand
	case 1:
		return found[0], arg, nil
	}
	return "", "", errAmbiguousCommand
}

// helpText lists the escape prompt's commands, one a line.
func helpText() string {
	var b strings.Builder
	for _, c := range escapeCommands {
		name := c.name
		if c.args != "" {
			name += " " + c.args
		}
		fmt.Fprintf(&b, "%-21s %s\r\n", name, c.help)
	}
	b.WriteString("(an empty line goes back to the session; commands may be abbreviated)\r\n")
	return b.String()
}

// lineEndings are the line endings --eol and the escape prompt's eol
// take, by name, in the order messages list them.
var lineEndings = []struct{ name, bytes string }{
	{"crlf", "\r\n"}, {"lf", "\n"}, {"cr", "\r"}, {"none", ""},
}

// EOLNames are the names --eol takes, for its shell completion.
func EOLNames() []string {
	names := make([]string, len(lineEndings))
	for i, e := range lineEndings {
		names[i] = e.name
	}
	return names
}

// parseEOL reads a line-ending name.
func parseEOL(name string) ([]byte, error) {
	for _, e := range lineEndings {
		if strings.EqualFold(name, e.name) {
			return []byte(e.bytes), nil
		}
	}
	return nil, fmt.Errorf("unknown line ending %q: use crlf, lf, cr or none", name)
}

// EOLName names a line ending for status and messages.
func EOLName(eol []byte) string {
	switch string(eol) {
	case "\r\n":
		return "crlf"
	case "\n":
		return "lf"
	case "\r":
		return "cr"
	case "":
		return "none"
	}
	return fmt.Sprintf("%q", eol)
}

// ParseEOL is parseEOL for the command line's --eol.
func ParseEOL(name string) ([]byte, error) { return parseEOL(name) }

// parseSendText turns send's argument into bytes.
func parseSendText(s string) ([]byte, error) { return quote.Unescape(s) }
