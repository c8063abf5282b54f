package term

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// screen is where the server's bytes meet the line being typed. In line
// mode the text is queued here and drawn by render, which runs on the line
// editor's own goroutine (see Session.filter), so a redraw of the user's
// line can never interleave with server text. Complete lines are written
// above the input line; the server's unfinished last line ("login: ") is
// shown as the editor's prompt, so it stays visible and the user types
// right after it.
type screen struct {
	out       io.Writer  // the terminal
	sanitize  bool       // filter server bytes for safe display
	san       Sanitizer  // stream state of that filter
	editor    lineEditor // the line editor whose prompt shows the partial line
	wantDraw  func()     // asks the editor's goroutine to call render soon
	maxQueued int        // push blocks beyond this many queued bytes
	view      *View      // hex dump, visible line endings, timestamps; nil for none
	width     func() int // the window's width in columns; nil when unknown
	notes     *explainer // --explain's notes under reply lines (explain_view.go)

	mu       sync.Mutex
	cond     *sync.Cond // signalled when the queue drains or the mode changes
	queue    []byte     // safe text received but not yet drawn
	partial  []byte     // the server's current unfinished line, as drawn
	charMode bool       // text is drawn at once, no editor line to keep
	held     bool       // the escape prompt is up: keep text queued
	asked    bool       // a render has been asked for and not yet run
	closed   bool       // the session is over; push drops everything
	lastLine lastLine   // the server's last non-blank line, raw, for the history's secrets
}

// lineEditor is the part of the readline instance the screen drives.
type lineEditor interface {
	Clean()
	SetPrompt(string)
}

// maxPartial bounds the unfinished line kept as the prompt: a server that
// sends megabytes without a newline gets its text drawn in pieces rather
// than redrawn on every keystroke.
const maxPartial = 1024

func newScreen(out io.Writer, sanitize bool) *screen {
	s := &screen{out: out, sanitize: sanitize, maxQueued: 1 << 20}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// push takes bytes from the server. It blocks while too much is queued, so
// a flood is slowed by TCP instead of growing memory.
func (s *screen) push(p []byte) {
	s.mu.Lock()
	for len(s.queue) >= s.maxQueued && !s.charMode && !s.closed {
		s.cond.Wait()
	}
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.lastLine.add(p)
	s.queue = s.showExplained(s.queue, p) // safe display, the learning view (view.go), notes
	s.showQueuedAndUnlock()
}

// showQueuedAndUnlock draws the queue at once in character mode (or before
// the editor exists), and otherwise asks the editor's goroutine to draw it,
// unless a draw is already asked for or the escape prompt holds the text.
// It is called with s.mu held and releases it before asking.
func (s *screen) showQueuedAndUnlock() {
	if s.charMode || s.editor == nil {
		s.drawDirectLocked()
		s.mu.Unlock()
		return
	}
	ask := !s.asked && !s.held && len(s.queue) > 0
	s.asked = s.asked || ask
	s.mu.Unlock()
	if ask {
		s.wantDraw()
	}
}

// note queues one of rawtalk's own lines, unfiltered, to be drawn like
// server text.
func (s *screen) note(text string) {
	s.mu.Lock()
	s.queue = append(s.queue, text...)
	s.showQueuedAndUnlock()
}

// flushStream shows what an ended stream left mid-character.
func (s *screen) flushStream() {
	s.mu.Lock()
	if s.sanitize {
		s.queue = s.san.Flush(s.queue)
	}
	s.mu.Unlock()
}

// render draws everything queued. It runs on the editor's goroutine.
func (s *screen) render() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = false
	if s.held || s.charMode || len(s.queue) == 0 {
		return
	}
	text := s.queue
	i := bytes.LastIndexByte(text, '\n')
	switch {
	case i >= 0:
		// Complete lines: the unfinished line drawn so far, then the new
		// text up to its last newline, written as they are (no copy).
		s.editor.Clean()
		if len(s.partial) > 0 {
			s.out.Write(s.partial)
		}
		s.out.Write(text[:i+1])
		s.partial = append(s.partial[:0], text[i+1:]...)
	case len(s.partial)+len(text) > maxPartial:
		// A very long line without a newline is drawn as a line of its own.
		s.editor.Clean()
		s.out.Write(s.partial)
		s.out.Write(text)
		s.out.Write([]byte("\r\n"))
		s.partial = s.partial[:0]
	default:
		s.partial = append(s.partial, text...)
	}
	s.wrapWidePartialLocked()
	s.editor.SetPrompt(promptText(s.partial))
	s.queue = s.queue[:0]
	if cap(s.queue) > 4*s.maxQueued {
		s.queue = nil // a flood grew it; let it go
	}
	s.cond.Broadcast()
}

