package practice

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Limits of the SMTP server. Commands follow RFC 5321's 512 bytes; text
// lines may be longer than its 1000, as most servers allow.
const (
	smtpHost          = "localhost" // the name the server calls itself
	smtpCommandLimit  = 512         // bytes in a command line, CRLF included
	smtpTextLineLimit = 8 << 10     // bytes in a line of a message
	smtpMaxMessage    = 1 << 20     // bytes in a message, advertised as SIZE
	smtpMaxRecipients = 100
	smtpMaxErrors     = 20 // error replies before the server hangs up, as Postfix does
)

// smtpConn is one client of the SMTP server and its mail transaction.
type smtpConn struct {
	s       *Server
	c       net.Conn
	lr      *lineReader
	greeted bool     // HELO or EHLO was accepted
	inMail  bool     // MAIL FROM was accepted: a transaction is open
	from    string   // the transaction's sender
	to      []string // the transaction's recipients
	errors  int      // error replies so far
	readErr error    // a read failed inside a command (DATA): hang up
}

// serveSMTP greets the client and answers its commands until QUIT, EOF, an
// idle timeout or too many errors.
func (s *Server) serveSMTP(conn net.Conn) {
	sc := &smtpConn{s: s, c: conn, lr: newLineReader(conn, smtpTextLineLimit)}
	s.idleDeadline(conn)
	if sc.reply("220 %s ESMTP rawtalk practice server; mail stays in memory", smtpHost) != nil {
		conn.Close()
		return
	}
	for {
		s.idleDeadline(conn)
		line, err := sc.lr.readLine()
		tooLong := false
		if errors.Is(err, errLineTooLong) {
			tooLong, err = true, sc.lr.skipLine()
		}
		var answer string
		switch {
		case err != nil:
			sc.hangUp(err)
			return
		case tooLong || len(line)+2 > smtpCommandLimit:
			answer = "500 5.5.2 Error: line too long"
		default:
			var quit bool
			answer, quit = sc.command(line)
			if sc.readErr != nil {
				sc.hangUp(sc.readErr)
				return
			}
			if quit {
				sc.reply("%s", answer)
				lingerClose(conn)
				return
			}
		}
		if answer[0] == '4' || answer[0] == '5' {
			sc.errors++
		}
		if err := sc.reply("%s", answer); err != nil {
			conn.Close()
			return
		}
		if sc.errors >= smtpMaxErrors {
			sc.reply("421 4.7.0 %s Error: too many errors", smtpHost)
			lingerClose(conn)
			return
		}
	}
}

// hangUp ends the connection after a failed read: a timeout is told
// (421), EOF or a broken connection has nobody left to tell.
func (sc *smtpConn) hangUp(err error) {
	if isTimeout(err) {
		sc.reply("421 4.4.2 %s Error: timeout exceeded", smtpHost)
		lingerClose(sc.c)
		return
	}
	sc.c.Close()
}

// reply sends one reply; a multi-line reply is given with \n between lines.
func (sc *smtpConn) reply(format string, args ...any) error {
	text := strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", "\r\n")
	return send(sc.c, text+"\r\n")
}

// command answers one command line; quit says the client said QUIT.
func (sc *smtpConn) command(line string) (answer string, quit bool) {
	verb, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	arg = strings.TrimSpace(arg)
	switch strings.ToUpper(verb) {
	case "":
		return "500 5.5.2 Error: bad syntax", false
	case "HELO":
		if arg == "" {
			return "501 5.5.4 Syntax: HELO hostname", false
		}
		sc.greeted = true
		sc.reset()
		return "250 " + smtpHost, false
	case "EHLO":
		if arg == "" {
			return "501 5.5.4 Syntax: EHLO hostname", false
		}
		sc.greeted = true
		sc.reset()
		return fmt.Sprintf("250-%s Hello %s\n250-SIZE %d\n250-8BITMIME\n250-ENHANCEDSTATUSCODES\n250 HELP",
			smtpHost, arg, smtpMaxMessage), false
	case "MAIL":
		return sc.mail(arg), false
	case "RCPT":
		return sc.rcpt(arg), false
	case "DATA":
		return sc.data(arg), false
	case "RSET":
		if arg != "" {
			return "501 5.5.4 Syntax: RSET", false
		}
		sc.reset()
		return "250 2.0.0 Ok", false
	case "NOOP":
		return "250 2.0.0 Ok", false
	case "HELP":
		return smtpHelp, false
	case "VRFY":
		if arg == "" {
			return "501 5.5.4 Syntax: VRFY address", false
		}
		return "252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery", false
	case "QUIT":
		return "221 2.0.0 Bye", true
	case "EXPN", "STARTTLS", "AUTH", "BDAT", "ETRN", "TURN", "SEND", "SOML", "SAML":
		return "502 5.5.1 Error: command not implemented", false
	}
	return "500 5.5.2 Error: command not recognized", false
}

// reset ends the mail transaction, keeping the greeting (RSET, HELO, EHLO).
func (sc *smtpConn) reset() {
	sc.inMail, sc.from, sc.to = false, "", nil
}

