//go:build unix

package cli

// The learning aids in an interactive session, through a real
// pseudo-terminal against servers on 127.0.0.1: visible line endings, the
// hex dump, timestamps, Tab completion, and the escape prompt's log and
// hex commands.

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/rawtalk/rawtalk/internal/vt"
)

func TestInteractiveShowEnds(t *testing.T) {
	c, conn := connect(t, nil, "--show-ends")
	conn.Write([]byte("250 ok\r\nbare\nlone\rx\r\n"))
	c.waitText("250 ok␍␊")
	c.waitText("bare␊")
	c.waitText("lone␍")
	c.waitText("x␍␊")
	// A control byte is still shown as text: the marks come after the
	// safe-display filter.
	conn.Write([]byte("bell\x07\r\n"))
	c.waitText("bell^G␍␊")
	// The user's own line is not marked.
	c.send("EHLO me\r")
	expectRecv(t, conn, "EHLO me\r\n")
	c.waitFor("the typed line as typed", func(s *vt.Screen) bool {
		for _, l := range s.Lines() {
			if l == "EHLO me" {
				return true
			}
		}
		return false
	})
}

func TestInteractiveHex(t *testing.T) {
	c, conn := connect(t, nil, "--hex")
	conn.Write([]byte("220 hi\r\n"))
	c.waitText("< 00000000  32 32 30 20 68 69 0d 0a" + strings.Repeat(" ", 27) + "|220 hi..|")
	for _, l := range strings.Split(c.screenText(), "\n") {
		if strings.TrimSpace(l) == "220 hi" {
			t.Errorf("the text was shown as well as the dump:\n%s", c.screenText())
		}
	}
	c.send("EHLO me\r")
	expectRecv(t, conn, "EHLO me\r\n")
	c.waitText("> 00000000  45 48 4c 4f 20 6d 65 0d  0a" + strings.Repeat(" ", 23) + "|EHLO me..|")
	conn.Write([]byte("250\r\n"))
	c.waitText("< 00000008  32 35 30 0d 0a") // offsets count the whole stream
	c.waitCursorLine("", 0)
}

var stampRE = regexp.MustCompile(`^\[\+(\d+\.\d{3})s\] `)

func TestInteractiveTimestamps(t *testing.T) {
	c, conn := connect(t, nil, "--timestamps")
	conn.Write([]byte("220 hello\r\n"))
	c.waitFor("a stamped greeting", func(s *vt.Screen) bool {
		for _, l := range s.Lines() {
			if stampRE.MatchString(l) && strings.HasSuffix(l, "] 220 hello") {
				return true
			}
		}
		return false
	})
	c.send("NOOP\r")
	expectRecv(t, conn, "NOOP\r\n")
	conn.Write([]byte("250 ok\r\n250 "))
	conn.Write([]byte("again\r\n"))
	c.waitFor("each answer line stamped once", func(s *vt.Screen) bool {
		n := 0
		for _, l := range s.Lines() {
			if stampRE.MatchString(l) && (strings.HasSuffix(l, "] 250 ok") || strings.HasSuffix(l, "] 250 again")) {
				n++
			}
		}
		return n == 2
	})
	// A prompt without a newline is stamped too, and typing goes after it.
	conn.Write([]byte("login: "))
	c.waitFor("a stamped prompt", func(s *vt.Screen) bool {
		return stampRE.MatchString(s.CursorLine()) && strings.HasSuffix(s.CursorLine(), "] login:")
	})
}

func TestInteractiveTabCompletion(t *testing.T) {
	c, conn := connect(t, nil, "--proto", "smtp")
	c.send("eh\t")
	c.waitCursorLine("ehlo", 4)
	c.send(" me\r")
	expectRecv(t, conn, "ehlo me\r\n") // Tab itself sent nothing

	// Two candidates: the first Tab lists them, the next picks one, Enter
	// takes it without sending the line.
	c.send("R\t")
	c.waitText("RCPT TO:")
	c.waitText("RSET")
	c.send("\t\r")
	c.waitCursorLine("RCPT TO:", 8)
	c.send("<you@example.com>\r")
	expectRecv(t, conn, "RCPT TO:<you@example.com>\r\n")

	// The escape prompt completes its own commands.
	c.send("\x1dstat\t")
	c.waitCursorLine("rawtalk> status", 15)
	c.send("\r")
	c.waitText("Tab completes smtp commands")
}

// HTTP methods are case-sensitive: Tab spells them right.
func TestInteractiveTabCompletionSpellsMethod(t *testing.T) {
	c, conn := connect(t, nil, "--proto", "http")
	c.send("ge\t")
	c.waitCursorLine("GET", 3)
	c.send(" / HT\t") // what the versions share
	c.waitCursorLine("GET / HTTP/1.", 13)
	c.send("\t")
	c.waitText("HTTP/1.0")
	c.send("\t\t\r") // the second candidate
	c.waitCursorLine("GET / HTTP/1.1", 14)
	c.send("\r")
	expectRecv(t, conn, "GET / HTTP/1.1\r\n")
}

