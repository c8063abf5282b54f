// Package vt is a small terminal emulator for tests: enough of a VT100 and
// xterm to replay what rawtalk and its line editor write (text with wide
// characters, CR, LF, BS, TAB, cursor moves, erases, insert and delete of
// characters, SGR), and what a remote shell, less and vi draw through it
// (scroll regions, insert and delete of lines, the alternate screen, saved
// cursor; OSC, DCS and other strings consumed unseen, as xterm does), and to
// say what a person would see and where the cursor is.
package vt

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// Screen is a grid of cells and a cursor.
type Screen struct {
	Width, Height int
	cells         [][]rune // rows of cells; 0 is the right half of a wide rune
	X, Y          int      // cursor column and row, from 0
	pendingWrap   bool     // the last column was written; the next rune wraps
	partial       []byte   // an escape sequence or UTF-8 rune cut by a write
	Scrolled      int      // rows scrolled off the top, ever
	Bells         int      // BEL bytes received

	top, bottom int      // the scroll region's first and last rows
	savedX      int      // the cursor saved by ESC 7 or CSI ? 1049 h
	savedY      int      //
	main        [][]rune // the main screen's cells while the alternate one shows
}

// New returns an empty screen.
func New(width, height int) *Screen {
	s := &Screen{Width: width, Height: height, bottom: height - 1}
	s.cells = blankRows(width, height)
	return s
}

func blankRows(w, h int) [][]rune {
	rows := make([][]rune, h)
	for i := range rows {
		rows[i] = blankRow(w)
	}
	return rows
}

func blankRow(w int) []rune {
	r := make([]rune, w)
	for i := range r {
		r[i] = ' '
	}
	return r
}

// Write feeds terminal output to the screen.
func (s *Screen) Write(p []byte) (int, error) {
	n := len(p)
	if len(s.partial) > 0 {
		p = append(s.partial, p...)
		s.partial = nil
	}
	for i := 0; i < len(p); {
		b := p[i]
		switch {
		case b == 0x1b:
			used, ok := s.escape(p[i:])
			if !ok {
				s.partial = append([]byte(nil), p[i:]...)
				return n, nil
			}
			i += used
			continue
		case b == '\r':
			s.X, s.pendingWrap = 0, false
		case b == '\n':
			s.lineFeed()
		case b == '\b':
			if s.pendingWrap {
				s.pendingWrap = false
			} else if s.X > 0 {
				s.X--
			}
		case b == '\t':
			s.X = min((s.X/8+1)*8, s.Width-1)
		case b == 0x07:
			s.Bells++
		case b < 0x20 || b == 0x7f:
			// other controls do nothing visible
		case b < utf8.RuneSelf: // printable ASCII: one column, no decoding
			s.putWidth(rune(b), 1)
		default:
			if !utf8.FullRune(p[i:]) {
				s.partial = append([]byte(nil), p[i:]...)
				return n, nil
			}
			r, size := utf8.DecodeRune(p[i:])
			s.put(r)
			i += size
			continue
		}
		i++
	}
	return n, nil
}

func (s *Screen) put(r rune) {
	w := runewidth.RuneWidth(r)
	if w == 0 {
		return // combining marks join the previous cell
	}
	s.putWidth(r, w)
}

// putWidth draws r, w columns wide, at the cursor.
func (s *Screen) putWidth(r rune, w int) {
	if s.pendingWrap || s.X+w > s.Width {
		s.X = 0
		s.lineFeed()
		s.pendingWrap = false
	}
	s.cells[s.Y][s.X] = r
	if w == 2 {
		s.cells[s.Y][s.X+1] = 0
	}
	s.X += w
	if s.X >= s.Width {
		s.X = s.Width - 1
		s.pendingWrap = true
	}
}

func (s *Screen) lineFeed() {
	s.pendingWrap = false
	if s.Y != s.bottom {
		s.Y = min(s.Y+1, s.Height-1)
		return
	}
	s.scrollUp(s.top, 1)
	if s.top == 0 && s.main == nil {
		s.Scrolled++
	}
}

// reverseIndex moves the cursor up, scrolling the region down at its top.
func (s *Screen) reverseIndex() {
	s.pendingWrap = false
	if s.Y != s.top {
		s.Y = max(s.Y-1, 0)
		return
	}
	s.scrollDown(s.top, 1)
}

