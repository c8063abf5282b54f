//go:build unix

package cli

// Interactive sessions through a real pseudo-terminal, against real servers
// on 127.0.0.1: type keys, let the server write, and check what a person
// would see (through a small terminal emulator) and what the server got.

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/rawtalk/rawtalk/internal/vt"
)

// deadline bounds every wait for a screen state or an exit. It is a limit,
// not a delay: waits end as soon as the state is there. It is generous
// because a 10 MiB flood through the emulator takes 8-10 s under -race on a
// loaded 2-core machine.
const deadline = 30 * time.Second

// peer is a test server on 127.0.0.1 whose side of the conversation the
// test writes by hand.
type peer struct {
	t     *testing.T
	ln    net.Listener
	conns chan net.Conn
}

func newPeer(t *testing.T) *peer {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &peer{t: t, ln: ln, conns: make(chan net.Conn, 4)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !fromUs(c) { // another process's probe: peer_linux_test.go
				c.Close()
				continue
			}
			t.Cleanup(func() { c.Close() })
			p.conns <- c
		}
	}()
	return p
}

func (p *peer) port() string {
	return strings.TrimPrefix(p.ln.Addr().String(), "127.0.0.1:")
}

// accept waits for rawtalk to connect.
func (p *peer) accept() net.Conn {
	p.t.Helper()
	select {
	case c := <-p.conns:
		return c
	case <-time.After(deadline):
		p.t.Fatal("rawtalk did not connect")
		return nil
	}
}

// expectRecv reads exactly len(want) bytes from c and compares them.
func expectRecv(t *testing.T, c net.Conn, want string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(deadline))
	got := make([]byte, len(want))
	n, err := io.ReadFull(c, got)
	if err != nil || string(got) != want {
		t.Fatalf("server got %q (%v), want %q", got[:n], err, want)
	}
}

// tty is rawtalk running in a pseudo-terminal, watched by an emulator.
type tty struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	before unix.Termios // the terminal's mode before rawtalk started

	mu      sync.Mutex
	screen  *vt.Screen
	written int           // bytes rawtalk wrote to the terminal
	raw     *bytes.Buffer // when set, what rawtalk writes from then on, byte for byte
	update  chan struct{} // poked after each read
	drained chan struct{} // closed when the terminal has no more output
	ended   chan struct{} // closed when the process has exited
	exited  chan struct{} // closed when it has, and its output is on the screen
	exitErr error
}

func startTTY(t *testing.T, env []string, args ...string) *tty {
	t.Helper()
	return startTTYCommand(t, exec.Command(rawtalkPath(t), args...), env)
}

func startTTYCommand(t *testing.T, cmd *exec.Cmd, env []string) *tty {
	t.Helper()
	return startTTYInMode(t, cmd, env, nil)
}

