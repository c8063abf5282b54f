package term

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mattn/go-runewidth"
)

// maxEditLine is the longest line the editor holds as text, in columns;
// editLimit lowers it to half the window.
const maxEditLine = 4 << 10

// editLimit is how many columns a line may fill and stay editable text:
// half the window (960 on 80x24), so that a paste too long for it is
// never drawn over more rows than the screen has. readline redraws a line
// taller than the screen from its top, pushing the server's lines into
// the scrollback and leaving the placeholder that replaces it at the top
// of a blank screen.
func (s *Session) editLimit() int {
	cols, rows := s.tty.size()
	return max(min(cols*rows/2, maxEditLine), 80)
}

// queuePaste hands plain text to the editor to insert in one go. Text that
// follows a paste the editor has not taken yet joins it (a paste comes in
// many reads): one redraw for all. Called with s.mu held.
func (s *Session) queuePaste(text []byte) {
	if n := len(s.pastes); n > 0 && s.lastPaste {
		s.pastes[n-1] = append(s.pastes[n-1], text...)
		return
	}
	s.pastes = append(s.pastes, append([]byte(nil), text...))
	s.lastPaste = true
	s.in.writeRune(runePaste)
}

// onChange inserts pasted text at the cursor, so a paste costs one redraw
// instead of one per character. It runs on the editor's goroutine right
// after filter, except for one call from Readline itself with key 0.
//
// A paste that would make the line wider than editLimit is kept aside
// and shown as one placeholder ("[1048576 pasted bytes]"), which Enter
// replaces with the bytes: the editor redraws the whole line on every
// change, so a megabyte in it would cost a megabyte per keystroke.
func (s *Session) onChange(line []rune, pos int, key rune) ([]rune, int, bool) {
	if key == 0 {
		return nil, 0, false // Readline's own call, on another goroutine
	}
	s.lineLen.Store(int32(len(line)))
	if key != keyBell {
		s.pasteRun = 0
		if key == keyTab {
			return s.afterTab(line, pos) // complete.go
		}
		return nil, 0, false
	}
	if s.redraw {
		s.redraw = false
		return line, pos, true // the same line, drawn again under the new text
	}
	if s.pasting == nil {
		return nil, 0, false
	}
	text := s.pasting
	s.pasting = nil
	pos = min(pos, len(line))
	var paste []rune
	switch {
	case s.bigPaste != nil:
		old := []rune(s.bigPasteMark())
		s.bigPaste = append(s.bigPaste, text...)
		mark := []rune(s.bigPasteMark())
		if i := runesIndex(line, old); i >= 0 {
			out := append(append(append([]rune(nil), line[:i]...), mark...), line[i+len(old):]...)
			if pos >= i+len(old) {
				pos += len(mark) - len(old)
			}
			return out, pos, true
		}
		paste = mark
	case runewidth.StringWidth(string(line))+runewidth.StringWidth(string(text)) > s.editLimit():
		// The part of this paste already in the line goes aside too, so
		// the line left to redraw is short.
		run := min(s.pasteRun, pos)
		s.bigPaste = append([]byte(string(line[pos-run:pos])), text...)
		line = append(append([]rune(nil), line[:pos-run]...), line[pos:]...)
		pos -= run
		paste = []rune(s.bigPasteMark())
	default:
		paste = []rune(string(text))
		s.pasteRun += len(paste)
	}
	out := make([]rune, 0, len(line)+len(paste))
	out = append(append(append(out, line[:pos]...), paste...), line[pos:]...)
	return out, pos + len(paste), true
}

// bigPasteMark is the placeholder for the paste kept aside, or "".
func (s *Session) bigPasteMark() string {
	if s.bigPaste == nil {
		return ""
	}
	return fmt.Sprintf("[%d pasted bytes]", len(s.bigPaste))
}

// expandBigPaste puts the paste kept aside back in place of its
// placeholder, and forgets it.
func (s *Session) expandBigPaste(line string) string {
	if s.bigPaste == nil {
		return line
	}
	mark := s.bigPasteMark()
	big := s.bigPaste
	s.bigPaste = nil
	if !strings.Contains(line, mark) {
		s.notef("rawtalk: the %d pasted bytes were edited out of the line", len(big))
		return line
	}
	return strings.Replace(line, mark, string(big), 1)
}

// runesIndex is strings.Index for runes: where sub starts in s, or -1.
func runesIndex(s, sub []rune) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if slices.Equal(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
