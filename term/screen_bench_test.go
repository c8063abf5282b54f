package term

import (
	"bytes"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chzyer/readline"
)

// floodText is what a server flooding the screen sends: 79-byte lines.
var floodText = bytes.Repeat([]byte(strings.Repeat("abcdefghij", 7)+"0123456\r\n"), 415) // 32785 bytes

// countingWriter is the terminal: it only counts what is written to it.
type countingWriter struct{ n atomic.Int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return len(p), nil
}

// readlineCost stands in for the line editor with what readline v1.5.1
// writes: Clean erases the input row once (ESC[J ESC[2K CR), and the redraw
// that follows every drawn rune writes the prompt and the typed line.
type readlineCost struct {
	out    io.Writer
	prompt string
	typed  string
	clean  bool // the row is already erased
}

func (e *readlineCost) Clean() {
	if !e.clean {
		io.WriteString(e.out, "\x1b[J\x1b[2K\r")
		e.clean = true
	}
}

func (e *readlineCost) SetPrompt(p string) { e.prompt = p }

func (e *readlineCost) refresh() {
	e.Clean()
	io.WriteString(e.out, e.prompt+e.typed)
	e.clean = false
}

// BenchmarkScreenRender pushes a flood in small chunks through the screen
// and renders every `every` pushes, as the editor's goroutine would when it
// gets to run that often. It reports the bytes written to the terminal per
// byte pushed: coalescing is what keeps that near 1.
func BenchmarkScreenRender(b *testing.B) {
	for _, bc := range []struct {
		name         string
		chunk, every int
	}{
		{"chunk=16/render=each", 16, 1},
		{"chunk=16/render=64", 16, 64},
		{"chunk=4096/render=each", 4096, 1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			out := &countingWriter{}
			ed := &readlineCost{out: out, typed: "half-typed"}
			s := newScreen(out, true)
			s.editor = ed
			s.wantDraw = func() {}
			var pushed int64
			b.SetBytes(int64(len(floodText)))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for off := 0; off < len(floodText); off += bc.chunk {
					s.push(floodText[off:min(off+bc.chunk, len(floodText))])
					if n++; n%bc.every == 0 {
						s.render()
						ed.refresh()
					}
				}
				s.render()
				ed.refresh()
				pushed += int64(len(floodText))
			}
			b.ReportMetric(float64(out.n.Load())/float64(pushed), "out/in")
		})
	}
}

// BenchmarkScreenEditor is the render path as it runs in a session: a
// reader goroutine pushes server text while the real line editor, holding
// a half-typed line, draws it on its own goroutine whenever it is asked.
// How much is coalesced into one render depends on the scheduling, as in a
// real session; out/in is the bytes written to the terminal per byte pushed.
func BenchmarkScreenEditor(b *testing.B) {
	for _, chunk := range []int{64, 4096} {
		b.Run("chunk="+itoa(chunk), func(b *testing.B) {
			out := &countingWriter{}
			in := newInbox()
			s := newScreen(out, true)
			rl, err := readline.NewEx(&readline.Config{
				Stdin:               in,
				Stdout:              out,
				Stderr:              out,
				FuncIsTerminal:      func() bool { return true },
				FuncMakeRaw:         func() error { return nil },
				FuncExitRaw:         func() error { return nil },
				FuncGetWidth:        func() int { return 80 },
				FuncOnWidthChanged:  func(func()) {},
				ForceUseInteractive: true,
				FuncFilterInputRune: func(r rune) (rune, bool) {
					s.render()
					switch r {
					case runeDraw:
						return 0, false
					case readline.CharInterrupt:
						return readline.CharInterrupt, true
					}
					return r, true
				},
			})
			if err != nil {
				b.Fatal(err)
			}
			s.editor = rl
			s.wantDraw = func() { in.writeRune(runeDraw) }
			in.write([]byte("half-typed"))
			done := make(chan string)
			go func() {
				line, _ := rl.Readline()
				done <- line
			}()

			var pushed int64
			b.SetBytes(int64(len(floodText)))
			b.ReportAllocs()
			for b.Loop() {
				for off := 0; off < len(floodText); off += chunk {
					s.push(floodText[off:min(off+chunk, len(floodText))])
				}
				pushed += int64(len(floodText))
			}
			s.mu.Lock() // wait until everything pushed was drawn
			for len(s.queue) > 0 {
				s.cond.Wait()
			}
			s.mu.Unlock()
			b.StopTimer()
			b.ReportMetric(float64(out.n.Load())/float64(pushed), "out/in")

			in.write([]byte{readline.CharInterrupt})
			if line := <-done; line != "half-typed" {
				b.Errorf("the typed line became %q", line)
			}
			in.Close()
			rl.Close()
		})
	}
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		if n /= 10; n == 0 {
			return string(buf[i:])
		}
	}
}
