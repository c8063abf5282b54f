package term

import (
	"bytes"
	"flag"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/NAME; -update rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", file, got, want)
	}
}

// hexSample has every kind of byte and a length that is not a multiple
// of 16.
var hexSample = []byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n\x00\x01\x1b[2J\x7f\x80\xff caf\xc3\xa9 hello")

// chunks cuts p into pieces of the given sizes, cycling.
func chunks(p []byte, sizes ...int) [][]byte {
	var out [][]byte
	for i := 0; len(p) > 0; i++ {
		n := min(sizes[i%len(sizes)], len(p))
		out = append(out, p[:n])
		p = p[n:]
	}
	return out
}

// Piped --hex is hexdump -Cv's output, however the reads were cut.
func TestHexWriterGolden(t *testing.T) {
	var first []byte
	for _, sizes := range [][]int{{len(hexSample)}, {1}, {3, 16, 5}, {16}, {17, 15}} {
		var out bytes.Buffer
		w := &hexWriter{w: &out}
		for _, c := range chunks(hexSample, sizes...) {
			if n, err := w.Write(c); n != len(c) || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		w.Close()
		w.Close() // a second Close adds nothing
		if first == nil {
			first = out.Bytes()
			golden(t, "hexdump.golden", first)
		} else if !bytes.Equal(out.Bytes(), first) {
			t.Errorf("reads of %v give\n%s\nwant\n%s", sizes, out.Bytes(), first)
		}
	}
	var empty bytes.Buffer
	(&hexWriter{w: &empty}).Close()
	if empty.Len() != 0 {
		t.Errorf("no bytes dump as %q, want nothing (as hexdump)", empty.String())
	}
}

// The same bytes through the real hexdump, where it is installed.
func TestHexWriterMatchesHexdump(t *testing.T) {
	path, err := exec.LookPath("hexdump")
	if err != nil {
		t.Skip("no hexdump to compare with")
	}
	cmd := exec.Command(path, "-Cv")
	cmd.Stdin = bytes.NewReader(hexSample)
	want, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	w := &hexWriter{w: &got}
	w.Write(hexSample)
	w.Close()
	if got.String() != string(want) {
		t.Errorf("got\n%s\nhexdump -Cv prints\n%s", got.String(), want)
	}
}

// On a terminal each read is dumped at once, marked <, and what was sent
// is dumped too, marked >; offsets count each direction.
func TestHexViewGolden(t *testing.T) {
	v := NewView(ViewOptions{Hex: true})
	scr := newScreen(nil, true)
	scr.setView(v)
	var sent []string
	v.onSent = func(text string) { sent = append(sent, text) }
	var out []byte
	out = scr.show(out, []byte("220 ready\r\n"))
	conn := v.Conn(discardConn{})
	conn.Write([]byte("EHLO me\r\n"))
	out = append(out, sent[0]...)
	out = scr.show(out, hexSample)
	conn.Write([]byte("QUIT\r\n"))
	out = append(out, sent[1]...)
	golden(t, "hexview.golden", out)
	if bytes.ContainsAny(bytes.ReplaceAll(out, []byte("\r\n"), nil), "\x00\x1b\r\n\x7f") {
		t.Errorf("the dump holds control bytes")
	}
}

// Hex on over a row the server left unfinished starts a new row.
func TestHexViewStartsOwnRow(t *testing.T) {
	v := NewView(ViewOptions{})
	scr := newScreen(nil, true)
	scr.setView(v)
	out := scr.show(nil, []byte("login: "))
	v.SetHex(true)
	out = scr.show(out, []byte("x"))
	want := "login: \r\n< 00000007  78" + strings.Repeat(" ", 48) + "|x|\r\n"
	if string(out) != want {
		t.Errorf("got %q\nwant %q", out, want)
	}
}

type discardConn struct{ net.Conn }

func (discardConn) Write(p []byte) (int, error) { return len(p), nil }

func TestShowEnds(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   string // with eol "\n": what piped mode writes
	}{
		{"crlf", []string{"250 ok\r\n"}, "250 ok␍␊\n"},
		{"lf", []string{"a\nb\n"}, "a␊\nb␊\n"},
		{"lone cr", []string{"50%\r100%\r\n"}, "50%␍\n100%␍␊\n"},
		{"crlf cut between reads", []string{"one\r", "\ntwo\r", "\n"}, "one␍␊\ntwo␍␊\n"},
		{"cr at the end", []string{"end\r"}, "end␍\n"},
		{"cr cr lf", []string{"x\r\r\n"}, "x␍\n␍␊\n"},
		{"no ending", []string{"prompt> "}, "prompt> "},
		{"blank lines", []string{"\r\n\r\n"}, "␍␊\n␍␊\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			w := NewView(ViewOptions{ShowEnds: true}).Writer(&out)
			for _, c := range tt.chunks {
				w.Write([]byte(c))
			}
			w.Close()
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

// On a terminal the marks come after the safe-display filter: a control
// byte is still shown as text, and the line breaks are CRLF.
func TestShowEndsOnScreen(t *testing.T) {
	scr := newScreen(nil, true)
	scr.setView(NewView(ViewOptions{ShowEnds: true}))
	out := scr.show(nil, []byte("a\x07\r\nb\n"))
	if want := "a^G␍␊\r\nb␊\r\n"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// fakeClock is a clock the test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestTimestamps(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	v := NewView(ViewOptions{Timestamps: true, Now: clock.now})
	var out bytes.Buffer
	w := v.Writer(&out)
	conn := v.Conn(discardConn{})

	clock.t = clock.t.Add(40 * time.Millisecond)
	w.Write([]byte("220 hello\r\n")) // before any send: since the start
	clock.t = clock.t.Add(time.Second)
	conn.Write([]byte("EHLO me\r\n"))
	clock.t = clock.t.Add(12 * time.Millisecond)
	w.Write([]byte("250-one\r\n250 tw"))
	clock.t = clock.t.Add(3 * time.Millisecond)
	w.Write([]byte("o\r\n")) // the rest of a line: no new stamp
	clock.t = clock.t.Add(2500 * time.Millisecond)
	w.Write([]byte("late\n"))
	w.Close()
	want := "[+0.040s] 220 hello\r\n[+0.012s] 250-one\r\n[+0.012s] 250 two\r\n[+2.515s] late\n"
	if out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
}

func TestTimestampsWithShowEnds(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	v := NewView(ViewOptions{Timestamps: true, ShowEnds: true, Now: clock.now})
	var out bytes.Buffer
	w := v.Writer(&out)
	clock.t = clock.t.Add(5 * time.Millisecond)
	w.Write([]byte("a\r"))
	w.Write([]byte("b\r\n"))
	w.Close()
	if want := "[+0.005s] a␍\n[+0.005s] b␍␊\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// With nothing on, the view passes text unchanged.
func TestViewOffIsTransparent(t *testing.T) {
	v := NewView(ViewOptions{})
	if v.Active() {
		t.Fatal("a view with nothing on says it is active")
	}
	scr := newScreen(nil, true)
	scr.setView(v)
	if out := scr.show(nil, []byte("a\r\nb\x1b]0;x\x07")); string(out) != "a\r\nb^[]0;x^G" {
		t.Errorf("got %q", out)
	}
}

// BenchmarkScreenView is the screen's push path with the learning view:
// none (as before the view existed), the inactive view every interactive
// session has, and each transform.
func BenchmarkScreenView(b *testing.B) {
	for _, bc := range []struct {
		name string
		view *View
	}{
		{"none", nil},
		{"inactive", NewView(ViewOptions{})},
		{"show-ends", NewView(ViewOptions{ShowEnds: true})},
		{"timestamps", NewView(ViewOptions{Timestamps: true})},
		{"hex", NewView(ViewOptions{Hex: true})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			out := &countingWriter{}
			ed := &readlineCost{out: out}
			s := newScreen(out, true)
			s.editor = ed
			s.wantDraw = func() {}
			s.setView(bc.view)
			b.SetBytes(int64(len(floodText)))
			b.ReportAllocs()
			for b.Loop() {
				for off := 0; off < len(floodText); off += 4096 {
					s.push(floodText[off:min(off+4096, len(floodText))])
					s.render()
				}
			}
		})
	}
}

// FuzzShowEnds: however the bytes are cut into reads, every CR and LF is
// marked once, none is left raw but the line breaks written after marks,
// and the other bytes pass in order.
func FuzzShowEnds(f *testing.F) {
	for _, seed := range []string{"a\r\nb\nc\rd", "\r\r\n\n", "plain", "\r"} {
		f.Add([]byte(seed), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		if bytes.Contains(in, []byte(markCR)) || bytes.Contains(in, []byte(markLF)) {
			t.Skip("the marks themselves in the input")
		}
		var out bytes.Buffer
		w := NewView(ViewOptions{ShowEnds: true}).Writer(&out)
		for _, c := range chunks(in, int(cut%7)+1) {
			w.Write(c)
		}
		w.Close()
		got := out.String()
		if n, want := strings.Count(got, markCR), bytes.Count(in, []byte("\r")); n != want {
			t.Fatalf("%d CR marks for %d CRs in %q: %q", n, want, in, got)
		}
		if n, want := strings.Count(got, markLF), bytes.Count(in, []byte("\n")); n != want {
			t.Fatalf("%d LF marks for %d LFs in %q: %q", n, want, in, got)
		}
		if strings.Contains(got, "\r") {
			t.Fatalf("a raw CR in %q", got)
		}
		plain := strings.NewReplacer(markCR+"\n", "", markLF+"\n", "", markCR, "").Replace(got)
		want := strings.NewReplacer("\r", "", "\n", "").Replace(string(in))
		if plain != want {
			t.Fatalf("text %q, want %q", plain, want)
		}
	})
}
