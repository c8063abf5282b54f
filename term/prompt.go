package term

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/secure"
)

// escapePrompt is telnet's "telnet> ", under rawtalk's name.
const escapePrompt = "rawtalk> "

// escape runs the escape prompt after Ctrl-]. Server text waits while it is
// up. It returns done when the session is over.
func (s *Session) escape() (done bool, err error) {
	s.scr.hold()
	s.promptUp.Store(true)
	defer func() {
		s.promptUp.Store(false)
		if !done {
			s.handBackKeys() // route.go
			s.ed.SetPrompt(s.scr.prompt())
			s.scr.release()
		}
	}()
	for first := true; ; first = false {
		if !first {
			s.keysToPrompt() // another line for the prompt
		}
		s.ed.SetPrompt(escapePrompt)
		line, rerr := s.ed.Readline()
		why := s.why.Swap(whyNone)
		s.markKey(escapePrompt, line, why)
		switch why {
		case whyEnd:
			s.scr.release()
			return true, s.endError()
		case whyCtrlC, whyEscape:
			return false, nil
		}
		if errors.Is(rerr, io.EOF) || strings.TrimSpace(line) == "" {
			return false, nil
		}
		name, arg, perr := parseCommand(line)
		if perr != nil {
			s.notef("%v", perr)
			continue
		}
		if name != "help" && name != "mode" {
			// Keys typed from now on go where the session is, even
			// while the command runs.
			s.handBackKeys()
		}
		switch name {
		case "help":
			fmt.Fprint(s.term.Out, helpText())
			continue
		case "quit", "close":
			s.endWith(endQuit)
			s.notef("Connection closed.")
			return true, nil
		case "reconnect":
			if done, err := s.reconnect(); done {
				return true, err
			}
			continue
		case "status":
			for _, l := range s.statusLines() {
				s.notef("%s", l)
			}
		case "send":
			if s.opt.Telnet != nil && s.opt.Telnet.IsCommand(arg) {
				if err := s.opt.Telnet.Send(strings.ToLower(arg)); err != nil {
					s.notef("rawtalk: not sent: %v", err)
				}
				break
			}
			if arg == "" {
				s.notef("?Need text to send: send TEXT (escapes: \\r \\n \\t \\e \\0 \\xNN \\\\)")
				continue
			}
			p, err := parseSendText(arg)
			if err != nil {
				s.notef("?%v", err)
				continue
			}
			if err := s.snd.send(p); err != nil {
				s.notef("rawtalk: not sent: %v", err)
			}
		case "eol":
			eol, err := parseEOL(arg)
			if err != nil {
				s.notef("?%v", err)
				continue
			}
			s.eol = eol
			s.notef("Enter now sends %s after a line.", EOLName(eol))
		case "mode":
			switch strings.ToLower(arg) {
			case "line", "l":
				s.setCharMode(false)
				s.notef("Line mode: edit a line, Enter sends it.")
			case "character", "char", "c":
				s.setCharMode(true)
				s.notef("Character mode: each key is sent as you type it; Ctrl-] still escapes.")
			default:
				s.notef("?Mode must be line or character")
				continue
			}
		case "eof":
			s.sendEOF()
		case "starttls":
			s.startTLS(arg)
		case "certs":
			if s.opt.Certs == nil {
				s.notef("?No certificates: the connection is not TLS")
				break
			}
			for _, l := range s.opt.Certs() {
				s.notef("%s", l)
			}
		case "log":
			s.logCommand(arg) // learn.go
		case "hex":
			s.hexCommand(arg)
		case "explain":
			s.explainCommand(arg) // explain_view.go
		}
		return false, nil
	}
}

// statusLines describe the session for the status command.
func (s *Session) statusLines() []string {
	mode := "line"
	if s.mode {
		mode = "character"
	}
	display := "safe (control bytes shown as text)"
	if s.opt.RawOutput {
		display = "raw"
	}
	lines := []string{
		fmt.Sprintf("Connected to %s (%s) from %s", s.opt.Peer, dial.AddrWords(s.conn.RemoteAddr()), dial.AddrWords(s.conn.LocalAddr())),
		fmt.Sprintf("Connected for %.1f s; %d bytes sent, %d bytes received", time.Since(s.start).Seconds(), s.snd.sent.Load(), s.received.Load()),
		fmt.Sprintf("Line ending: %s; mode: %s; display: %s", EOLName(s.eol), mode, display),
		fmt.Sprintf("Window: %d columns", s.editorWidth.Load()),
	}
	if n := s.snd.backlog(); n > 0 {
		lines = append(lines, fmt.Sprintf("Waiting to be sent: %d bytes (the server is not reading)", n))
	}
	if s.opt.Status != nil {
		lines = append(lines, s.opt.Status()...)
	}
	lines = append(lines, s.learnStatus()...)
	if s.opt.Telnet != nil {
		opts := s.opt.Telnet.Options()
		if len(opts) == 0 {
			opts = []string{"none"}
		}
		lines = append(lines, "Telnet options in effect: "+strings.Join(opts, ", "))
	}
	return lines
}

// startTLS upgrades the live connection after the user has typed the
// protocol's own STARTTLS command and seen the server's go-ahead.
func (s *Session) startTLS(serverName string) {
	if s.opt.StartTLS == nil {
		s.notef("?starttls is not available on this connection: it is already TLS, UDP, or accepted by -l")
		return
	}
	lines, err := s.opt.StartTLS(serverName)
	if err != nil {
		for _, l := range lines {
			s.notef("rawtalk: tls: %s", l)
		}
		s.notef("rawtalk: %v", err)
		var tlsErr *secure.TLSError
		if errors.As(err, &tlsErr) && tlsErr.Hint != "" {
			s.notef("rawtalk: hint: %s", tlsErr.Hint)
		}
		return
	}
	for _, l := range lines {
		s.notef("rawtalk: tls: %s", l)
	}
}
