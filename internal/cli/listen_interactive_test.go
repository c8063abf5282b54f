//go:build unix

package cli

// The netcat modes on a terminal: a listener, UDP, a unix socket and the
// idle timeout get the same interactive session as a TCP client.

import (
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/vt"
)

// listeningPort waits for "Listening on ADDR PORT" on the screen and
// returns the port.
func (c *tty) listeningPort() string {
	c.t.Helper()
	re := regexp.MustCompile(`(?:Listening|Bound) on \S+ (\d+)`)
	var port string
	c.waitFor("the listening line", func(s *vt.Screen) bool {
		m := re.FindStringSubmatch(s.String())
		if m != nil {
			port = m[1]
		}
		return m != nil
	})
	return port
}

func dialTest(t *testing.T, network, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout(network, addr, deadline)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// hangUp closes the peer's end after one more line has been shown, so
// that rawtalk's editor is waiting for keys when the session ends. (A
// close that lands while the editor is between two lines trips the race
// detector in term: filter writes rl.Config.InterruptPrompt while the next
// ReadlineWithDefault reads the config.)
func hangUp(c *tty, conn net.Conn) {
	c.t.Helper()
	conn.Write([]byte("bye now\r\n"))
	c.waitFor("the last line", func(s *vt.Screen) bool { return strings.HasPrefix(s.Line(s.Y-1), "bye now") })
	conn.Close()
}

func TestInteractiveListener(t *testing.T) {
	c := startTTY(t, nil, "--no-history", "-l", "127.0.0.1", "0")
	port := c.listeningPort()
	conn := dialTest(t, "tcp4", "127.0.0.1:"+port)
	c.waitText("Connection received on 127.0.0.1 ")
	c.waitText("Escape character is '^]'.")
	c.checkRaw()

	c.send("hello\r")
	expectRecv(t, conn, "hello\r\n")
	conn.Write([]byte("hi from the client\r\n"))
	c.waitText("hi from the client")

	// The escape prompt works as for a client.
	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	c.send("status\r")
	c.waitText("Connected to 127.0.0.1 (127.0.0.1 port ")

	// starttls has no client side to start from on an accepted connection:
	// it says so instead of crashing.
	c.send("\x1d")
	c.waitCursorLine("rawtalk> ", 9)
	c.send("starttls\r")
	c.waitText("?starttls is not available on this connection")

	hangUp(c, conn)
	c.waitText("Connection closed by foreign host.")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	c.checkRestored()
}

// With -k, a second client gets a session after the first leaves, and
// Ctrl-C while waiting ends rawtalk with the terminal as it was.
func TestInteractiveListenerKeepOpen(t *testing.T) {
	c := startTTY(t, nil, "--no-history", "-lk", "127.0.0.1", "0")
	port := c.listeningPort()
	for _, who := range []string{"first", "second"} {
		conn := dialTest(t, "tcp4", "127.0.0.1:"+port)
		conn.Write([]byte(who + " client\r\n"))
		c.waitText(who + " client")
		c.send("to the " + who + "\r")
		expectRecv(t, conn, "to the "+who+"\r\n")
		hangUp(c, conn)
		c.waitText("Connection closed by foreign host.")
		// Waiting again, which rawtalk says once the session is over.
		c.waitFor("the listening line again", func(s *vt.Screen) bool {
			return strings.Count(s.String(), "Listening on 127.0.0.1 "+port) == 2+strings.Count(s.String(), "second client")
		})
	}
	c.checkRestored()
	c.send("\x03")
	if code := c.waitExit(); code != 130 {
		t.Fatalf("exit status %d, want 130", code)
	}
	c.checkRestored()
}

// Each line typed is one datagram, also when several lines come in one
// paste, and datagrams from the peer are shown.
func TestInteractiveUDPOneDatagramPerLine(t *testing.T) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	_, port, _ := net.SplitHostPort(pc.LocalAddr().String())
	c := startTTY(t, nil, "-u", "127.0.0.1", port)
	c.waitText("Escape character is '^]'.")

	c.send("one\r")
	c.send("two\r")
	c.send("three\rfour\r") // one write: a paste
	var from net.Addr
	for _, want := range []string{"one\r\n", "two\r\n", "three\r\n", "four\r\n"} {
		buf := make([]byte, 100)
		pc.SetReadDeadline(time.Now().Add(deadline))
		n, addr, err := pc.ReadFrom(buf)
		if err != nil || string(buf[:n]) != want {
			t.Fatalf("datagram %q (%v), want %q", buf[:n], err, want)
		}
		from = addr
	}
	pc.WriteTo([]byte("pong\r\n"), from)
	c.waitText("pong")

	// Ctrl-D cannot half-close UDP: rawtalk says so, and lines still go.
	c.send("\x04")
	c.waitText("rawtalk: UDP has no end-of-data signal; nothing was sent")
	c.send("five\r")
	buf := make([]byte, 100)
	pc.SetReadDeadline(time.Now().Add(deadline))
	if n, _, err := pc.ReadFrom(buf); err != nil || string(buf[:n]) != "five\r\n" {
		t.Fatalf("datagram %q (%v) after Ctrl-D, want five", buf[:n], err)
	}
}

// A UDP port nobody listens on: the ICMP port unreachable that the first
// line brings back ends the session with nc's words.
func TestInteractiveUDPRefused(t *testing.T) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(pc.LocalAddr().String())
	pc.Close()
	c := startTTY(t, nil, "-u", "127.0.0.1", port)
	c.waitText("Escape character is '^]'.")
	c.send("anyone?\r")
	c.waitText("rawtalk: connect to 127.0.0.1 port " + port + " (udp) failed: Connection refused")
	if code := c.waitExit(); code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	c.checkRestored()
}

func TestInteractiveIdleTimeout(t *testing.T) {
	p := newPeer(t)
	c := startTTY(t, nil, "-i", "0.3", "127.0.0.1", p.port())
	conn := p.accept()
	c.waitText("Escape character is '^]'.")
	c.send("ping\r")
	expectRecv(t, conn, "ping\r\n")
	c.waitText("rawtalk: idle timeout: no data in either direction for 300ms; closing")
	if code := c.waitExit(); code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	c.checkRestored()
}

func TestInteractiveUnixListener(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sock")
	c := startTTY(t, nil, "--no-history", "-lU", path)
	c.waitText("Listening on " + path)
	conn := dialTest(t, "unix", path)
	c.waitText("Connection received on " + path)
	c.waitText("Escape character is '^]'.")
	c.send("over unix\r")
	expectRecv(t, conn, "over unix\r\n")
	hangUp(c, conn)
	c.waitText("Connection closed by foreign host.")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	c.checkRestored()
}