// startTTYInMode is startTTYCommand on a terminal whose mode setMode
// changes first (when not nil), as a user's stty would.
func startTTYInMode(t *testing.T, cmd *exec.Cmd, env []string, setMode func(*unix.Termios)) *tty {
	t.Helper()
	// GORACE: a -race build otherwise sleeps a second at exit.
	cmd.Env = append(os.Environ(), "TERM=xterm", "XDG_STATE_HOME="+t.TempDir(), "GORACE=atexit_sleep_ms=0")
	cmd.Env = append(cmd.Env, env...)
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	if err := pty.Setsize(master, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	// The mode the user's shell left, taken before rawtalk can change it.
	st, err := unix.IoctlGetTermios(int(slave.Fd()), ioctlGetTermios)
	if err != nil {
		t.Fatal(err)
	}
	if setMode != nil {
		setMode(st)
		if err := unix.IoctlSetTermios(int(slave.Fd()), ioctlSetTermios, st); err != nil {
			t.Fatal(err)
		}
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &tty{t: t, master: master, cmd: cmd, screen: vt.New(80, 24), before: *st,
		update: make(chan struct{}, 1), drained: make(chan struct{}), ended: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := master.Read(buf)
			c.mu.Lock()
			c.screen.Write(buf[:n])
			c.written += n
			if c.raw != nil {
				c.raw.Write(buf[:n])
			}
			c.mu.Unlock()
			select {
			case c.update <- struct{}{}:
			default:
			}
			if err != nil {
				close(c.drained)
				return
			}
		}
	}()
	go func() {
		err := cmd.Wait()
		close(c.ended)
		<-c.drained // everything rawtalk wrote has reached the screen
		c.exitErr = err
		close(c.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-c.exited
		master.Close()
	})
	return c
}

// send types keys.
func (c *tty) send(keys string) {
	c.t.Helper()
	if _, err := c.master.Write([]byte(keys)); err != nil {
		c.t.Fatal(err)
	}
}

// waitFor waits until cond holds for the screen.
func (c *tty) waitFor(what string, cond func(s *vt.Screen) bool) {
	c.t.Helper()
	timeout := time.After(deadline)
	for {
		c.mu.Lock()
		ok := cond(c.screen)
		c.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-c.update:
		case <-c.exited:
			c.mu.Lock()
			ok := cond(c.screen)
			dump := c.screen.String()
			c.mu.Unlock()
			if !ok {
				c.t.Fatalf("rawtalk exited (%v) before %s; screen:\n%s", c.exitErr, what, dump)
			}
			return
		case <-timeout:
			c.t.Fatalf("timed out waiting for %s; screen:\n%s", what, c.screenText())
		}
	}
}

// waitText waits until text is on the screen.
func (c *tty) waitText(text string) {
	c.t.Helper()
	c.waitFor("text "+text, func(s *vt.Screen) bool { return s.Contains(text) })
}

// waitCursorLine waits until the cursor's row reads line and the cursor
// sits at col.
func (c *tty) waitCursorLine(line string, col int) {
	c.t.Helper()
	c.waitFor(fmt.Sprintf("cursor row %q at column %d", line, col), func(s *vt.Screen) bool {
		return s.CursorLine() == strings.TrimRight(line, " ") && s.X == col
	})
}

// waitExit waits for rawtalk to exit, and returns its status.
func (c *tty) waitExit() int {
	c.t.Helper()
	select {
	case <-c.exited:
	case <-time.After(deadline):
		c.t.Fatalf("rawtalk did not exit; screen:\n%s", c.screenText())
	}
	if c.exitErr == nil {
		return 0
	}
	if ee, ok := c.exitErr.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	c.t.Fatal(c.exitErr)
	return -1
}

func (c *tty) screenText() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.screen.String()
}

// checkRestored fails unless the terminal is in the mode it had before
// rawtalk ran: what `stty -g` would print before and after.
func (c *tty) checkRestored() {
	c.t.Helper()
	after, err := unix.IoctlGetTermios(int(c.master.Fd()), ioctlGetTermios)
	if err != nil {
		c.t.Fatal(err)
	}
	if *after != c.before {
		c.t.Fatalf("terminal not restored:\nbefore %+v\nafter  %+v", c.before, *after)
	}
}

// connect starts rawtalk against a fresh peer and waits for the banner.
func connect(t *testing.T, env []string, args ...string) (*tty, net.Conn) {
	p := newPeer(t)
	c := startTTY(t, env, append(args, "127.0.0.1", p.port())...)
	conn := p.accept()
	c.waitText("Escape character is '^]'.")
	return c, conn
}

func TestInteractiveTypedLineGoesWithCRLF(t *testing.T) {
	c, conn := connect(t, nil)
	conn.Write([]byte("220 ready\r\n"))
	c.waitText("220 ready")
	c.send("EHLO me\r")
	expectRecv(t, conn, "EHLO me\r\n")
	c.waitText("EHLO me")
	c.checkRaw()
}

// checkRaw fails if the terminal is not in rawtalk's raw mode.
func (c *tty) checkRaw() {
	c.t.Helper()
	st, err := unix.IoctlGetTermios(int(c.master.Fd()), ioctlGetTermios)
	if err != nil {
		c.t.Fatal(err)
	}
	if st.Lflag&(unix.ICANON|unix.ECHO) != 0 {
		c.t.Fatalf("terminal not raw while the session runs: lflag %#x", st.Lflag)
	}
}

