//go:build unix

package cli

// Against a real telnetd running bash, less and vi, rawtalk --telnet shows
// what telnet shows for the same keys: both clients run in a pseudo-terminal
// of the same size, watched by the same emulator, and their screens are
// compared after every step. It needs root (telnetd), inetutils-telnetd,
// a telnet client and bash, and skips without them; .ci/run installs them.

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/vt"
)

// lookTools finds the programs the comparison needs, or skips the test.
func lookTools(t *testing.T, names ...string) map[string]string {
	t.Helper()
	found := map[string]string{}
	for _, name := range names {
		path, err := exec.LookPath(name)
		if err != nil {
			path, err = exec.LookPath("/usr/sbin/" + name)
		}
		if err != nil {
			t.Skipf("%s not found (Debian: apt-get install inetutils-telnetd telnet less vim-tiny)", name)
		}
		found[name] = path
	}
	return found
}

// startTelnetd listens on 127.0.0.1 and, as inetd does, runs telnetd for
// each connection with the socket as its stdin and stdout. telnetd runs
// login's replacement, a bash with no startup files, a fixed prompt and
// home, in a pseudo-terminal of its own; no password is asked.
//
// inetutils telnetd closes the connection from its SIGCHLD handler the
// moment its login process exits, dropping whatever that process wrote
// that telnetd has not yet read from the pseudo-terminal: bash's last
// "exit" line went missing at random, from either client. So login's
// replacement outlives bash until the returned release is called, and the
// test calls it once both screens show bash's last words.
func startTelnetd(t *testing.T, telnetd, bash string) (port string, release func()) {
	t.Helper()
	home := t.TempDir()
	shell := filepath.Join(home, "shell")
	gate := filepath.Join(home, "release")
	if err := syscall.Mkfifo(gate, 0o600); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("#!/bin/sh\ncd %s || exit 1\n"+
		"env -i HOME=%[1]s TERM=xterm LANG=C.UTF-8 PATH=/usr/bin:/bin PS1='$ ' LESSHISTFILE=- %s --norc --noprofile -i\n"+
		"read -r _ < %s\n",
		home, bash, gate)
	if err := os.WriteFile(shell, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	lines := make([]string, 40)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d of the file", i+1)
	}
	if err := os.WriteFile(filepath.Join(home, "file.txt"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		closed  bool // no server starts once the test is cleaning up
		servers []*exec.Cmd
		logs    []*bytes.Buffer // each server's stderr, read once it is waited for
	)
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		closed = true
		for i, cmd := range servers {
			cmd.Process.Kill()
			cmd.Wait()
			if t.Failed() && logs[i].Len() > 0 {
				t.Logf("telnetd said:\n%s", logs[i])
			}
		}
	})
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			f, err := conn.(*net.TCPConn).File()
			conn.Close()
			if err != nil {
				continue
			}
			cmd := exec.Command(telnetd, "-h", "-E", shell)
			cmd.Stdin, cmd.Stdout = f, f
			log := new(bytes.Buffer)
			cmd.Stderr = log
			mu.Lock()
			if closed {
				mu.Unlock()
				f.Close()
				return
			}
			if err := cmd.Start(); err == nil {
				servers = append(servers, cmd)
				logs = append(logs, log)
			}
			mu.Unlock()
			f.Close()
		}
	}()
	release = func() {
		t.Helper()
		// Opening a FIFO to write waits for its reader: the script, once
		// bash has exited.
		done := make(chan error, 1)
		go func() { done <- os.WriteFile(gate, []byte("\n"), 0o600) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(deadline):
			t.Fatal("bash did not exit: login's replacement never waited to be released")
		}
	}
	return strings.TrimPrefix(ln.Addr().String(), "127.0.0.1:"), release
}

// clientPair is telnet and rawtalk --telnet, each in its own terminal,
// each logged in to its own telnetd session.
type clientPair struct {
	t                 *testing.T
	telnet, rawtalk   *tty
	telnetOff, rawOff int // the row of each one's first prompt: above it, the clients' own lines
}

// view is a screen to compare: the rows from the first prompt on (the
// clients may word their own lines differently) and the cursor, or the
// whole alternate screen while a full-screen program is up.
func view(s *vt.Screen, off int) (lines []string, x, y int) {
	if s.Alternate() {
		return s.Lines(), s.X, s.Y
	}
	all := s.Lines()
	if off < len(all) {
		lines = all[off:]
	}
	return lines, s.X, s.Y - off
}

// typeKeys sends the same keys to both clients and waits until both
// screens satisfy done and read the same.
func (p *clientPair) typeKeys(keys, what string, done func(s *vt.Screen) bool) {
	p.t.Helper()
	p.telnet.send(keys)
	p.rawtalk.send(keys)
	p.same(what, done)
}

// same waits until both screens satisfy done and read the same.
func (p *clientPair) same(what string, done func(s *vt.Screen) bool) {
	p.t.Helper()
	timeout := time.After(deadline)
	for {
		p.telnet.mu.Lock()
		p.rawtalk.mu.Lock()
		tl, tx, ty := view(p.telnet.screen, p.telnetOff)
		rl, rx, ry := view(p.rawtalk.screen, p.rawOff)
		ok := done(p.telnet.screen) && done(p.rawtalk.screen) &&
			slices.Equal(tl, rl) && tx == rx && ty == ry
		tdump, rdump := p.telnet.screen.String(), p.rawtalk.screen.String()
		p.rawtalk.mu.Unlock()
		p.telnet.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-p.telnet.update:
		case <-p.rawtalk.update:
		case <-timeout:
			p.t.Fatalf("%s: the screens differ or are not there yet\ntelnet:\n%s\nrawtalk:\n%s", what, tdump, rdump)
		}
	}
}