// wrapWidePartialLocked keeps the editor's prompt narrower than the
// window. readline v1.5.1 miscounts the rows of a prompt wider than the
// window and, on its next redraw, leaves the first rows on the screen and
// draws the prompt again below them (a 150-column greeting showed as 230
// columns once the user typed). So the rows the unfinished line fills are
// written as text, ended as the terminal would have wrapped them, and only
// the rest stays the prompt.
func (s *screen) wrapWidePartialLocked() {
	if s.width == nil {
		return
	}
	width := s.width()
	prompt := promptText(s.partial)
	if width <= 0 || runewidth.StringWidth(prompt) < width {
		return
	}
	head, tail := splitAtRows(prompt, width)
	s.editor.Clean()
	s.out.Write([]byte(head + "\r\n"))
	s.partial = append(s.partial[:0], tail...)
}

// splitAtRows cuts text after the whole rows of width columns it fills;
// colour sequences take no room, tabs go to the next multiple of 8.
func splitAtRows(text string, width int) (head, tail string) {
	col, cut := 0, 0
	for i := 0; i < len(text); {
		if text[i] == 0x1b { // ESC [ ... m: the only sequence left in safe text
			j := i + 1
			for j < len(text) && (text[j] < 0x40 || text[j] > 0x7e) {
				j++
			}
			i = min(j+1, len(text))
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		w := runewidth.RuneWidth(r)
		if r == '\t' {
			w = 8 - col%8
		}
		if col+w > width {
			col = 0 // a wide rune that does not fit starts the next row
			cut = i
		}
		col += w
		i += size
		if col >= width {
			col = 0
			cut = i
		}
	}
	return text[:cut], text[cut:]
}

// promptText is how an unfinished line looks on its row: what follows its
// last CR (which went back to column 0), without a trailing CR that is
// probably the first half of a CRLF.
func promptText(partial []byte) string {
	p := bytes.TrimSuffix(partial, []byte{'\r'})
	if i := bytes.LastIndexByte(p, '\r'); i >= 0 {
		p = p[i+1:]
	}
	return string(p)
}

// drawDirectLocked writes queued text straight to the terminal (character
// mode, or the end of a session), keeping track of the unfinished line so
// line mode can take over where it left off.
func (s *screen) drawDirectLocked() {
	if len(s.queue) == 0 {
		return
	}
	s.out.Write(s.queue)
	if i := bytes.LastIndexByte(s.queue, '\n'); i >= 0 {
		s.partial = append(s.partial[:0], s.queue[i+1:]...)
	} else {
		s.partial = append(s.partial, s.queue...)
	}
	if len(s.partial) > maxPartial {
		s.partial = s.partial[len(s.partial)-maxPartial:]
	}
	s.queue = s.queue[:0]
	s.cond.Broadcast()
}

// echo shows keys typed in character mode, as the terminal would have.
func (s *screen) echo(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []byte
	for _, b := range p {
		switch {
		case b == '\r':
			out = append(out, '\r', '\n')
		case b < 0x20 && b != '\t' || b == 0x7f:
			out = append(out, '^', b^0x40)
		default:
			out = append(out, b)
		}
	}
	s.queue = append(s.queue, out...)
	s.drawDirectLocked()
}

// leaveRow ends the row the cursor is on with mark (as "^]") without
// forgetting the server's unfinished line, which the next prompt redraws.
func (s *screen) leaveRow(mark string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Write([]byte(mark + "\r\n"))
}

// writeLine writes one of rawtalk's own lines at the cursor, which is at
// the start of a row: no editor is drawing, but in character mode server
// text may be, so it takes the lock.
func (s *screen) writeLine(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Write([]byte(text + "\r\n"))
}

// up moves the cursor to the row above, at its start.
func (s *screen) up() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Write([]byte("\x1b[A\r"))
}

// backToPartialRow moves back up to the row the editor just left with a
// newline and shows the server's unfinished line there again.
func (s *screen) backToPartialRow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Write(append([]byte("\x1b[A\r\x1b[K"), promptText(s.partial)...))
}