func TestInteractiveServerOutputKeepsHalfTypedLine(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("GET /ha")
	c.waitCursorLine("GET /ha", 7)
	conn.Write([]byte("line one\r\nline two\r\n"))
	c.waitFor("server lines above the typed line", func(s *vt.Screen) bool {
		y := s.Y
		return y >= 2 && s.Line(y-2) == "line one" && s.Line(y-1) == "line two" &&
			s.CursorLine() == "GET /ha" && s.X == 7
	})
	c.send("lf\r")
	expectRecv(t, conn, "GET /half\r\n")
}

func TestInteractivePromptWithoutNewlineSurvives(t *testing.T) {
	c, conn := connect(t, nil)
	// One byte per write, as a slow server or a serial line would send.
	for _, b := range []byte("Welcome\r\nUsername: ") {
		conn.Write([]byte{b})
	}
	c.waitCursorLine("Username: ", 10)
	c.send("bob")
	c.waitCursorLine("Username: bob", 13)
	c.send("\r")
	expectRecv(t, conn, "bob\r\n")
	conn.Write([]byte("Password: "))
	c.waitCursorLine("Password: ", 10)
	c.waitFor("the login rows kept", func(s *vt.Screen) bool {
		return s.Line(s.Y-1) == "Username: bob" && s.Line(s.Y-2) == "Welcome"
	})
}

func TestInteractiveServerCloseEndsSessionWithoutKeypress(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("QUIT half")
	c.waitCursorLine("QUIT half", 9)
	conn.Write([]byte("221 bye\r\n"))
	closed := time.Now()
	conn.Close()
	c.waitText("Connection closed by foreign host.")
	took := time.Since(closed)
	t.Logf("the session ended %v after the server closed", took)
	if took > 200*time.Millisecond {
		t.Errorf("the session took %v to end after the server closed; want under 200ms", took)
	}
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	c.waitText("221 bye")
	c.waitText("rawtalk: the line you were typing was not sent: QUIT half")
	c.checkRestored()
}

func TestInteractiveEscapePrompt(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)

	c.send("bogus\r")
	c.waitText("?Invalid command")
	c.send("s\r")
	c.waitText("?Ambiguous command")
	c.send("?\r")
	c.waitText("status")
	c.waitText("an empty line goes back to the session")

	c.send("st\r")
	c.waitText("Line ending: crlf; mode: line")
	c.waitText("0 bytes sent, 0 bytes received")

	c.send("\x1dsend a\\x00b\\r\\n\r")
	expectRecv(t, conn, "a\x00b\r\n")

	c.send("\x1deol lf\r")
	c.waitText("Enter now sends lf after a line.")
	c.send("x\r")
	expectRecv(t, conn, "x\n")

	// An empty line goes back, and the half-typed line is still there.
	c.send("keep")
	c.waitCursorLine("keep", 4)
	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	c.send("\r")
	c.waitCursorLine("keep", 4)
	c.send("\r")
	expectRecv(t, conn, "keep\n")

	c.send("\x1dquit\r")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	c.waitText("Connection closed.")
	c.checkRestored()
}

func TestInteractiveServerTextWaitsWhileEscapePromptIsUp(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	conn.Write([]byte("late news\r\n"))
	c.send("eof\r") // a command round trip: the text has had time to arrive
	expectEOF(t, conn)
	c.waitText("late news")
	c.waitFor("late news after the prompt", func(s *vt.Screen) bool {
		for y := 0; y < s.Height; y++ {
			if strings.HasPrefix(s.Line(y), "rawtalk> eof") {
				return strings.Contains(strings.Join(s.Lines()[y:], "\n"), "late news")
			}
		}
		return false
	})
}

