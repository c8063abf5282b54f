package term

import (
	"bytes"
	"slices"
	"strings"

	"github.com/rawtalk/rawtalk/term/explain"
)

// explainer adds --explain's notes to the screen: after each complete
// line the server sent that the explain tables know, a line of rawtalk's
// own, dim and marked "  ↳ ", saying what it means. The notes are only
// ever drawn on the screen: the transcript and the view's piped output
// see the connection's bytes, not the screen's text.
//
// Its fields are guarded by the screen's mu.
type explainer struct {
	proto string // the explain package's name for the protocol; "" for none
	on    bool
	line  []byte // the server's current line, as received, up to maxExplained
	skip  bool   // the current line is not explained: too long, or begun before on
	http  int    // where an HTTP answer is: httpBeforeStatus...
}

// Where an HTTP answer is: only its status line and headers are
// explained, never the body, which may hold anything.
const (
	httpBeforeStatus = iota
	httpHeaders
	httpBody
)

// maxExplained bounds the lines explained: a reply line is short, and
// holding a long one would cost memory for nothing.
const maxExplained = 1024

// Explain styles: SGR dim for the note, reset around it so that it looks
// the same whatever colour the server left on, and the mark that starts
// it, which no reply line starts with.
const (
	noteStart = "\x1b[0;2m  ↳ "
	noteEnd   = "\x1b[0m\r\n"
)

// ExplainProtocol is the name the explain tables know proto by, or ""
// when they have no notes for it: Tab completion's protocols and the
// explain package's mostly share their names.
func ExplainProtocol(proto string) string {
	if slices.Contains(explain.Protocols(), proto) {
		return proto
	}
	return ""
}

// ExplainProtocols are the names --proto takes that have notes.
func ExplainProtocols() []string {
	var names []string
	for _, p := range Protocols() {
		if ExplainProtocol(p) != "" {
			names = append(names, p)
		}
	}
	return names
}

// OrList is "a, b or c".
func OrList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func newExplainer(proto string, on bool) *explainer {
	return &explainer{proto: ExplainProtocol(proto), on: on && ExplainProtocol(proto) != ""}
}

// showExplained is show (the safe-display filter and the view) with the
// notes added after the lines they explain. It is called with s.mu held.
func (s *screen) showExplained(dst, p []byte) []byte {
	e := s.notes
	if e == nil || !e.on || (s.view != nil && s.view.Hex()) {
		return s.show(dst, p)
	}
	// Text between notes goes through show in one piece, so that a long
	// answer with few notes (an HTTP body) costs little more than without.
	shown := 0
	for pos := 0; pos < len(p); {
		i := bytes.IndexByte(p[pos:], '\n')
		if i < 0 {
			e.add(p[pos:])
			break
		}
		end := pos + i + 1
		e.add(p[pos:end])
		if note := e.lineDone(); note != "" {
			dst = s.show(dst, p[shown:end])
			shown = end
			dst = append(dst, noteStart...)
			dst = append(dst, note...)
			dst = append(dst, noteEnd...)
		}
		pos = end
	}
	if shown < len(p) {
		dst = s.show(dst, p[shown:])
	}
	return dst
}

// add keeps p as part of the current line, up to maxExplained.
func (e *explainer) add(p []byte) {
	if e.skip {
		return
	}
	if len(e.line)+len(p) > maxExplained {
		e.skip, e.line = true, e.line[:0]
		return
	}
	e.line = append(e.line, p...)
}

// lineDone ends the current line and returns its note, or "".
func (e *explainer) lineDone() string {
	line := strings.TrimSuffix(strings.TrimSuffix(string(e.line), "\n"), "\r")
	skip := e.skip
	e.line, e.skip = e.line[:0], false
	if skip {
		return ""
	}
	if e.proto == "http" && !e.httpHead(line) {
		return ""
	}
	return explain.Explain(e.proto, line)
}

// httpHead follows an HTTP answer and tells whether line is its status
// line or one of its headers. A body ends, as far as notes go, at the
// next line that is a status line.
func (e *explainer) httpHead(line string) bool {
	if isStatusLine(line) {
		e.http = httpHeaders
		return true
	}
	if e.http != httpHeaders {
		return false
	}
	if line == "" {
		e.http = httpBody
		return false
	}
	return true
}

// isStatusLine tells whether line starts like "HTTP/1.1 302".
func isStatusLine(line string) bool {
	rest, ok := strings.CutPrefix(line, "HTTP/")
	if !ok {
		return false
	}
	_, status, ok := strings.Cut(rest, " ")
	if !ok || len(status) < 3 || (len(status) > 3 && status[3] != ' ') {
		return false
	}
	for _, c := range status[:3] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// setExplain turns the notes on or off (the escape prompt's explain
// command). A line already begun when they come on gets none: its start
// was not seen.
func (s *screen) setExplain(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.notes
	if e == nil || e.on == on {
		return
	}
	e.on = on
	e.line, e.skip = e.line[:0], on && s.midRowLocked(s.queue)
	e.http = httpBeforeStatus
}

// explainState is whether the notes are on, and for which protocol.
func (s *screen) explainState() (on bool, proto string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.notes == nil {
		return false, ""
	}
	return s.notes.on, s.notes.proto
}

// explainCommand is the escape prompt's explain: on, off, or (alone)
// the other.
func (s *Session) explainCommand(arg string) {
	on, proto := s.scr.explainState()
	if proto == "" {
		s.notef("?explain needs a protocol: rawtalk --proto %s", strings.Join(ExplainProtocols(), "|"))
		return
	}
	switch strings.ToLower(arg) {
	case "":
		on = !on
	case "on":
		on = true
	case "off":
		on = false
	default:
		s.notef("?explain takes on or off")
		return
	}
	s.scr.setExplain(on)
	if on {
		s.notef("Explain on: notes (↳) under %s replies; explain off ends them.", proto)
	} else {
		s.notef("Explain off.")
	}
}

// explainStatus is the status command's line about the notes.
func (s *Session) explainStatus() []string {
	on, proto := s.scr.explainState()
	switch {
	case proto == "":
		return nil
	case on:
		return []string{"Explain: on, " + proto + " replies"}
	}
	return []string{"Explain: off (explain on adds a note under " + proto + " replies)"}
}
