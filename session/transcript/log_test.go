package transcript

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/rawtalk/rawtalk/internal/winetest"
)

// Sessions one after another append to one open log, each with its
// header and end line (-l -k --log FILE).
func TestLogTakesSessionAfterSession(t *testing.T) {
	path := filepath.Join(winetest.TempDir(t), "talk.log")
	f, err := OpenLog(path)
	if err != nil {
		t.Fatal(err)
	}
	l := NewLog(f, path)
	for i := range 3 {
		tr := New(&scriptedConn{reads: [][]byte{[]byte(fmt.Sprintf("client %d\r\n", i))}})
		tr.StartLog(l)
		if tr.Logging() != path {
			t.Errorf("Logging() = %q", tr.Logging())
		}
		tr.Write([]byte(fmt.Sprintf("hello %d\r\n", i)))
		io.Copy(io.Discard, tr)
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// The sessions leave the file open for the next.
	if _, err := f.WriteString(""); err != nil {
		t.Fatalf("a session closed the shared log: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, word := range []string{"rawtalk transcript:", "< EOF", "end: 9 bytes sent, 10 bytes received"} {
		if n := strings.Count(string(data), word); n != 3 {
			t.Errorf("%d %q lines, want 3:\n%s", n, word, data)
		}
	}
	if got := decode(t, data, '<'); got != "client 0\r\nclient 1\r\nclient 2\r\n" {
		t.Errorf("received %q", got)
	}
	if got := decode(t, data, '>'); got != "hello 0\r\nhello 1\r\nhello 2\r\n" {
		t.Errorf("sent %q", got)
	}
}

// diskWriter takes room bytes, then fails as a full disk does: a short
// write, then ENOSPC. free makes room again.
type diskWriter struct {
	buf  bytes.Buffer // a field, not embedded: its WriteString would go around Write
	room int
}

func (w *diskWriter) String() string { return w.buf.String() }

func (w *diskWriter) Write(p []byte) (int, error) {
	if len(p) <= w.room {
		w.room -= len(p)
		return w.buf.Write(p)
	}
	n := w.room
	w.buf.Write(p[:n])
	w.room = 0
	return n, syscall.ENOSPC
}

// A log that fills up mid-session ends there, is reported once, and the
// session goes on: every read still returns its bytes. The file ends with
// a note when it takes one, on a line of its own after the torn record.
func TestLogFillsUpMidSession(t *testing.T) {
	for _, tt := range []struct {
		name     string
		freeAt   string // "" never; "fail": right after the failure; "close": before Close
		wantNote bool
	}{
		{"stays full", "", false},
		{"room again at once", "fail", true},
		{"room again at the end", "close", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reads := [][]byte{[]byte("one\r\n"), bytes.Repeat([]byte("x"), 200), []byte("three\r\n")}
			conn := &scriptedConn{reads: reads}
			w := &diskWriter{room: 200}
			l := NewLog(w, "t.log")
			var told []*LogError
			l.OnFail = func(err *LogError) {
				told = append(told, err)
				if tt.freeAt == "fail" {
					w.room = 1 << 20
				}
			}
			tr := New(conn)
			tr.StartLog(l)
			var got []byte
			buf := make([]byte, 512)
			for {
				n, err := tr.Read(buf)
				got = append(got, buf[:n]...)
				if err != nil {
					break
				}
			}
			tr.Close()
			if want := "one\r\n" + strings.Repeat("x", 200) + "three\r\n"; string(got) != want {
				t.Errorf("the session lost bytes: got %q", got)
			}
			if len(told) != 1 || !errors.Is(told[0], syscall.ENOSPC) {
				t.Fatalf("OnFail told %v, want one ENOSPC", told)
			}
			if want := "cannot write the transcript t.log: No space left on device"; told[0].Error() != want {
				t.Errorf("message %q, want %q", told[0], want)
			}
			if tt.freeAt == "close" {
				w.room = 1 << 20
			}
			if err := l.Close(); !errors.Is(err, syscall.ENOSPC) || !errors.Is(l.Err(), syscall.ENOSPC) || !errors.Is(tr.Err(), syscall.ENOSPC) {
				t.Errorf("Close = %v, Err = %v, transcript Err = %v; want the log reported incomplete", err, l.Err(), tr.Err())
			}
			text := w.String()
			lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
			last := lines[len(lines)-1]
			hasNote := strings.HasPrefix(last, "# ") && strings.HasSuffix(last, " transcript incomplete: writing it failed: No space left on device; nothing after this was logged")
			if hasNote != tt.wantNote {
				t.Errorf("note at the end: %v, want %v:\n%s", hasNote, tt.wantNote, text)
			}
			if tt.wantNote {
				torn := lines[len(lines)-2]
				if !strings.Contains(torn, " < xxx") || strings.HasSuffix(torn, `\n`) {
					t.Errorf("the line before the note is %q, want the torn record", torn)
				}
				if strings.Count(text, "transcript incomplete") != 1 {
					t.Errorf("the note is there more than once:\n%s", text)
				}
			}
			if strings.Contains(text, "three") || strings.Contains(text, "end:") {
				t.Errorf("records after the failure reached the log:\n%s", text)
			}
		})
	}
}

// A log that takes nothing (/dev/full) costs the log, not the session;
// later sessions on the same log are not reported again.
func TestLogDevFull(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/full on Windows") // Wine's Z: drive would open Linux's
	}
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	l := NewLog(f, "/dev/full")
	told := 0
	l.OnFail = func(*LogError) { told++ }
	for range 2 {
		tr := New(&scriptedConn{reads: [][]byte{[]byte("hi\r\n")}})
		tr.StartLog(l)
		if n, err := tr.Read(make([]byte, 10)); n != 4 || err != nil {
			t.Errorf("read %d, %v", n, err)
		}
		tr.Close()
	}
	if told != 1 {
		t.Errorf("OnFail called %d times, want 1", told)
	}
	if err := l.Close(); err == nil || err.Error() != "cannot write the transcript /dev/full: No space left on device" {
		t.Errorf("Close = %v", err)
	}
}

// A log that fails to close is incomplete too (NFS reports errors there).
func TestLogCloseFailure(t *testing.T) {
	l := NewLog(closeFails{}, "nfs.log")
	told := 0
	l.OnFail = func(*LogError) { told++ }
	tr := New(&scriptedConn{})
	tr.StartLog(l)
	tr.Close()
	if err := l.Close(); !errors.Is(err, syscall.EIO) || told != 1 {
		t.Errorf("Close = %v, told %d", err, told)
	}
	if err := l.Close(); !errors.Is(err, syscall.EIO) {
		t.Errorf("second Close = %v", err)
	}
}

type closeFails struct{}

func (closeFails) Write(p []byte) (int, error) { return len(p), nil }
func (closeFails) Close() error                { return syscall.EIO }