// expectEOF waits for rawtalk's half-close.
func expectEOF(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(deadline))
	b, err := io.ReadAll(c)
	if err != nil || len(b) > 0 {
		t.Fatalf("want EOF, got %q, %v", b, err)
	}
}

func TestInteractiveCharacterMode(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("\x1dmode character\r")
	c.waitText("Character mode")
	c.send("ab")
	expectRecv(t, conn, "ab")
	c.send("\r")
	expectRecv(t, conn, "\r\n")
	c.send("\x03")
	expectRecv(t, conn, "\x03")
	conn.Write([]byte("menu> "))
	c.waitText("menu>")
	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	c.send("mode line\r")
	c.waitText("Line mode")
	// The row the server left unfinished comes back as the prompt (with
	// the ^C that was echoed before it).
	c.waitCursorLine("^Cmenu> ", 8)
	c.send("cd\r")
	expectRecv(t, conn, "cd\r\n")
}

func TestInteractiveCtrlC(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("junk")
	c.waitCursorLine("junk", 4)
	c.send("\x03")
	c.waitText("junk^C")
	c.send("ok\r")
	expectRecv(t, conn, "ok\r\n") // junk was discarded
	c.send("\x03")
	c.waitText("press Ctrl-] and type quit, or press Ctrl-C again")
	c.send("\x03")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	c.waitText("Connection closed.")
	c.checkRestored()
}

func TestInteractiveCtrlDHalfCloses(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("last\r")
	expectRecv(t, conn, "last\r\n")
	c.send("\x04")
	expectEOF(t, conn)
	c.waitText("sent EOF")
	conn.Write([]byte("answer\r\n"))
	conn.Close()
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	c.waitFor("the last words right under the server's last line", func(s *vt.Screen) bool {
		for y := 0; y+1 < s.Height; y++ {
			if s.Line(y) == "answer" && s.Line(y+1) == "Connection closed by foreign host." {
				return true
			}
		}
		return false
	})
}

func TestInteractiveWideCharacters(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("ab世界🙂cd")
	c.waitCursorLine("ab世界🙂cd", vt.Column("ab世界🙂cd"))
	c.send("\x1b[D\x1b[D\x1b[D") // Left over d, c and the emoji
	c.waitCursorLine("ab世界🙂cd", vt.Column("ab世界"))
	c.send("Z")
	c.waitCursorLine("ab世界Z🙂cd", vt.Column("ab世界Z"))
	// A combining accent: the cursor stays after the letter it joins.
	c.send("\x05e\u0301x\x1b[D\x1b[D")
	// (The emulator drops combining marks from the row's text.)
	c.waitCursorLine("ab世界Z🙂cdex", vt.Column("ab世界Z🙂cde"))
	c.send("\r")
	expectRecv(t, conn, "ab世界Z🙂cde\u0301x\r\n")
}

func TestInteractivePasteIsNotRedrawnPerCharacter(t *testing.T) {
	c, conn := connect(t, nil)
	// 798 bytes stays editable text on 80x24 (up to half the window);
	// longer pastes become a placeholder.
	line := strings.Repeat("0123456789", 79) + "01234567"
	c.mu.Lock()
	before := c.written
	c.mu.Unlock()
	c.send(line)
	c.waitFor("the pasted line", func(s *vt.Screen) bool {
		return s.Contains("0123456789012") && strings.HasSuffix(s.CursorLine(), "89012345678901234567")
	})
	c.send("\r")
	expectRecv(t, conn, line+"\r\n")
	c.mu.Lock()
	written := c.written - before
	c.mu.Unlock()
	t.Logf("a %d-byte paste wrote %d bytes to the terminal", len(line), written)
	if written > 4*len(line) {
		t.Errorf("a %d-byte paste wrote %d bytes to the terminal; want at most %d", len(line), written, 4*len(line))
	}
}

