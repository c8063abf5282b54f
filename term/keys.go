package term

import (
	"bytes"
	"time"
	"unicode/utf8"
)

// Sentinel runes: Unicode noncharacters, which no keyboard or paste sends,
// written into the editor's input to make it act on its own goroutine, the
// only one that may redraw the input line.
const (
	runeDraw   = '\uFDD0' // draw the server text queued on the screen
	runeResize = '\uFDD2' // the window changed size
	runePaste  = '\uFDD3' // insert the next pasted text in one redraw
	// Keys readline does not know in the forms terminals send them
	// (translateKey), for the filter to hand over as readline's own.
	runeWordLeft  = '\uFDD4' // Ctrl-Left, Alt-Left
	runeWordRight = '\uFDD5' // Ctrl-Right, Alt-Right
	runeDelete    = '\uFDD6' // Delete: never an EOF, unlike Ctrl-D
)

// Why the editor returned, set on its goroutine by the filter.
const (
	whyNone int32 = iota
	whyCtrlC
	whyEscape
	whyEnd
	whyMode
)

const ctrlBracket = 0x1d // Ctrl-], the escape key

// readKeys is the keyboard loop: keys to the editor, or to the server in
// character mode.
func (s *Session) readKeys() {
	defer s.guard()
	buf := make([]byte, 4096)
	for {
		n, err := s.term.In.Read(buf)
		if n > 0 {
			if TestPanicAt == "key" && bytes.IndexByte(buf[:n], '!') >= 0 {
				panic(testPanic)
			}
			s.routeKeys(buf[:n]) // route.go; every way on copies
		}
		if err != nil {
			select {
			case <-s.ended: // we stopped it
			default:
				s.end(endTerminal, err)
			}
			return
		}
	}
}

// stopKeys ends readKeys if the terminal lets a read be interrupted.
func (s *Session) stopKeys() {
	if d, ok := s.term.In.(interface{ SetReadDeadline(time.Time) error }); ok {
		d.SetReadDeadline(time.Now())
	}
}

// toEditorLocked gives keys to the line editor (route.go decides which).
// Ctrl-] is handed over as Ctrl-C, remembered as an escape: readline
// inserts Ctrl-] as a literal, and it stops reading after Ctrl-C, so keys
// typed after Ctrl-] wait for the escape prompt instead of landing in the
// line being left. Called with s.mu held.
func (s *Session) toEditorLocked(p []byte) {
	// A NUL (Ctrl-Space, or what the kernel leaves of an EOF typed before
	// raw mode) would make readline stop reading for good: drop it.
	p = bytes.ReplaceAll(p, []byte{0}, nil)
	if len(p) == 0 {
		return
	}
	// Enters in a read that also carries text are a multi-line paste's
	// line ends (a person's Enter comes in a read of its own); so are
	// those of a read that goes on with a multi-line paste the last read
	// cut mid-line ("line 1" | "2\r"), as a loaded machine cuts big pastes.
	pasted := textBytes(p) >= 2 || s.multiPaste && s.lastPaste
	switch {
	case !pasted:
		s.multiPaste = false
	case bytes.ContainsAny(p, "\r\n"):
		s.multiPaste = true
	}
	var raw []byte
	flushRaw := func() {
		if len(raw) > 0 {
			s.in.write(raw) // under s.mu: interrupts stay in the order of their bytes
			s.lastPaste = false
			raw = nil
		}
	}
	for len(p) > 0 {
		// Two or more characters of text are a paste (or fast typing,
		// which inserts the same way); one character right after a paste
		// is its end, cut off by a read.
		if n := textRun(p); n >= 2 || n == 1 && s.lastPaste {
			flushRaw()
			s.queuePaste(p[:n]) // paste.go
			p = p[n:]
			continue
		}
		n := max(keyLen(p), 1)
		if key := translateKey(p[:n]); key != nil {
			flushRaw()
			s.in.write(key)
			s.lastPaste = false
			p = p[n:]
			continue
		}
		for _, b := range p[:n] {
			switch b {
			case ctrlBracket:
				b = keyInterrupt
				s.interrupts = append(s.interrupts, whyEscape)
			case keyInterrupt:
				s.interrupts = append(s.interrupts, whyCtrlC)
			case '\r', '\n':
				if pasted {
					s.pastedEnds++
				}
			}
			raw = append(raw, b)
		}
		p = p[n:]
	}
	flushRaw()
}

// textBytes counts the bytes of plain text in p.
func textBytes(p []byte) int {
	n := 0
	for _, b := range p {
		if b >= 0x20 && b != 0x7f {
			n++
		}
	}
	return n
}

// takePastedEnd reports whether the line just read ended with an Enter
// from a multi-line paste.
func (s *Session) takePastedEnd() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pastedEnds > 0 {
		s.pastedEnds--
		return true
	}
	return false
}

// textRun is the length of the plain text at the start of p: no control
// keys, whole UTF-8 characters.
func textRun(p []byte) int {
	n := 0
	for n < len(p) && p[n] >= 0x20 && p[n] != 0x7f {
		n++
	}
	for n > 0 && !utf8.Valid(p[:n]) {
		n-- // a character cut by the read: leave it to the editor
	}
	return n
}

