package term

import "bytes"

// setCharMode routes keys to the editor (line mode) or straight to the
// server (character mode).
func (s *Session) setCharMode(on bool) {
	s.mu.Lock()
	s.charMode = on
	s.mu.Unlock()
	s.scr.setCharMode(on)
}

// charLoop is character mode: every key goes to the server as typed, Enter
// as the line ending, and Ctrl-] opens the escape prompt. It returns done
// when the session is over, and not done when the user switched back to
// line mode.
func (s *Session) charLoop() (done bool, err error) {
	s.scr.setCharMode(true)
	for {
		select {
		case <-s.ended:
			return true, s.endError()
		case p := <-s.charKeys:
			before, after, escaped := bytes.Cut(p, []byte{ctrlBracket})
			s.sendKeys(before)
			if !escaped {
				continue
			}
			// Keys typed after Ctrl-] belong to the escape prompt.
			s.setCharMode(false)
			s.scr.leaveRow("^]")
			s.toEditor(after)
			if done, err := s.escape(); done {
				return true, err
			}
			if !s.isCharMode() {
				return false, nil
			}
			s.setCharMode(true)
		}
	}
}

// sendKeys sends keys typed in character mode, Enter as the line ending.
func (s *Session) sendKeys(p []byte) {
	if len(p) == 0 {
		return
	}
	out := p
	if len(s.eol) > 0 && !bytes.Equal(s.eol, []byte{'\r'}) && bytes.IndexByte(p, '\r') >= 0 {
		out = bytes.ReplaceAll(p, []byte{'\r'}, s.eol)
	}
	if s.localEcho {
		s.scr.echo(p)
	}
	if err := s.snd.send(out); err != nil {
		s.scr.echo([]byte("\r"))
		s.notef("rawtalk: not sent: %v", err)
	}
}