func TestInteractiveHostileBytesAreShownNotObeyed(t *testing.T) {
	c, conn := connect(t, nil)
	conn.Write([]byte("\x1b]0;owned\x07\x1b[2J\x1b[H\x1b[31mred\x1b[0m\x00\xff\r\n"))
	c.waitText("^[]0;owned^G^[[2J^[[Hred^@\\xff")
	c.mu.Lock()
	bells := c.screen.Bells
	c.mu.Unlock()
	if bells != 0 {
		t.Errorf("the bell rang %d times", bells)
	}
	if !c.screen.Contains("Escape character is '^]'.") {
		t.Errorf("the screen was cleared:\n%s", c.screenText())
	}
}

func TestInteractiveHistoryKeepsSecretsOut(t *testing.T) {
	state := t.TempDir()
	env := []string{"XDG_STATE_HOME=" + state}
	c, conn := connect(t, env)
	for _, l := range []string{"USER bob", "PASS hunter2", "AUTH PLAIN", "AGJvYgBodW50ZXIy", "a1 LOGIN bob hunter2", "NOOP"} {
		c.send(l + "\r")
		expectRecv(t, conn, l+"\r\n")
	}
	c.send("\x1dquit\r")
	c.waitExit()
	file := filepath.Join(state, "rawtalk", "history")
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(file)
	if string(data) != "USER bob\nNOOP\n" {
		t.Errorf("history file holds %q, want only the lines without secrets", data)
	}

	// The next session recalls them with Up.
	c2, _ := connect(t, env)
	c2.send("\x1b[A")
	c2.waitCursorLine("NOOP", 4)
	c2.send("\x1b[A")
	c2.waitCursorLine("USER bob", 8)
}

func TestInteractiveNoHistory(t *testing.T) {
	state := t.TempDir()
	c, conn := connect(t, []string{"XDG_STATE_HOME=" + state}, "--no-history")
	c.send("NOOP\r")
	expectRecv(t, conn, "NOOP\r\n")
	c.send("\x1dquit\r")
	c.waitExit()
	if _, err := os.Stat(filepath.Join(state, "rawtalk", "history")); !os.IsNotExist(err) {
		t.Errorf("--no-history wrote a history file: %v", err)
	}
}

func TestInteractiveUnwritableHistoryWarnsOnce(t *testing.T) {
	if os.Getuid() == 0 {
		// root writes anywhere; make the state path a file instead.
	}
	state := t.TempDir()
	os.WriteFile(filepath.Join(state, "rawtalk"), []byte("not a directory"), 0o600)
	c, conn := connect(t, []string{"XDG_STATE_HOME=" + state})
	c.waitText("rawtalk: warning: history will not be saved")
	c.send("one\r")
	expectRecv(t, conn, "one\r\n")
	c.send("\x1dquit\r")
	c.waitExit()
	if n := strings.Count(c.screenText(), "history will not be saved"); n != 1 {
		t.Errorf("warned %d times", n)
	}
}

// Every way out restores the terminal: `stty -g` before equals after.
func TestInteractiveTerminalRestoredOnSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			c, _ := connect(t, nil)
			c.send("x")
			c.waitCursorLine("x", 1)
			c.checkRaw()
			c.cmd.Process.Signal(sig)
			if code := c.waitExit(); code != 128+int(sig) {
				t.Errorf("exit status %d, want %d", code, 128+int(sig))
			}
			c.checkRestored()
		})
	}
}

func TestInteractiveTerminalRestoredOnPanic(t *testing.T) {
	for _, where := range []string{"render", "key"} {
		t.Run(where, func(t *testing.T) {
			c, conn := connect(t, []string{"RAWTALK_TEST_PANIC=" + where})
			c.checkRaw()
			if where == "render" {
				conn.Write([]byte("boom\r\n"))
			} else {
				c.send("!")
			}
			if code := c.waitExit(); code != 2 {
				t.Errorf("exit status %d, want 2 (Go's status for a panic)", code)
			}
			c.waitText("panic requested by test hook")
			c.checkRestored()
		})
	}
}

