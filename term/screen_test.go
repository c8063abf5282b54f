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

// TestRemoteScreenModesEndWithTheSession: a server that echoes in
// character mode may switch to the alternate screen and hide the cursor;
// when it goes, the terminal gets its own screen and cursor back.
func TestRemoteScreenModesEndWithTheSession(t *testing.T) {
	var sess *Session
	p := startPTYWith(t, Options{}, func(s *Session) { sess = s })
	sess.ServerMode(true, false)
	p.send("\x1b[?1049h\x1b[?25lfull screen")
	p.waitFor("the modes passed", func(s *vt.Screen, raw []byte) bool {
		return strings.Contains(string(raw), "\x1b[?1049h\x1b[?25lfull screen")
	})
	p.server.Close()
	if err := <-p.done; err != nil {
		t.Fatal(err)
	}
	p.done <- nil // for the cleanup
	p.waitFor("the modes reset", func(s *vt.Screen, raw []byte) bool {
		_, after, _ := strings.Cut(string(raw), "full screen")
		return strings.Contains(after, "\x1b[?1049l\x1b[?25h")
	})
}
