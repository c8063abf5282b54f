//go:build linux

package cli

// The Windows interactive session, for real: rawtalk.exe runs under Wine in
// a Linux pty (Wine's conhost turns the pty into a Windows console, so the
// console key reader, console modes and VT output are the ones Windows
// runs) against a server on 127.0.0.1. It runs only where Wine and a
// prepared prefix are (../shared/wine/setup.sh; .ci/wine runs it) and is
// skipped everywhere else.

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// wineEndsWithin bounds "at once" under Wine: a session that waits for a
// key never ends, while Wine's own start-up and conhost's redraws take
// well under a second even on a loaded machine.
const wineEndsWithin = 3 * time.Second

// wineExe is rawtalk.exe: the one RAWTALK_WINE_EXE names (.ci/wine builds
// it once), or one cross-built for this test (go's cache makes it a link).
func wineExe(t *testing.T) string {
	if exe := os.Getenv("RAWTALK_WINE_EXE"); exe != "" {
		return exe
	}
	exe := filepath.Join(t.TempDir(), "rawtalk.exe")
	build := exec.Command("go", "build", "-o", exe, "github.com/rawtalk/rawtalk")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("cross-building rawtalk.exe: %v\n%s", err, out)
	}
	return exe
}

// startWine runs rawtalk.exe ARGS under Wine in a pty, or skips the test
// when Wine or its prefix is not there (fails, with RAWTALK_WINE_REQUIRED=1).
func startWine(t *testing.T, args ...string) *tty {
	t.Helper()
	missing := t.Skipf
	if os.Getenv("RAWTALK_WINE_REQUIRED") == "1" {
		missing = t.Fatalf
	} else if os.Getenv("RAWTALK_WINE_EXE") == "" {
		// .ci/wine runs these on their own. Inside `go test ./...` a
		// cold Wine start competes with every other package's tests
		// and can take longer than the waits allow.
		t.Skip("run by .ci/wine (RAWTALK_WINE_EXE=rawtalk.exe go test -run Wine ./internal/cli)")
	}
	wine := "/usr/lib/wine/wine64"
	if _, err := os.Stat(wine); err != nil {
		missing("no Wine (%s): ../shared/wine/setup.sh installs it", wine)
	}
	prefix := os.Getenv("RAWTALK_WINEPREFIX")
	if prefix == "" {
		prefix = "/tmp/rawtalk-wine"
	}
	if _, err := os.Stat(filepath.Join(prefix, "drive_c/windows/system32/bcryptprimitives.dll")); err != nil {
		missing("no prepared Wine prefix at %s: ../shared/wine/setup.sh makes one", prefix)
	}
	exe := wineExe(t)
	// DISPLAY unset: Wine stays in the terminal instead of opening windows.
	cmd := exec.Command("env", append([]string{"-u", "DISPLAY", wine, exe}, args...)...)
	env := []string{"WINEPREFIX=" + prefix, "WINEDEBUG=-all"}
	// ISIG off, as the Windows console has it once rawtalk turns processed
	// input off: Wine 8.0's conhost leaves the pty's ISIG on, so the kernel
	// would turn Ctrl-Z and Ctrl-C into signals before conhost saw them.
	return startTTYInMode(t, cmd, env, func(m *unix.Termios) { m.Lflag &^= unix.ISIG })
}

// connectWine starts rawtalk.exe against a fresh peer, waits for telnet's
// three lines, then for the session to read keys: the escape prompt comes
// and goes. (Under Wine the session starts a few milliseconds after the
// banner; keys typed before that are echoed by the console, as a Unix tty
// echoes them, and reach the session only when it starts reading.)
func connectWine(t *testing.T) (*tty, net.Conn) {
	t.Helper()
	p := newPeer(t)
	c := startWine(t, "127.0.0.1", p.port())
	conn := p.accept()
	for _, line := range []string{"Trying 127.0.0.1...", "Connected to 127.0.0.1.", "Escape character is '^]'."} {
		c.waitText(line)
	}
	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	c.send("\r")
	c.waitCursorLine("", 0)
	return c, conn
}

// waitExitWithin waits for rawtalk.exe to exit, failing if it took longer
// than wineEndsWithin after since, and returns its status once its output
// is on the screen. (Wine's own processes hold the pty about 2 s longer:
// the shell is back at once, but the pty reads its end only then.)
func (c *tty) waitExitWithin(since time.Time, what string) int {
	c.t.Helper()
	select {
	case <-c.ended:
	case <-time.After(wineEndsWithin):
		c.t.Fatalf("rawtalk.exe did not end within %v of %s (waiting for a key?); screen:\n%s",
			wineEndsWithin, what, c.screenText())
	}
	c.t.Logf("rawtalk.exe ended %v after %s", time.Since(since).Round(time.Millisecond), what)
	return c.waitExit()
}

func TestWineLinesEscapePromptAndQuit(t *testing.T) {
	t.Parallel()
	c, conn := connectWine(t)
	conn.Write([]byte("220 wine.test ready\r\n"))
	c.waitText("220 wine.test ready")
	c.send("HELO wine\r")
	expectRecv(t, conn, "HELO wine\r\n")

	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	c.send("status\r")
	c.waitText("Line ending: crlf; mode: line")
	c.send("\x1dquit\r")
	quit := time.Now()
	if code := c.waitExitWithin(quit, "quit"); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	c.waitText("Connection closed.")
	expectEOF(t, conn)
	c.checkRestored()
}

func TestWineServerCloseEndsSession(t *testing.T) {
	t.Parallel()
	c, conn := connectWine(t)
	c.send("QUIT half")
	c.waitText("QUIT half")
	conn.Write([]byte("221 bye\r\n"))
	c.waitText("221 bye")
	closed := time.Now()
	conn.Close()
	if code := c.waitExitWithin(closed, "the server closed"); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	c.waitText("Connection closed by foreign host.")
	c.waitText("rawtalk: the line you were typing was not sent: QUIT half")
	c.checkRestored()
}

// Ctrl-Z is a key on Windows, not end-of-file: in line mode it says there
// is no job control and the session goes on; in character mode it reaches
// the server as 0x1a.
func TestWineCtrlZIsAKey(t *testing.T) {
	t.Parallel()
	c, conn := connectWine(t)
	c.send("\x1a")
	c.waitText("rawtalk: no job control here; Ctrl-Z does nothing")
	c.send("still\r")
	expectRecv(t, conn, "still\r\n")

	c.send("\x1dmode character\r")
	c.waitText("Character mode")
	c.send("a\x1ab")
	expectRecv(t, conn, "a\x1ab")
	closed := time.Now()
	conn.Close()
	if code := c.waitExitWithin(closed, "the server closed"); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	c.checkRestored()
}