func TestInteractiveResetEndsWithError(t *testing.T) {
	c, conn := connect(t, nil)
	conn.Write([]byte("before reset\r\n"))
	c.waitText("before reset")
	conn.(*net.TCPConn).SetLinger(0)
	conn.Close()
	if code := c.waitExit(); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	c.waitText("lost: Connection reset by peer")
	c.checkRestored()
	_ = bytes.MinRead
}

// Ctrl-Z under a job-control shell stops rawtalk with the terminal
// restored, and fg brings the session back with the line redrawn.
func TestInteractiveCtrlZAndFg(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh for job control")
	}
	p := newPeer(t)
	c := startTTYCommand(t, exec.Command(sh, "-i"), []string{"PS1=$ ", "ENV="})
	c.waitCursorLine("$ ", 2)
	c.send(rawtalkPath(t) + " 127.0.0.1 " + p.port() + "\r")
	conn := p.accept()
	c.waitText("Escape character is '^]'.")
	c.send("abc")
	c.waitCursorLine("abc", 3)
	c.send("\x1a")
	c.waitCursorLine("$ ", 2)
	c.checkRestored()
	c.send("fg\r")
	c.waitCursorLine("abc", 3)
	c.checkRaw()
	c.send("d\r")
	expectRecv(t, conn, "abcd\r\n")
}

// A NUL from the keyboard (Ctrl-Space) must not stop the line editor.
func TestInteractiveNULKeyIsHarmless(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("a\x00b\r")
	expectRecv(t, conn, "ab\r\n")
	conn.Write([]byte("still here\r\n"))
	c.waitText("still here")
}

// A long history file loads at once, is cut to the last 1000 lines, and
// stays private after readline rewrites it.
func TestInteractiveLongHistoryFile(t *testing.T) {
	state := t.TempDir()
	file := filepath.Join(state, "rawtalk", "history")
	os.MkdirAll(filepath.Dir(file), 0o700)
	var b strings.Builder
	for i := range 200_000 {
		fmt.Fprintf(&b, "GET /page/%d HTTP/1.1\n", i)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _ := connect(t, []string{"XDG_STATE_HOME=" + state})
	c.send("\x1b[A")
	c.waitCursorLine("GET /page/199999 HTTP/1.1", 25)
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v after the rewrite, want 0600", fi.Mode().Perm())
	}
	if fi.Size() > 100<<10 {
		t.Errorf("history file still %d bytes", fi.Size())
	}
}

// After the window shrinks, the editor wraps at the new width: moving left
// across the wrap lands where the terminal shows the character.
func TestInteractiveResizeReflows(t *testing.T) {
	c, conn := connect(t, nil)
	if err := pty.Setsize(c.master, &pty.Winsize{Rows: 24, Cols: 40}); err != nil {
		t.Fatal(err)
	}
	// The resize reaches the editor through its input; ask until it has.
	until := time.Now().Add(deadline)
	for {
		c.send("\x1dstatus\r")
		c.waitText("Window: ")
		if strings.Contains(c.screenText(), "Window: 40 columns") {
			break
		}
		if time.Now().After(until) {
			t.Fatalf("the editor never saw the new width:\n%s", c.screenText())
		}
		c.mu.Lock()
		c.screen = vt.New(80, 24)
		c.mu.Unlock()
	}
	// A 40-column terminal from here on; Ctrl-L redraws at the top.
	c.mu.Lock()
	c.screen = vt.New(40, 24)
	c.mu.Unlock()
	c.send("\x0c")
	line := strings.Repeat("abcdefghij", 5) // 50 columns: two rows
	c.send(line)
	c.waitFor("the line wrapped at 40", func(s *vt.Screen) bool {
		return s.Y > 0 && s.Line(s.Y-1) == line[:40] && s.CursorLine() == line[40:] && s.X == 10
	})
	c.send(strings.Repeat("\x1b[D", 15)) // back across the wrap
	c.waitFor("the cursor on the first row, at column 35", func(s *vt.Screen) bool {
		return s.CursorLine() == line[:40] && s.X == 35
	})
	c.send("Z\r")
	expectRecv(t, conn, line[:35]+"Z"+line[35:]+"\r\n")
}
