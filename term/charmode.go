package term

import "bytes"

// What the escape prompt's mode command asked for.
const (
	modeSame = iota
	modeLine
	modeChar
)

// setCharMode puts the session in character or line mode.
func (s *Session) setCharMode(on bool) {
	s.mode = on
	s.routeKeysTo(on)
}

// routeKeysTo sends keys to the editor (false) or straight to the server
// (true); the escape prompt borrows the editor without changing the mode.
func (s *Session) routeKeysTo(char bool) {
	s.mu.Lock()
	s.charMode = char
	s.mu.Unlock()
	s.scr.setCharMode(char)
}

// charLoop is character mode: every key goes to the server as typed, Enter
// as the line ending, and Ctrl-] opens the escape prompt. It returns done
// when the session is over, and not done when the session goes back to
// line mode (the user's mode command, or the server's negotiation).
func (s *Session) charLoop() (done bool, err error) {
	s.scr.setCharMode(true)
	for {
		select {
		case <-s.ended:
			return true, s.endError()
		case <-s.modeChange:
			if !s.wantCharMode() {
				s.setCharMode(false)
				return false, nil
			}
		case p := <-s.charKeys:
			before, after, escaped := bytes.Cut(p, []byte{ctrlBracket})
			s.sendKeys(before)
			if !escaped {
				continue
			}
			// Keys typed after Ctrl-] belong to the escape prompt.
			s.routeKeysTo(false)
			s.scr.leaveRow("^]")
			s.toEditor(after)
			s.modeRequest = modeSame
			if done, err := s.escape(); done {
				return true, err
			}
			if s.modeRequest == modeLine {
				return false, nil
			}
			s.routeKeysTo(true)
		}
	}
}

// sendKeys sends keys typed in character mode, Enter as the line ending.
// Under telnet, Ctrl-C goes as telnet's Interrupt Process, as telnet sends
// it.
func (s *Session) sendKeys(p []byte) {
	for len(p) > 0 {
		chunk := p
		ip := -1
		if s.opt.Telnet != nil {
			ip = bytes.IndexByte(p, 0x03)
		}
		if ip >= 0 {
			chunk = p[:ip]
		}
		s.sendTyped(chunk)
		if ip < 0 {
			return
		}
		if s.localEcho.Load() {
			s.scr.echo([]byte{0x03})
		}
		if err := s.opt.Telnet.Send("ip"); err != nil {
			s.scr.leaveRow("")
			s.notef("rawtalk: not sent: %v", err)
		}
		p = p[ip+1:]
	}
}

func (s *Session) sendTyped(p []byte) {
	if len(p) == 0 {
		return
	}
	out := p
	if len(s.eol) > 0 && !bytes.Equal(s.eol, []byte{'\r'}) && bytes.IndexByte(p, '\r') >= 0 {
		out = bytes.ReplaceAll(p, []byte{'\r'}, s.eol)
	}
	if s.localEcho.Load() {
		s.scr.echo(p)
	}
	if err := s.snd.send(out); err != nil {
		s.scr.leaveRow("")
		s.notef("rawtalk: not sent: %v", err)
	}
}