// The session's own keys still work while a completion list is up: a
// paste, Ctrl-], and the server closing.
func TestInteractiveCompletionListKeepsSessionKeys(t *testing.T) {
	c, conn := connect(t, nil, "--proto", "smtp")
	c.send("R\t")
	c.waitText("RSET")
	c.sendAndWaitOutput("\t") // select mode: the list is drawn again
	c.send("SET")             // a paste: one chunk of text
	c.waitCursorLine("RSET", 4)
	c.send("\r")
	expectRecv(t, conn, "RSET\r\n")

	c.send("R\t")
	c.waitText("RCPT TO:")
	c.send("\t\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	c.send("\r")

	c.send("\x15R\t") // Ctrl-U: an empty line again
	c.waitText("RCPT TO:")
	c.send("\t")
	conn.Close()
	c.waitText("Connection closed by foreign host.")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	c.checkRestored()
}

func TestInteractiveEscapeLogAndHex(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "talk.log")
	c, conn := connect(t, nil)
	c.send("\x1dlog\r")
	c.waitText("Not logging.")
	c.send("\x1dlog " + log + "\r")
	c.waitText("Logging to " + log)
	conn.Write([]byte("220 ready\r\n"))
	c.waitText("220 ready")
	c.send("EHLO me\r")
	expectRecv(t, conn, "EHLO me\r\n")
	c.send("\x1dstatus\r")
	c.waitText("Transcript: " + log)
	c.send("\x1dlog off\r")
	c.waitText("Transcript " + log + " closed.")
	c.send("unlogged\r")
	expectRecv(t, conn, "unlogged\r\n")

	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rawtalk transcript: 127.0.0.1 port ", " < 220 ready\\r\\n\n", " > EHLO me\\r\\n\n", "end: 9 bytes sent, 11 bytes received"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("transcript lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "unlogged") {
		t.Errorf("a line sent after log off was logged")
	}
	if fi, _ := os.Stat(log); fi.Mode().Perm() != 0o600 {
		t.Errorf("transcript mode %v, want 0600", fi.Mode().Perm())
	}

	c.send("\x1dlog " + filepath.Join(dir, "no", "such", "dir") + "\r")
	c.waitText("?Cannot write a transcript there")

	c.send("\x1dhex\r")
	c.waitText("Hex display on")
	conn.Write([]byte("AB\r\n"))
	c.waitText("< 0000000b  41 42 0d 0a")
	c.send("\x1dhex off\r")
	c.waitText("Hex display off.")
	conn.Write([]byte("plain again\r\n"))
	c.waitText("plain again")
}

// sendAndWaitOutput types keys and waits until rawtalk has written
// something in answer, for keys whose effect shows only in attributes
// (a highlighted completion candidate).
func (c *tty) sendAndWaitOutput(keys string) {
	c.t.Helper()
	c.mu.Lock()
	before := c.written
	c.mu.Unlock()
	c.send(keys)
	c.waitFor("output after "+strconv.Quote(keys), func(*vt.Screen) bool { return c.written > before })
}

// The same for Ctrl-R's history search: the server's close ends the
// session at once, and Ctrl-C leaves the search without eating the next
// line.
func TestInteractiveHistorySearchKeepsSessionKeys(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("abc\r")
	expectRecv(t, conn, "abc\r\n")
	c.send("\x12")
	c.waitText("bck-i-search")
	c.send("a")
	c.waitText("bck-i-search: a")
	c.send("\x03")
	c.waitText("abc^C")
	c.send("x\r")
	expectRecv(t, conn, "x\r\n")

	c.send("\x12a")
	c.waitText("bck-i-search")
	conn.Close()
	c.waitText("Connection closed by foreign host.")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	c.checkRestored()
}

// A --log that fails in the middle of an interactive session (here a
// FIFO whose reader goes away: EPIPE) is said once, above the line being
// typed; the session goes on, and ends with status 1 for the incomplete
// transcript.
func TestInteractiveLogFailureWarnsOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "talk.log")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	header := make(chan error, 1)
	go func() {
		r, err := os.OpenFile(fifo, os.O_RDONLY, 0)
		if err != nil {
			header <- err
			return
		}
		// The header line, then the reader goes away.
		_, err = bufio.NewReader(r).ReadString('\n')
		r.Close()
		header <- err
	}()
	c, conn := connect(t, nil, "--log", fifo)
	if err := <-header; err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("220 ready\r\n"))
	c.waitText("220 ready")
	c.waitText("rawtalk: warning: cannot write the transcript /") // the path wraps
	c.waitText("talk.log: Broken pipe; the session goes on without it")
	c.send("EHLO me\r")
	expectRecv(t, conn, "EHLO me\r\n")
	conn.Write([]byte("250 ok\r\n"))
	c.waitText("250 ok")
	conn.Close()
	if code := c.waitExit(); code != 1 {
		t.Errorf("exit status %d, want 1 (the transcript asked for is incomplete)", code)
	}
	if n := strings.Count(c.screenText(), "rawtalk: warning:"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, c.screenText())
	}
}

// A history file that is a symbolic link is not followed: its target is
// neither chmod-ed nor written, and the session says once that history
// will not be saved.
func TestInteractiveHistorySymlinkNotFollowed(t *testing.T) {
	state := t.TempDir()
	if err := os.MkdirAll(filepath.Join(state, "rawtalk"), 0o700); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.WriteFile(target, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(state, "rawtalk", "history")); err != nil {
		t.Fatal(err)
	}
	c, conn := connect(t, []string{"XDG_STATE_HOME=" + state})
	c.waitText("rawtalk: warning: history will not be saved:")
	c.send("typed line\r")
	expectRecv(t, conn, "typed line\r\n")
	conn.Close()
	if code := c.waitExit(); code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	if n := strings.Count(c.screenText(), "history will not be saved"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, c.screenText())
	}
	fi, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 0 || fi.Mode().Perm() != 0o644 {
		t.Errorf("the link's target was touched: %d bytes, mode %v", fi.Size(), fi.Mode().Perm())
	}
}