// keyLen is the length of the key at the start of p that is not plain
// text: an escape sequence (arrows, Home, End...) or one control byte.
func keyLen(p []byte) int {
	if len(p) < 2 || p[0] != 0x1b {
		return 1
	}
	switch p[1] {
	case '[': // CSI: parameters, intermediates, one final byte
		i := 2
		for i < len(p) && p[i] >= 0x20 && p[i] <= 0x3f {
			i++
		}
		return min(i+1, len(p))
	case 'O': // SS3: one more byte
		return min(3, len(p))
	}
	return 2
}

// translateKey turns the escape sequences that terminals send for Home,
// End, Delete and moves by word, which readline v1.5.1 ignores or takes
// for one character, into keys it knows: tmux, screen and the Linux
// console send Home as ESC [1~ and End as ESC [4~, rxvt ESC [7~ and
// ESC [8~; xterm sends Ctrl-Left as ESC [1;5D (Alt-Left ESC [1;3D), rxvt
// ESC O d. It returns nil for other keys, which go to readline as they are.
func translateKey(k []byte) []byte {
	if len(k) < 3 || k[0] != 0x1b {
		return nil
	}
	final := k[len(k)-1]
	params := string(k[2 : len(k)-1])
	switch {
	case k[1] == 'O' && len(k) == 3:
		switch final {
		case 'd':
			return []byte(string(runeWordLeft))
		case 'c':
			return []byte(string(runeWordRight))
		}
	case k[1] != '[':
	case final == '~':
		switch params {
		case "1", "7":
			return []byte{byte(keyLineStart)}
		case "4", "8":
			return []byte{byte(keyLineEnd)}
		case "3":
			return []byte(string(runeDelete))
		}
	case final == 'D' || final == 'C':
		// A modifier (;5 Ctrl, ;3 Alt, ;9 Meta; rxvt's ESC [5D) moves by
		// word; Shift (;2) and no modifier move by character.
		switch params {
		case "1;5", "1;3", "1;9", "5", "1;7":
		default:
			return nil
		}
		if final == 'D' {
			return []byte(string(runeWordLeft))
		}
		return []byte(string(runeWordRight))
	}
	return nil
}

// interrupt makes Readline return, with why. It goes to the editor as a
// Ctrl-C: after a Ctrl-C readline stops reading keys until the next
// Readline, so its goroutine is idle whenever no Readline runs.
func (s *Session) interrupt(why int32) {
	s.mu.Lock()
	s.interruptLocked(why)
	s.mu.Unlock()
}

func (s *Session) interruptLocked(why int32) {
	s.interrupts = append(s.interrupts, why)
	s.in.write([]byte{keyInterrupt})
}

// filter sees every key before the editor acts on it, on the editor's
// goroutine. It draws server text (so drawing never races the editor's own
// redraws), turns Ctrl-] into a return from Readline, and suspends on Ctrl-Z.
func (s *Session) filter(r rune) (rune, bool) {
	defer s.guard()
	if s.closing.Load() {
		if r == 0 {
			return 0, true // the end of the editor's input: let it stop
		}
		return 0, false
	}
	s.saveHistory()
	s.scr.render()
	s.ed.leaveModes(r)
	if TestPanicAt == "render" && r == runeDraw {
		panic(testPanic)
	}
	switch r {
	case runeDraw, runeResize:
		if r == runeResize && s.resize != nil {
			s.resize()
			s.editorWidth.Store(int32(s.tty.width()))
		}
		if s.ed.searching() {
			return 0, false
		}
		// Not (0, false): that makes readline read on, ahead of the next
		// Readline. Ctrl-G does nothing but reach onChange, which redraws.
		s.redraw = true
		return keyBell, true
	case runePaste:
		if s.ed.searching() {
			return 0, false
		}
		s.mu.Lock()
		if len(s.pastes) > 0 {
			s.pasting, s.pastes = s.pastes[0], s.pastes[1:]
		}
		s.mu.Unlock()
		// Ctrl-G does nothing in the editor but still reaches onChange,
		// which inserts the text with a single redraw.
		return keyBell, true
	case keyInterrupt: // Ctrl-C, or Ctrl-], the end, a mode change in disguise
		why := whyCtrlC
		s.mu.Lock()
		if len(s.interrupts) > 0 {
			why, s.interrupts = s.interrupts[0], s.interrupts[1:]
		}
		// A Readline outside the escape prompt is line mode: a mode change
		// matters only if it left line mode, and the escape prompt sees
		// it through once it closes.
		stale := why == whyMode && (s.promptUp.Load() || !s.keysChar)
		s.mu.Unlock()
		if stale {
			return 0, false
		}
		s.why.Store(why)
		return r, true
	case keyCtrlZ:
		s.suspend() // jobcontrol_unix.go
		return 0, false
	case runeWordLeft:
		return keyWordLeft, true
	case runeWordRight:
		return keyWordRight, true
	case runeDelete:
		if s.lineLen.Load() == 0 {
			return 0, false // readline would take it for Ctrl-D: the end of input
		}
		return keyDelete, true
	}
	return r, true
}
