package term

import (
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/vt"
)

// countX counts the X cells on the screen.
func countX(s *vt.Screen) int {
	n := 0
	for _, l := range s.Lines() {
		n += strings.Count(l, "X")
	}
	return n
}

// TestWidePartialLineDrawnOnce: a server line wider than the window, left
// without a newline (a MariaDB greeting), is drawn once, also after the
// user types.
func TestWidePartialLineDrawnOnce(t *testing.T) {
	p := startPTY(t, Options{})
	p.send(strings.Repeat("X", 150))
	p.waitFor("150 X", func(s *vt.Screen, _ []byte) bool { return countX(s) == 150 })
	for _, k := range []string{"a", "b", "c"} {
		p.keys(k)
		p.waitFor("the typed "+k, func(s *vt.Screen, _ []byte) bool { return strings.HasSuffix(s.CursorLine(), k) })
	}
	p.mu.Lock()
	n, screen := countX(p.screen), p.screen.String()
	p.mu.Unlock()
	if n != 150 {
		t.Errorf("the screen shows %d X, want 150:\n%s", n, screen)
	}
	p.keys("\r")
	p.expect("abc\r\n")
}