// setRemoteScreen chooses the safe-display policy: RemoteScreen while the
// server echoes in character mode (it draws the line being typed, and
// full-screen programs draw everything), TextOnly otherwise. Leaving it
// turns off the private modes the server left on (the alternate screen,
// bracketed paste, a hidden cursor), so the line editor gets the terminal
// as the user had it.
func (s *screen) setRemoteScreen(on bool) {
	s.mu.Lock()
	if !s.sanitize || s.closed {
		s.mu.Unlock()
		return
	}
	if on {
		s.san.Policy = RemoteScreen
		s.mu.Unlock()
		return
	}
	s.san.Policy = TextOnly
	n := len(s.queue)
	s.queue = s.san.ResetModes(s.queue)
	if len(s.queue) == n {
		s.mu.Unlock()
		return
	}
	s.showQueuedAndUnlock()
}

// setCharMode switches between line and character mode. Entering character
// mode draws what is queued after the partial line already on screen.
func (s *screen) setCharMode(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.charMode = on
	if on {
		s.drawDirectLocked()
	}
	s.cond.Broadcast()
}

// hold keeps server text queued while the escape prompt is up, as telnet
// does; release lets it be drawn again.
func (s *screen) hold() {
	s.mu.Lock()
	s.held = true
	s.mu.Unlock()
}

func (s *screen) release() {
	s.mu.Lock()
	s.held = false
	if s.charMode {
		s.mu.Unlock() // setCharMode draws what is queued
		return
	}
	s.showQueuedAndUnlock()
}

// lineEntered notes that the user finished a line: the row holding the
// server's partial line now also holds the user's text and a newline.
func (s *screen) lineEntered() {
	s.mu.Lock()
	s.partial = s.partial[:0]
	s.mu.Unlock()
	s.editor.SetPrompt("")
}

// takeServerLine is the last non-blank line the server sent, finished or
// not, as it sent it ("Password: ", "334 UGFzc3dvcmQ6"), if it sent one
// since the last call: the line a typed line answers.
func (s *screen) takeServerLine() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastLine.take()
}

// prompt is what the editor's prompt should show now.
func (s *screen) prompt() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return promptText(s.partial)
}

// drainAll writes whatever is still queued at the end of a session, while
// no editor runs, and ends the screen.
func (s *screen) drainAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.queue); n > 0 {
		midRow := s.queue[n-1] != '\n'
		s.drawDirectLocked()
		if midRow {
			s.out.Write([]byte("\r\n"))
		}
	}
	if s.sanitize {
		if reset := s.san.ResetModes(nil); len(reset) > 0 {
			s.out.Write(reset) // the server's modes end with it
		}
	}
	s.closed = true
	s.cond.Broadcast()
}

// escapePromptUp reports whether the escape prompt is up: it is what
// holds server text back.
func (s *screen) escapePromptUp() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// midRowLocked reports whether text appended to queue would continue a
// row the server left unfinished.
func (s *screen) midRowLocked(queue []byte) bool {
	if len(queue) > 0 {
		return queue[len(queue)-1] != '\n'
	}
	return len(s.partial) > 0
}

// noteOnOwnRow queues text like note, on a row of its own.
func (s *screen) noteOnOwnRow(text string) {
	s.mu.Lock()
	if s.midRowLocked(s.queue) {
		text = "\r\n" + text
	}
	s.mu.Unlock()
	s.note(text)
}

// The session's own words on the screen.

// Note shows one of rawtalk's own lines (telnet's negotiation trace) above
// the line being typed. Any goroutine may call it.
func (s *Session) Note(line string) {
	s.scr.note(line + "\r\n")
}

// notef writes one of rawtalk's own lines. It is called only while no
// editor is reading, so the cursor is at the start of an empty row.
func (s *Session) notef(format string, args ...any) {
	s.scr.writeLine(fmt.Sprintf(format, args...))
}

// markKey shows the key that ended the line just left, ^C or ^], at its
// end, as a terminal's echo would have: the editor has already moved to the
// next row, so this goes back up to the end of the line and returns.
func (s *Session) markKey(prompt, line string, why int32) {
	mark := map[int32]string{whyCtrlC: "^C", whyEscape: "^]"}[why]
	if mark == "" {
		return
	}
	col := runewidth.StringWidth(prompt+line) % s.tty.width()
	s.scr.writeLine(fmt.Sprintf("\x1b[A\x1b[%dG%s", col+1, mark))
}
