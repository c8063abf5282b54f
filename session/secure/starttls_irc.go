package secure

import (
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// ircPreamble is the IRCv3 STARTTLS extension: the client sends STARTTLS
// before registering and the server answers the numeric 670 to go ahead,
// 691 if it cannot. The extension is deprecated and few servers (InspIRCd,
// UnrealIRCd, some others) still offer it: most offer TLS on port 6697.
//
// The server may greet first with notices ("*** Looking up your
// hostname"), before or after STARTTLS arrives: they are its greeting,
// shown as they came. A PING before the answer is answered with PONG.
func ircPreamble(d *dialogue, _ PreambleOptions) error {
	if err := d.send("STARTTLS"); err != nil {
		return err
	}
	for {
		before := len(d.greeting)
		d.recording = true
		line, err := d.readLine("the reply to STARTTLS")
		d.recording = false
		if err != nil {
			return err
		}
		command, params := ircCommand(line)
		switch command {
		case "670", "691", "421", "451", "ERROR", "":
			// The answer is not part of the greeting.
			d.greeting = d.greeting[:before]
		}
		switch command {
		case "670": // RPL_STARTTLS
			return nil
		case "691": // ERR_STARTTLS
			return d.fail(nil, "", "%s refused STARTTLS: %s", d.peer, quote.Quote(line))
		case "421", "451": // unknown command; "not registered", for any unknown command
			return d.fail(nil, "the server may offer TLS from the first byte on another port (irc usually uses 6697: --tls HOST 6697)",
				"%s does not know STARTTLS: %s", d.peer, quote.Quote(line))
		case "ERROR":
			return d.fail(nil, "", "%s refused the session: %s", d.peer, quote.Quote(line))
		case "PING":
			if err := d.send("PONG " + params); err != nil {
				return err
			}
		case "":
			return d.fail(nil, d.protoHint(), "not irc: %s answered %s", d.peer, quote.Quote(line))
		}
	}
}

// ircCommand splits an IRC message (RFC 1459 section 2.3.1, with IRCv3
// tags) into its command, in capitals, and its parameters. The command is
// "" when line is not what an IRC server sends: a numeric reply or a
// command from a named source, or PING, ERROR or NOTICE without one.
func ircCommand(line string) (command, params string) {
	rest := line
	if strings.HasPrefix(rest, "@") {
		_, rest, _ = strings.Cut(rest, " ")
	}
	sourced := strings.HasPrefix(rest, ":")
	if sourced {
		_, rest, _ = strings.Cut(rest, " ")
	}
	command, params, _ = strings.Cut(strings.TrimLeft(rest, " "), " ")
	command = strings.ToUpper(command)
	numeric := len(command) == 3 && strings.Trim(command, "0123456789") == ""
	word := command != "" && strings.Trim(command, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
	switch {
	case sourced && (numeric || word):
	case command == "PING", command == "ERROR", command == "NOTICE":
	default:
		return "", ""
	}
	return command, params
}
