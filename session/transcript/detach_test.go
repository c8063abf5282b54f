package transcript

import (
	"bytes"
	"strings"
	"testing"
)

// closeRecorder is a log file that remembers being closed.
type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

// A log handed from one connection's transcript to the next (reconnect)
// stays open across the hand-over, holds both connections each under its
// own header and end line, and is closed by the last one that owns it.
func TestDetachAttachHandsTheLogOn(t *testing.T) {
	file := &closeRecorder{}
	first := New(&scriptedConn{reads: [][]byte{[]byte("one\n")}})
	first.Now = tickingClock()
	if err := first.Start(file, "session.log"); err != nil {
		t.Fatal(err)
	}
	first.Read(make([]byte, 64))
	l, own := first.Detach()
	if l == nil || !own {
		t.Fatalf("Detach = %v, %v; want the log, owned", l, own)
	}
	first.Close()
	if file.closed {
		t.Fatal("closing the first connection closed the log it handed on")
	}

	second := New(&scriptedConn{reads: [][]byte{[]byte("two\n")}})
	second.Now = tickingClock()
	second.Attach(l, own)
	if got := second.Logging(); got != "session.log" {
		t.Errorf("Logging() = %q after Attach", got)
	}
	second.Read(make([]byte, 64))
	second.Close()
	if !file.closed {
		t.Error("the last owner did not close the log")
	}
	text := file.String()
	if strings.Count(text, "rawtalk transcript: ") != 2 || strings.Count(text, "end: ") != 2 ||
		!strings.Contains(text, "< one\\n") || !strings.Contains(text, "< two\\n") {
		t.Errorf("log:\n%s", text)
	}

	// Not logging: nothing to hand on, and Attach(nil) logs nothing.
	idle := New(&scriptedConn{})
	if l, _ := idle.Detach(); l != nil {
		t.Errorf("Detach while not logging = %v", l)
	}
	idle.Attach(nil, false)
	if idle.Logging() != "" {
		t.Error("Attach(nil) started a log")
	}
}
