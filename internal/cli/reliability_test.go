//go:build unix

package cli

// Reliability through a real pseudo-terminal: hostile servers, floods,
// huge pastes, servers that do not read. Memory is the child's peak RSS
// (VmHWM), read from /proc while it runs.

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/vt"
)

// peakRSS is the child's high-water resident memory in bytes, or -1.
func (c *tty) peakRSS() int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(c.cmd.Process.Pid) + "/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return -1
}

const maxRSS = 64 << 20 // well above the ~15 MiB rawtalk uses, far below a leak

func TestReliabilityHostileFloods(t *testing.T) {
	c, conn := connect(t, nil)
	c.send("half")
	c.waitCursorLine("half", 4)
	go func() {
		conn.Write(bytes.Repeat([]byte{7}, 100_000))                    // bells
		conn.Write(bytes.Repeat([]byte{0}, 100_000))                    // NULs
		conn.Write(bytes.Repeat([]byte("\x1b[2J\x1b]0;x\x07"), 10_000)) // clears, titles
		conn.Write(bytes.Repeat([]byte("x"), 10<<20))                   // a 10 MiB line
		conn.Write([]byte("\r\nEND\r\n"))
	}()
	c.waitFor("END after the floods", func(s *vt.Screen) bool { return s.Line(s.Y-1) == "END" })
	c.waitCursorLine("half", 4)
	c.mu.Lock()
	bells, scrolled := c.screen.Bells, c.screen.Scrolled
	c.mu.Unlock()
	if bells != 0 {
		t.Errorf("the bell rang %d times", bells)
	}
	if scrolled == 0 {
		t.Errorf("the screen never scrolled: was it cleared?")
	}
	if rss := c.peakRSS(); rss > maxRSS {
		t.Errorf("peak RSS %d MiB", rss>>20)
	} else {
		t.Logf("peak RSS %d MiB", rss>>20)
	}
	c.send("lf\r")
	expectRecv(t, conn, "halflf\r\n")
}

func TestReliabilityFloodKeepsEscapeAnswering(t *testing.T) {
	c, conn := connect(t, nil)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		line := []byte(strings.Repeat("flood ", 13) + "\r\n")
		chunk := bytes.Repeat(line, 512)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
	}()
	c.waitText("flood flood")
	start := time.Now()
	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	t.Logf("the escape prompt came %v after Ctrl-] during a flood", time.Since(start))
	if rss := c.peakRSS(); rss > maxRSS {
		t.Errorf("peak RSS %d MiB during a flood", rss>>20)
	}
	c.send("quit\r")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	c.checkRestored()
}

func TestReliabilityServerThatNeverReads(t *testing.T) {
	c, conn := connect(t, nil)
	_ = conn // never read
	big := strings.Repeat("y", 256<<10)
	for i := 0; i < 3; i++ {
		c.send(big + "\r")
	}
	// Once the pasted lines are typed in (the escape prompt answers after
	// them), the session is stuck behind a server that reads nothing.
	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	c.send("\r")
	c.waitCursorLine("", 0)
	start := time.Now()
	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	t.Logf("the escape prompt came %v after Ctrl-] with 768 KiB unread by the server", time.Since(start))
	c.send("quit\r")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	c.checkRestored()
}

func TestReliabilityHugePaste(t *testing.T) {
	c, conn := connect(t, nil)
	line := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	c.mu.Lock()
	before := c.written
	c.mu.Unlock()
	start := time.Now()
	c.send(line + "\r")
	got := make([]byte, len(line)+2)
	conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	if _, err := readFull(conn, got); err != nil || string(got) != line+"\r\n" {
		i := 0
		for i < len(got) && i < len(line) && got[i] == line[i] {
			i++
		}
		t.Fatalf("server got %d bytes (%v), different from byte %d: %q", len(got), err, i, got[max(0, i-20):min(len(got), i+40)])
	}
	c.mu.Lock()
	written := c.written - before
	c.mu.Unlock()
	t.Logf("a 1 MiB paste took %v and wrote %d MiB to the terminal", time.Since(start), written>>20)
	if written > 16*len(line) {
		t.Errorf("a 1 MiB paste wrote %d bytes to the terminal", written)
	}
}

func readFull(c net.Conn, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := c.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