func (sc *smtpConn) mail(arg string) string {
	switch {
	case !sc.greeted:
		return "503 5.5.1 Error: send HELO/EHLO first"
	case sc.inMail:
		return "503 5.5.1 Error: nested MAIL command"
	}
	addr, params, ok := parsePath(arg, "FROM:")
	if !ok {
		return "501 5.5.4 Syntax: MAIL FROM:<address>"
	}
	if !validAddress(addr, true) {
		return "501 5.1.7 Bad sender address syntax"
	}
	for _, p := range params {
		key, value, _ := strings.Cut(p, "=")
		switch strings.ToUpper(key) {
		case "SIZE":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || n < 0 {
				return "501 5.5.4 Bad SIZE parameter"
			}
			if n > smtpMaxMessage {
				return "552 5.3.4 Message size exceeds fixed limit"
			}
		case "BODY":
			if v := strings.ToUpper(value); v != "7BIT" && v != "8BITMIME" {
				return "501 5.5.4 Bad BODY parameter"
			}
		default:
			return "555 5.5.4 Unsupported option: " + p
		}
	}
	sc.inMail, sc.from = true, addr
	return "250 2.1.0 Ok"
}

func (sc *smtpConn) rcpt(arg string) string {
	if !sc.inMail {
		return "503 5.5.1 Error: need MAIL command"
	}
	addr, params, ok := parsePath(arg, "TO:")
	switch {
	case !ok:
		return "501 5.5.4 Syntax: RCPT TO:<address>"
	case !validAddress(addr, false):
		return "501 5.1.3 Bad recipient address syntax"
	case len(params) > 0:
		return "555 5.5.4 Unsupported option: " + params[0]
	case len(sc.to) == smtpMaxRecipients:
		return "452 4.5.3 Error: too many recipients"
	}
	sc.to = append(sc.to, addr)
	return "250 2.1.5 Ok"
}

// data takes a message: 354, then lines up to a lone ".", each line's
// leading dot removed (dot-unstuffing, RFC 5321 4.5.2).
func (sc *smtpConn) data(arg string) string {
	switch {
	case arg != "":
		return "501 5.5.4 Syntax: DATA"
	case !sc.inMail:
		return "503 5.5.1 Error: need MAIL command"
	case len(sc.to) == 0:
		return "503 5.5.1 Error: need RCPT command"
	}
	if err := sc.reply("354 End data with <CR><LF>.<CR><LF>"); err != nil {
		sc.readErr = err
		return ""
	}
	var text strings.Builder
	tooBig, tooLong := false, false
readText:
	for {
		sc.s.idleDeadline(sc.c)
		line, err := sc.lr.readLine()
		switch {
		case errors.Is(err, errLineTooLong):
			tooLong = true
			if err := sc.lr.skipLine(); err != nil {
				sc.readErr = err
				return ""
			}
			continue readText
		case err != nil:
			sc.readErr = err
			return ""
		case line == ".":
			break readText
		}
		line = strings.TrimPrefix(line, ".")
		if text.Len()+len(line)+2 > smtpMaxMessage {
			tooBig = true
			continue readText
		}
		text.WriteString(line)
		text.WriteString("\r\n")
	}
	msg := Message{From: sc.from, To: sc.to, Data: text.String()}
	sc.reset()
	switch {
	case tooBig:
		return "552 5.3.4 Message size exceeds fixed limit"
	case tooLong:
		return fmt.Sprintf("500 5.5.2 Error: a line of the message is longer than %d bytes", smtpTextLineLimit)
	}
	return "250 2.0.0 Ok: queued as " + sc.s.mail.add(msg)
}

// parsePath reads "FROM:<addr> PARAMS" (or "TO:..."), leniently: the
// keyword in any case, spaces after the colon, and an address without
// angle brackets are accepted, as Postfix does.
func parsePath(arg, keyword string) (addr string, params []string, ok bool) {
	if len(arg) < len(keyword) || !strings.EqualFold(arg[:len(keyword)], keyword) {
		return "", nil, false
	}
	rest := strings.TrimSpace(arg[len(keyword):])
	if strings.HasPrefix(rest, "<") {
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return "", nil, false
		}
		return rest[1:end], strings.Fields(rest[end+1:]), true
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return "", nil, false
	}
	return fields[0], fields[1:], true
}

// validAddress accepts any address without brackets or spaces; the empty
// address <> only as a sender (for bounces).
func validAddress(addr string, sender bool) bool {
	if addr == "" {
		return sender
	}
	return !strings.ContainsAny(addr, "<> \t")
}

// smtpHelp is the answer to HELP: the commands, in the order of a mail.
const smtpHelp = `214-2.0.0 This is rawtalk's practice SMTP server: it keeps mail in memory
214-2.0.0 and delivers nothing. A mail, command by command:
214-2.0.0   EHLO me                        say hello (or HELO me)
214-2.0.0   MAIL FROM:<me@example.com>     the sender
214-2.0.0   RCPT TO:<you@example.com>      a recipient (repeat for more)
214-2.0.0   DATA                           then the text: headers such as
214-2.0.0                                  Subject: hi, an empty line, the
214-2.0.0                                  body, and a line with only a dot
214-2.0.0   QUIT                           say goodbye
214-2.0.0 Also: RSET (forget this mail), NOOP, VRFY address, HELP.
214 2.0.0 End of HELP info`