// scrollUp moves rows from..bottom up by n, blank rows coming in below.
func (s *Screen) scrollUp(from, n int) {
	if from < s.top || from > s.bottom {
		return
	}
	n = min(n, s.bottom-from+1)
	copy(s.cells[from:s.bottom+1], s.cells[from+n:s.bottom+1])
	for y := s.bottom - n + 1; y <= s.bottom; y++ {
		s.cells[y] = blankRow(s.Width)
	}
}

// scrollDown moves rows from..bottom down by n, blank rows coming in at
// from.
func (s *Screen) scrollDown(from, n int) {
	if from < s.top || from > s.bottom {
		return
	}
	n = min(n, s.bottom-from+1)
	copy(s.cells[from+n:s.bottom+1], s.cells[from:s.bottom+1-n])
	for y := from; y < from+n; y++ {
		s.cells[y] = blankRow(s.Width)
	}
}

// alternate switches to the alternate screen (a blank one) and back.
func (s *Screen) alternate(on bool) {
	switch {
	case on && s.main == nil:
		s.main, s.cells = s.cells, blankRows(s.Width, s.Height)
	case !on && s.main != nil:
		s.cells, s.main = s.main, nil
	}
}

// escape handles one escape sequence at the start of p, returning its
// length, or ok=false if p ends before the sequence does.
func (s *Screen) escape(p []byte) (int, bool) {
	if len(p) < 2 {
		return 0, false
	}
	switch p[1] {
	case '[':
	case ']', 'P', 'X', '^', '_':
		// OSC, DCS, SOS, PM, APC: a string up to BEL or ESC \, unseen.
		for j := 2; j < len(p); j++ {
			switch {
			case p[j] == 0x07:
				return j + 1, true
			case p[j] == 0x18 || p[j] == 0x1a: // CAN, SUB cancel it
				return j + 1, true
			case p[j] == 0x1b:
				if j+1 >= len(p) {
					return 0, false
				}
				if p[j+1] == '\\' {
					return j + 2, true
				}
				return j, true // another escape ends the string
			}
		}
		return 0, false
	case '7':
		s.savedX, s.savedY = s.X, s.Y
		return 2, true
	case '8':
		s.X, s.Y, s.pendingWrap = s.savedX, s.savedY, false
		return 2, true
	case 'M':
		s.reverseIndex()
		return 2, true
	case 'D':
		s.lineFeed()
		return 2, true
	case 'E':
		s.X = 0
		s.lineFeed()
		return 2, true
	default:
		// Others, with intermediates (ESC ( B): ignored.
		j := 1
		for j < len(p) && p[j] >= 0x20 && p[j] <= 0x2f {
			j++
		}
		if j >= len(p) {
			return 0, false
		}
		return j + 1, true
	}
	j := 2
	for j < len(p) && (p[j] >= 0x30 && p[j] <= 0x3f) {
		j++
	}
	inter := j
	for j < len(p) && (p[j] >= 0x20 && p[j] <= 0x2f) {
		j++
	}
	if j >= len(p) {
		return 0, false
	}
	if j > inter {
		return j + 1, true // with intermediates (CSI ? 1 $ p): ignored
	}
	params, final := string(p[2:j]), p[j]
	arg := func(def int) int {
		first, _, _ := strings.Cut(params, ";")
		if n, err := strconv.Atoi(first); err == nil && n > 0 {
			return n
		}
		return def
	}
	s.pendingWrap = s.pendingWrap && final == 'm'
	if len(params) > 0 && params[0] >= '<' {
		// Private: only the alternate screen's modes matter here.
		if params[0] == '?' && (final == 'h' || final == 'l') {
			for _, m := range strings.Split(params[1:], ";") {
				s.privateMode(m, final == 'h')
			}
		}
		return j + 1, true
	}
	switch final {
	case 'A':
		s.Y = max(s.Y-arg(1), 0)
	case 'B':
		s.Y = min(s.Y+arg(1), s.Height-1)
	case 'C':
		s.X = min(s.X+arg(1), s.Width-1)
	case 'D':
		s.X = max(s.X-arg(1), 0)
	case 'E':
		s.X, s.Y = 0, min(s.Y+arg(1), s.Height-1)
	case 'F':
		s.X, s.Y = 0, max(s.Y-arg(1), 0)
	case 'G', '`':
		s.X = min(arg(1)-1, s.Width-1)
	case 'd':
		s.Y = min(arg(1)-1, s.Height-1)
	case 'r':
		top, bottom, _ := strings.Cut(params, ";")
		t, _ := strconv.Atoi(top)
		b, err := strconv.Atoi(bottom)
		if err != nil || b < 1 || b > s.Height {
			b = s.Height
		}
		t = max(t, 1)
		if t < b {
			s.top, s.bottom = t-1, b-1
			s.X, s.Y = 0, 0
		}
	case 'S':
		s.scrollUp(s.top, arg(1))
	case 'T':
		s.scrollDown(s.top, arg(1))
	case 'L':
		s.scrollDown(s.Y, arg(1))
	case 'M':
		s.scrollUp(s.Y, arg(1))
	case 'H', 'f':
		row, col, _ := strings.Cut(params, ";")
		y, _ := strconv.Atoi(row)
		x, _ := strconv.Atoi(col)
		s.Y, s.X = min(max(y, 1), s.Height)-1, min(max(x, 1), s.Width)-1
	case '@': // insert blanks at the cursor, shifting the rest right
		row := s.cells[s.Y]
		n := min(arg(1), s.Width-s.X)
		copy(row[s.X+n:], row[s.X:])
		s.clear(s.Y, s.X, s.X+n)
	case 'P': // delete characters at the cursor, shifting the rest left
		row := s.cells[s.Y]
		n := min(arg(1), s.Width-s.X)
		copy(row[s.X:], row[s.X+n:])
		s.clear(s.Y, s.Width-n, s.Width)
	case 'X': // erase characters from the cursor
		s.clear(s.Y, s.X, s.X+arg(1))
	case 'K':
		switch arg(0) {
		case 0:
			s.clear(s.Y, s.X, s.Width)
		case 1:
			s.clear(s.Y, 0, s.X+1)
		case 2:
			s.clear(s.Y, 0, s.Width)
		}
	case 'J':
		switch arg(0) {
		case 0:
			s.clear(s.Y, s.X, s.Width)
			for y := s.Y + 1; y < s.Height; y++ {
				s.clear(y, 0, s.Width)
			}
		case 2, 3:
			for y := 0; y < s.Height; y++ {
				s.clear(y, 0, s.Width)
			}
		}
	}
	return j + 1, true
}

