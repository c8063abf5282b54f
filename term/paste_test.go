package term

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/internal/winetest"

	"github.com/rawtalk/rawtalk/internal/vt"
)

// TestHugePasteDrawnInPlace: a 1 MiB paste, arriving in pieces, is shown
// as its placeholder on the prompt's row, the server's lines above it
// where they were and nothing pushed into the scrollback; Enter sends it.
func TestHugePasteDrawnInPlace(t *testing.T) {
	p := startPTY(t, Options{})
	for i := 1; i <= 5; i++ {
		p.send(fmt.Sprintf("server line %d\r\n", i))
	}
	p.ready()
	p.mu.Lock()
	before := p.screen.Lines()
	p.mu.Unlock()

	const size = 1 << 20
	paste := strings.Repeat("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!\n"[:63]+"+", size/64)
	// The terminal hands the paste over in pieces; the first, 2500 bytes,
	// is drawn before the rest arrives.
	const first = 2500
	p.keys(paste[:first])
	p.waitFor("the first piece", func(s *vt.Screen, _ []byte) bool { return s.CursorLine() != ">" })
	go func() {
		for i := first; i < len(paste); i += 16 << 10 {
			p.master.Write([]byte(paste[i:min(i+16<<10, len(paste))]))
		}
	}()
	mark := fmt.Sprintf("> [%d pasted bytes]", size)
	p.waitFor("the placeholder", func(s *vt.Screen, _ []byte) bool { return s.CursorLine() == mark })
	p.mu.Lock()
	after, scrolled, y := p.screen.Lines(), p.screen.Scrolled, p.screen.Y
	p.mu.Unlock()
	if scrolled != 0 || y != len(before)-1 {
		t.Errorf("the placeholder is on row %d after %d rows scrolled away; want row %d, none scrolled", y, scrolled, len(before)-1)
	}
	want := append(before[:len(before)-1:len(before)-1], mark)
	if strings.Join(after, "\n") != strings.Join(want, "\n") {
		t.Errorf("screen:\n%s\nwant:\n%s", strings.Join(after, "\n"), strings.Join(want, "\n"))
	}
	p.keys("\r")
	p.expect(paste + "\r\n")
}

// TestPasteCutByReadsIsOnePaste: a multi-line paste that the terminal hands
// over in reads cut anywhere, even with a line's last character and its
// Enter, or its Enter alone, in a read of their own, is one paste for the
// history: only its first maxPasteHistory lines are kept. Such cuts are what
// a loaded machine makes of a big paste through a pseudo-terminal.
func TestPasteCutByReadsIsOnePaste(t *testing.T) {
	hist := filepath.Join(winetest.TempDir(t), "history")
	p := startPTY(t, Options{HistoryFile: hist})
	p.ready()
	p.keys("line 00\r")
	p.expect("line 00\r\n")
	for i := 1; i < 3*maxPasteHistory; i++ {
		line := fmt.Sprintf("line %02d", i)
		head := line[:len(line)-i%2] // odd lines: the last digit goes with the Enter
		// Each piece is a read of its own: the next is typed once the
		// session has shown or sent the last.
		p.keys(head)
		p.waitFor("the head of "+line, func(s *vt.Screen, _ []byte) bool { return s.CursorLine() == head })
		p.keys(line[len(head):] + "\r")
		p.expect(line + "\r\n")
	}
	p.server.Close()
	if err := <-p.done; err != nil {
		t.Fatal(err)
	}
	p.done <- nil // for the cleanup
	data, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "line "); n != maxPasteHistory {
		t.Errorf("the paste added %d lines to the history, want %d:\n%s", n, maxPasteHistory, data)
	}
}
