package term

import "bytes"

// setCharMode puts the session in character or line mode, keys and screen.
// It runs on Run's goroutine.
func (s *Session) setCharMode(on bool) {
	s.mode = on
	s.mu.Lock()
	s.keysChar = on
	s.mu.Unlock()
	s.scr.setCharMode(on)
}

// charLoop is character mode: every key goes to the server as typed, Enter
// as the line ending, and Ctrl-] opens the escape prompt. It returns done
// when the session is over, and not done when the session goes back to
// line mode (the user's mode command, or the server's negotiation).
func (s *Session) charLoop() (done bool, err error) {
	s.scr.setCharMode(true)
	for {
		keys, escape, stay := s.takeCharKeys() // route.go
		s.sendKeys(keys)
		if escape {
			s.scr.setCharMode(false) // the prompt holds server text
			s.scr.leaveRow("^]")
			if done, err := s.escape(); done {
				return true, err
			}
			continue
		}
		if !stay {
			return false, nil
		}
		select {
		case <-s.ended:
			return true, s.endError()
		case <-s.modeChange:
		case <-s.charReady:
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