// privateMode sets or resets a DEC private mode: the alternate screen's.
func (s *Screen) privateMode(mode string, on bool) {
	switch mode {
	case "1049":
		if on {
			s.savedX, s.savedY = s.X, s.Y
			s.alternate(true)
		} else {
			s.alternate(false)
			s.X, s.Y = s.savedX, s.savedY
		}
	case "47", "1047":
		s.alternate(on)
	case "1048":
		if on {
			s.savedX, s.savedY = s.X, s.Y
		} else {
			s.X, s.Y = s.savedX, s.savedY
		}
	}
}

func (s *Screen) clear(y, from, to int) {
	for x := from; x < to && x < s.Width; x++ {
		s.cells[y][x] = ' '
	}
}

// Line is row y as text, trailing spaces removed.
func (s *Screen) Line(y int) string {
	var b strings.Builder
	for _, r := range s.cells[y] {
		if r != 0 {
			b.WriteRune(r)
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// Lines is the whole screen, one string a row, without trailing blank rows.
func (s *Screen) Lines() []string {
	var out []string
	for y := 0; y < s.Height; y++ {
		out = append(out, s.Line(y))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// String is the screen as text, for failure messages.
func (s *Screen) String() string {
	return strings.Join(s.Lines(), "\n") + "\n[cursor at row " + strconv.Itoa(s.Y) + ", column " + strconv.Itoa(s.X) + "]"
}

// CursorLine is the row the cursor is on.
func (s *Screen) CursorLine() string { return s.Line(s.Y) }

// Contains reports whether any row contains text.
func (s *Screen) Contains(text string) bool {
	for y := 0; y < s.Height; y++ {
		if strings.Contains(s.Line(y), text) {
			return true
		}
	}
	return false
}

// Column is the display column where the cursor sits after the text
// before it on its row: the width of that text.
func Column(text string) int { return runewidth.StringWidth(text) }

// Alternate reports whether the alternate screen shows (a full-screen
// program such as less or vi is up).
func (s *Screen) Alternate() bool { return s.main != nil }
