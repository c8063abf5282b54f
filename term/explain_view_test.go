package term

import (
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/term/explain"
)

// note is how a note for text looks in the screen's text.
func note(text string) string { return noteStart + text + noteEnd }

// explainScreen is a screen with --explain on for proto, and the view
// given (nil for none).
func explainScreen(proto string, v *View) *screen {
	scr := newScreen(nil, true)
	scr.setView(v)
	scr.notes = newExplainer(proto, true)
	return scr
}

// showAll gives p to the screen in pieces of the given sizes and returns
// the text it would draw.
func showAll(scr *screen, p string, sizes ...int) string {
	if len(sizes) == 0 {
		sizes = []int{len(p)}
	}
	var out []byte
	for _, c := range chunks([]byte(p), sizes...) {
		out = scr.showExplained(out, c)
	}
	return string(out)
}

// HTTP: notes for the status line and the headers worth one, after the
// line, however the reads were cut; none for the body, even for a line
// that looks like a header; the next answer's head gets notes again.
func TestExplainHTTP(t *testing.T) {
	answer := "HTTP/1.1 302 Found\r\nLocation: /new\r\nX-Other: 1\r\nContent-Length: 27\r\n\r\n" +
		"Location: not a header\r\n200\r\n" +
		"HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n"
	want := "HTTP/1.1 302 Found\r\n" + note("302 Found: the resource is elsewhere; the Location header says where") +
		"Location: /new\r\n" + note("Location: where to go next; a redirect's client requests this") +
		"X-Other: 1\r\n" +
		"Content-Length: 27\r\n" + note("Content-Length: the body is this many bytes; the answer ends after them") +
		"\r\n" +
		"Location: not a header\r\n200\r\n" +
		"HTTP/1.1 404 Not Found\r\n" + note("404 Not Found: nothing at this path") +
		"Connection: close\r\n" + note("Connection: close: the server closes the connection after this answer") +
		"\r\n"
	for _, sizes := range [][]int{{len(answer)}, {1}, {3, 7}, {19}} {
		if got := showAll(explainScreen("http", nil), answer, sizes...); got != want {
			t.Errorf("reads of %v:\ngot  %q\nwant %q", sizes, got, want)
		}
	}
}

// A note follows the last line of a multi-line SMTP reply only, and the
// safe-display filter still applies to the server's text, never to the
// note, which holds no server byte.
func TestExplainSMTPAndSafeDisplay(t *testing.T) {
	got := showAll(explainScreen("smtp", nil), "250-hello\x1b]0;owned\x07\r\n250 OK\r\n550 \x1b[2Jno\r\n", 5)
	want := "250-hello^[]0;owned^G\r\n" +
		"250 OK\r\n" + note(explain.Explain("smtp", "250 OK")) +
		"550 ^[[2Jno\r\n" + note(explain.Explain("smtp", "550 no"))
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// No note for a protocol the tables do not know, when off, in the hex
// dump, or for a line still being received.
func TestExplainOnlyWhenItApplies(t *testing.T) {
	for _, tc := range []struct {
		name string
		scr  *screen
	}{
		{"no protocol", explainScreen("", nil)},
		{"memcached", explainScreen("memcached", nil)},
		{"off", func() *screen { s := newScreen(nil, true); s.notes = newExplainer("smtp", false); return s }()},
		{"hex", explainScreen("smtp", NewView(ViewOptions{Hex: true}))},
	} {
		got := showAll(tc.scr, "250 OK\r\n")
		if strings.Contains(got, "↳") {
			t.Errorf("%s: a note: %q", tc.name, got)
		}
	}
	if got := showAll(explainScreen("smtp", nil), "250 OK"); got != "250 OK" {
		t.Errorf("an unfinished line: %q", got)
	}
}

// With --show-ends and --timestamps the marks stay on the server's lines:
// the note comes after the marked line break and is not stamped.
func TestExplainWithView(t *testing.T) {
	v := NewView(ViewOptions{ShowEnds: true})
	got := showAll(explainScreen("pop3", v), "+OK ready\r\n-ERR no\r\n", 4)
	want := "+OK ready␍␊\r\n" + note(explain.Explain("pop3", "+OK")) + "-ERR no␍␊\r\n" + note(explain.Explain("pop3", "-ERR"))
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// Turned on in the middle of a line, the notes start at the next line;
// a line too long to be a reply line gets none.
func TestExplainTurnedOnMidLine(t *testing.T) {
	scr := newScreen(nil, true)
	scr.notes = newExplainer("pop3", false)
	out := string(scr.showExplained(nil, []byte("+OK par")))
	scr.setExplain(true)
	got := out + showAll(scr, "t\r\n+OK\r\n"+strings.Repeat("x", maxExplained)+"\r\n-ERR\r\n")
	want := "+OK part\r\n+OK\r\n" + note(explain.Explain("pop3", "+OK")) + strings.Repeat("x", maxExplained) + "\r\n" +
		"-ERR\r\n" + note(explain.Explain("pop3", "-ERR"))
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// The note's style: dim, on a row of its own, the attributes reset on both
// sides, marked with the arrow.
func TestExplainNoteStyle(t *testing.T) {
	if noteStart != "\x1b[0;2m  ↳ " || noteEnd != "\x1b[0m\r\n" {
		t.Errorf("note style %q ... %q", noteStart, noteEnd)
	}
}
