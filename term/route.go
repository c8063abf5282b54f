package term

import "bytes"

// Where typed keys go. The keyboard goroutine decides for each key as it
// reads it, under s.mu, from the mode in effect at that moment: the line
// editor, the character-mode queue, or the escape prompt. A mode change
// (the server's negotiation, the mode command) moves the route at once,
// before the goroutine that acts on it catches up, so a key typed right
// after "login: " goes out in the new mode instead of waiting in an editor
// that has stopped reading. Keys typed after the escape prompt's line ends
// wait until its command has said where the session goes next.

// routeKeys hands a chunk of keystrokes to whoever reads keys now.
func (s *Session) routeKeys(p []byte) {
	s.mu.Lock()
	toChar := s.routeLocked(p)
	s.mu.Unlock()
	if toChar {
		s.pokeCharLoop()
	}
}

// routeLocked delivers p, split where a key changes the route, and reports
// whether charLoop has something new. Called with s.mu held, so that no
// mode change falls between a key's route and its delivery.
func (s *Session) routeLocked(p []byte) (toChar bool) {
	for len(p) > 0 {
		switch {
		case s.holding:
			s.held = append(s.held, p...)
			return toChar
		case s.escaping:
			// The escape prompt's line, up to the key that ends it.
			n := len(p)
			if i := bytes.IndexAny(p, "\r\n\x03\x1d"); i >= 0 {
				n = i + 1
				s.holding = true
			}
			s.toEditorLocked(p[:n])
			p = p[n:]
		case s.keysChar:
			before, after, escaped := bytes.Cut(p, []byte{ctrlBracket})
			s.charKeys = append(s.charKeys, before...)
			toChar = true
			if !escaped {
				return toChar
			}
			s.charEscape = true // after the keys before it
			s.escaping = true
			p = after
		default:
			n := len(p)
			if i := bytes.IndexByte(p, ctrlBracket); i >= 0 {
				n = i + 1
				s.escaping = true // the editor returns and the prompt opens
			}
			s.toEditorLocked(p[:n])
			p = p[n:]
		}
	}
	return toChar
}

// pokeCharLoop wakes charLoop.
func (s *Session) pokeCharLoop() {
	select {
	case s.charReady <- struct{}{}:
	default:
	}
}

// takeCharKeys is what charLoop has to do: the keys to send, whether
// Ctrl-] followed them, and whether the session is still in character
// mode (if not, the keys were typed before it left).
func (s *Session) takeCharKeys() (keys []byte, escape, stay bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, escape, stay = s.charKeys, s.charEscape, s.keysChar
	s.charKeys, s.charEscape = nil, false
	return keys, escape, stay
}

// keysToPrompt gives the escape prompt the keys typed after its last line,
// when it asks for another (help, a mistyped command).
func (s *Session) keysToPrompt() {
	s.mu.Lock()
	s.escaping, s.holding = true, false
	held := s.held
	s.held = nil
	s.routeLocked(held)
	s.mu.Unlock()
}

// handBackKeys ends the escape prompt's hold on the keys: from now on they
// go where the session is, those typed after the prompt's line first.
func (s *Session) handBackKeys() {
	s.mu.Lock()
	s.escaping, s.holding = false, false
	held := s.held
	s.held = nil
	toChar := s.routeLocked(held)
	s.mu.Unlock()
	if toChar {
		s.pokeCharLoop()
	}
	if s.mode {
		s.scr.setCharMode(true)
	}
}

// keysMode is the mode keys go in now, apart from the escape prompt:
// character mode (true) or line mode.
func (s *Session) keysMode() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keysChar
}
