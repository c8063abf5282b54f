package term

// A session run in this process on a real pseudo-terminal, against a server
// on 127.0.0.1, watched through a small terminal emulator: the harness for
// the tests of keys, history and the screen.

import (
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/rawtalk/rawtalk/internal/vt"
)

// ptyDeadline bounds every wait for the server's bytes, a screen state or
// the end. It is a limit, not a delay: waits end as soon as the state is
// there. It is as generous as the CLI's, because a 10,000-line paste took
// 20-24 s under -race with 6 such tests and 6 CPU burners on 2 cores.
const ptyDeadline = 30 * time.Second

type ptySession struct {
	t      *testing.T
	master *os.File
	server net.Conn
	done   chan error

	mu      sync.Mutex
	screen  *vt.Screen
	raw     []byte        // everything the session wrote to the terminal
	updated chan struct{} // gets a token after each write to the screen
}

// startPTY runs a session with opt on an 80x24 pseudo-terminal.
func startPTY(t *testing.T, opt Options) *ptySession {
	return startPTYWith(t, opt, nil)
}

// startPTYWith is startPTY; prepare, if set, gets the session before it runs
// (to give it a fake telnet layer, say).
func startPTYWith(t *testing.T, opt Options, prepare func(*Session)) *ptySession {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("a pseudo-terminal test: creack/pty has none on Windows (.ci/wine runs rawtalk.exe in a Unix pty instead)")
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	pty.Setsize(master, &pty.Winsize{Cols: 80, Rows: 24})
	keys, err := os.OpenFile(slave.Name(), os.O_RDONLY, 0) // pollable, as the CLI opens it
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	// Ours is the connection from conn: another test process may probe
	// this port as one it freed (a "closed" port) and get here first.
	var server net.Conn
	for server == nil {
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		if c.RemoteAddr().String() != conn.LocalAddr().String() {
			c.Close()
			continue
		}
		server = c
	}
	p := &ptySession{t: t, master: master, server: server, done: make(chan error, 1),
		screen: vt.New(80, 24), updated: make(chan struct{}, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.mu.Lock()
			p.screen.Write(buf[:n])
			p.raw = append(p.raw, buf[:n]...)
			p.mu.Unlock()
			select {
			case p.updated <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	s := New(Terminal{In: keys, Out: slave, Fd: int(slave.Fd())}, opt)
	if prepare != nil {
		prepare(s)
	}
	go func() {
		_, err := s.Run(conn)
		p.done <- err
	}()
	t.Cleanup(func() {
		p.server.Close()
		select {
		case <-p.done:
		case <-time.After(ptyDeadline):
			t.Error("the session did not end when the server closed")
		}
		keys.Close()
		slave.Close()
		master.Close()
	})
	return p
}

// keys types into the terminal.
func (p *ptySession) keys(s string) {
	p.t.Helper()
	if _, err := p.master.Write([]byte(s)); err != nil {
		p.t.Fatal(err)
	}
}

// send writes to the session as the server.
func (p *ptySession) send(s string) {
	p.t.Helper()
	if _, err := p.server.Write([]byte(s)); err != nil {
		p.t.Fatal(err)
	}
}

// expect reads exactly want from the connection, as the server.
func (p *ptySession) expect(want string) {
	p.t.Helper()
	p.server.SetReadDeadline(time.Now().Add(ptyDeadline))
	got := make([]byte, len(want))
	n, err := io.ReadFull(p.server, got)
	if err != nil || string(got) != want {
		p.t.Fatalf("server got %q (%v), want %q\nscreen:\n%s", got[:n], err, want, p.screenText())
	}
}

// waitFor waits until cond holds for the screen.
func (p *ptySession) waitFor(what string, cond func(s *vt.Screen, raw []byte) bool) {
	p.t.Helper()
	deadline := time.After(ptyDeadline)
	for {
		p.mu.Lock()
		ok := cond(p.screen, p.raw)
		p.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-p.updated:
		case <-deadline:
			p.t.Fatalf("timed out waiting for %s; screen:\n%s", what, p.screenText())
		}
	}
}

// waitText waits until the screen shows text.
func (p *ptySession) waitText(text string) {
	p.t.Helper()
	p.waitFor(strings.TrimSpace(text), func(s *vt.Screen, _ []byte) bool { return s.Contains(text) })
}

func (p *ptySession) screenText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.screen.String()
}

// ready waits until the session draws the server's prompt "> ", so keys
// typed next reach the line editor.
func (p *ptySession) ready() {
	p.t.Helper()
	p.send("> ")
	p.waitFor("the prompt", func(s *vt.Screen, _ []byte) bool { return s.CursorLine() == ">" && s.X == 2 })
}