// firstPrompt waits for the shell's first prompt and returns its row.
func firstPrompt(c *tty) int {
	c.t.Helper()
	c.waitFor("the first prompt", func(s *vt.Screen) bool { return s.CursorLine() == "$" && s.X == 2 })
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.screen.Y
}

// atPrompt is the shell waiting at an empty prompt.
func atPrompt(s *vt.Screen) bool { return !s.Alternate() && s.CursorLine() == "$" && s.X == 2 }

func TestTelnetdSessionDrawsAsTelnet(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("telnetd runs as root, as under inetd")
	}
	tools := lookTools(t, "telnetd", "telnet", "bash")
	if out, _ := exec.Command(tools["telnetd"], "--version").CombinedOutput(); !bytes.Contains(out, []byte("inetutils")) {
		t.Skipf("%s is not inetutils-telnetd", tools["telnetd"])
	}
	p := &clientPair{t: t}
	telnetPort, releaseTelnet := startTelnetd(t, tools["telnetd"], tools["bash"])
	rawPort, releaseRaw := startTelnetd(t, tools["telnetd"], tools["bash"])
	p.telnet = startTTYCommand(t, exec.Command(tools["telnet"], "127.0.0.1", telnetPort), nil)
	p.rawtalk = startTTY(t, nil, "--telnet", "127.0.0.1", rawPort)
	p.telnetOff, p.rawOff = firstPrompt(p.telnet), firstPrompt(p.rawtalk)
	p.same("the first prompt", atPrompt)

	// bash's line editor: a typo rubbed out, a letter inserted after Left.
	cursorAt := func(line string, x int) func(s *vt.Screen) bool {
		return func(s *vt.Screen) bool { return s.CursorLine() == line && s.X == x }
	}
	p.typeKeys("echo hxlo", "typing", cursorAt("$ echo hxlo", 11))
	p.typeKeys("\x7f\x7f", "two backspaces", cursorAt("$ echo hx", 9))
	p.typeKeys("lo", "typing on", cursorAt("$ echo hxlo", 11))
	p.typeKeys("\x1b[D\x1b[D", "twice Left", cursorAt("$ echo hxlo", 9))
	p.typeKeys("\x7fel", "a backspace and an insertion", cursorAt("$ echo hello", 10))
	p.typeKeys("\r", "Enter", atPrompt)
	p.same("the output", func(s *vt.Screen) bool { return atPrompt(s) && s.Line(s.Y-1) == "hello" })
	// A prompt that sets the window title, as Debian's default .bashrc
	// makes for an xterm.
	p.typeKeys(`PS1='\[\e]0;\u@\h: \w\a\]$ '`+"\r", "a prompt that sets the title", func(s *vt.Screen) bool {
		return atPrompt(s) && strings.HasPrefix(s.Line(s.Y-1), "$ PS1=")
	})

	if _, err := exec.LookPath("less"); err == nil {
		statusIs := func(text string) func(s *vt.Screen) bool {
			return func(s *vt.Screen) bool {
				return s.Alternate() && s.Y == 23 && strings.HasPrefix(s.Line(23), text)
			}
		}
		p.typeKeys("less file.txt\r", "less", statusIs("file.txt"))
		p.typeKeys("j", "less: a line down", statusIs(":"))
		p.same("less: a line down", func(s *vt.Screen) bool { return s.Line(0) == "line 2 of the file" })
		p.typeKeys(" ", "less: a page down", func(s *vt.Screen) bool {
			return s.Line(0) == "line 18 of the file" && strings.HasPrefix(s.Line(23), "(END)")
		})
		p.typeKeys("g", "less: the top", func(s *vt.Screen) bool {
			return s.Line(0) == "line 1 of the file" && s.Line(23) == ":"
		})
		p.typeKeys("q", "less: quit", atPrompt)
	} else {
		t.Log("less not found: its part skipped")
	}

	if _, err := exec.LookPath("vi"); err == nil {
		p.typeKeys("vi new.txt\r", "vi", func(s *vt.Screen) bool {
			return s.Alternate() && s.Y == 0 && s.X == 0 && s.Line(1) == "~" && strings.Contains(s.Line(23), "new.txt")
		})
		// vim-tiny, as vi, says nothing of insert mode: the cursor tells.
		p.typeKeys("ihello", "vi: insert", func(s *vt.Screen) bool { return s.Line(0) == "hello" && s.X == 5 })
		p.typeKeys("\x1b", "vi: Escape", func(s *vt.Screen) bool { return s.Line(0) == "hello" && s.X == 4 })
		p.typeKeys(":q!", "vi: a command", func(s *vt.Screen) bool { return strings.HasPrefix(s.Line(23), ":q!") })
		p.typeKeys("\r", "vi: quit", atPrompt)
	} else {
		t.Log("vi not found: its part skipped")
	}

	p.typeKeys("exit\r", "exit", func(s *vt.Screen) bool {
		return s.CursorLine() == "" && s.X == 0 && s.Y >= 2 && s.Line(s.Y-1) == "exit" && s.Line(s.Y-2) == "$ exit"
	})
	releaseTelnet()
	releaseRaw()
	p.same("the close", func(s *vt.Screen) bool { return s.Contains("Connection closed by foreign host.") })
	if code := p.rawtalk.waitExit(); code != 0 {
		t.Fatalf("rawtalk exit status %d", code)
	}
}
