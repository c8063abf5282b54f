package practice

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testClock is the fixed time of every Date header in the tests.
func testClock() time.Time { return time.Date(2025, 11, 25, 12, 34, 56, 0, time.UTC) }

// waitLimit bounds every wait for the server; it is a deadline, never a
// sleep: tests go on as soon as the bytes arrive.
const waitLimit = 5 * time.Second

// startServer runs a practice server of kind on 127.0.0.1:0 until the test
// ends; tune may change its fields before it starts.
func startServer(t *testing.T, kind string, tune func(*Server)) (*Server, string) {
	t.Helper()
	s, err := New(kind)
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = testClock
	if tune != nil {
		tune(s)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(waitLimit):
			t.Errorf("Serve did not return after its context ended")
		}
	})
	return s, ln.Addr().String()
}

// client is a scripted client: it sends exact bytes and expects exact bytes.
type client struct {
	t    *testing.T
	conn *net.TCPConn
	r    *bufio.Reader
}

func connect(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{t: t, conn: c.(*net.TCPConn), r: bufio.NewReader(c)}
}

func (c *client) send(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, s); err != nil {
		c.t.Fatalf("send %q: %v", s, err)
	}
}

// expect reads exactly len(want) bytes, within waitLimit, and compares.
func (c *client) expect(want string) {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(waitLimit))
	got := make([]byte, len(want))
	n, err := io.ReadFull(c.r, got)
	if string(got[:n]) != want {
		c.t.Fatalf("server sent\n%q\nwant\n%q\n(read error: %v)", got[:n], want, err)
	}
}

// expectEOF checks that the server closes without sending anything more.
func (c *client) expectEOF() {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(waitLimit))
	rest, err := io.ReadAll(c.r)
	if err != nil {
		c.t.Fatalf("waiting for the server to close: %v (after %q)", err, rest)
	}
	if len(rest) > 0 {
		c.t.Fatalf("server sent %q before closing, want nothing", rest)
	}
}

// readAll reads until the server closes.
func (c *client) readAll() string {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(waitLimit))
	data, err := io.ReadAll(c.r)
	if err != nil {
		c.t.Fatalf("reading to EOF: %v (after %q)", err, data)
	}
	return string(data)
}

// converse plays a dialogue: "> text" sends text and CRLF, ">lf text"
// sends text and a bare LF, "< text" expects text and CRLF ("<" alone an
// empty line), "<eof" expects the server to close.
func converse(t *testing.T, c *client, dialogue string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimPrefix(dialogue, "\n"), "\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, ">lf "):
			c.send(line[4:] + "\n")
		case line == ">":
			c.send("\r\n")
		case strings.HasPrefix(line, "> "):
			c.send(line[2:] + "\r\n")
		case line == "<":
			c.expect("\r\n")
		case line == "<eof":
			c.expectEOF()
		case strings.HasPrefix(line, "< "):
			c.expect(line[2:] + "\r\n")
		default:
			t.Fatalf("bad dialogue line %q", line)
		}
	}
}

func TestNewUnknownKind(t *testing.T) {
	_, err := New("ftp")
	var kindErr *KindError
	if !errors.As(err, &kindErr) {
		t.Fatalf("New(ftp) = %v, want a *KindError", err)
	}
	if want := `unknown practice server "ftp"; the kinds are http, smtp, pop3, imap, echo`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestEcho(t *testing.T) {
	_, addr := startServer(t, "echo", nil)
	c := connect(t, addr)
	converse(t, c, `
> hello
< hello
> second line
< second line
`)
	// Bytes come back unchanged, bare LF and binary included.
	c.send("bare lf\n\x00\xff\x1b[2J")
	c.expect("bare lf\n\x00\xff\x1b[2J")
	c.conn.CloseWrite()
	c.expectEOF()
}

func TestIdleTimeout(t *testing.T) {
	tune := func(s *Server) { s.IdleTimeout = 100 * time.Millisecond }
	t.Run("echo", func(t *testing.T) {
		_, addr := startServer(t, "echo", tune)
		connect(t, addr).expectEOF()
	})
	t.Run("smtp", func(t *testing.T) {
		_, addr := startServer(t, "smtp", tune)
		converse(t, connect(t, addr), `
< 220 localhost ESMTP rawtalk practice server; mail stays in memory
< 421 4.4.2 localhost Error: timeout exceeded
<eof
`)
	})
	t.Run("smtp in DATA", func(t *testing.T) {
		_, addr := startServer(t, "smtp", tune)
		c := connect(t, addr)
		c.send("HELO me\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nhalf a message\r\n")
		c.expect("220 localhost ESMTP rawtalk practice server; mail stays in memory\r\n" +
			"250 localhost\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n" +
			"421 4.4.2 localhost Error: timeout exceeded\r\n")
		c.expectEOF()
	})
	t.Run("http between requests", func(t *testing.T) {
		// A quiet client between requests is closed without an answer, as
		// real servers do with keep-alive connections.
		_, addr := startServer(t, "http", tune)
		connect(t, addr).expectEOF()
	})
	t.Run("http in a request", func(t *testing.T) {
		_, addr := startServer(t, "http", tune)
		c := connect(t, addr)
		c.send("GET / HTTP/1.1\r\nHost: x\r\n")
		got := c.readAll()
		if !strings.HasPrefix(got, "HTTP/1.1 408 Request Timeout\r\n") || !strings.Contains(got, "\r\nConnection: close\r\n") {
			t.Fatalf("got %q, want a 408 that closes", got)
		}
	})
}

// TestMaxConns checks that a client over the limit gets each protocol's
// "busy" answer at once, while the clients within it are served.
func TestMaxConns(t *testing.T) {
	one := func(s *Server) { s.MaxConns = 1 }
	t.Run("echo", func(t *testing.T) {
		_, addr := startServer(t, "echo", one)
		first := connect(t, addr)
		converse(t, first, "> in\n< in\n") // the first client is being served
		connect(t, addr).expectEOF()
		converse(t, first, "> still served\n< still served\n")
	})
	t.Run("smtp", func(t *testing.T) {
		_, addr := startServer(t, "smtp", one)
		first := connect(t, addr)
		first.expect("220 localhost ESMTP rawtalk practice server; mail stays in memory\r\n")
		converse(t, connect(t, addr), `
< 421 4.3.2 localhost Error: too many connections; try again later
<eof
`)
	})
	t.Run("http", func(t *testing.T) {
		_, addr := startServer(t, "http", one)
		first := connect(t, addr)
		first.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
		first.expect("HTTP/1.1 200 OK\r\n")
		second := connect(t, addr)
		second.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		got := second.readAll()
		if !strings.HasPrefix(got, "HTTP/1.1 503 Service Unavailable\r\n") {
			t.Fatalf("second client got %q, want 503", got)
		}
	})
}

// TestServeEndsConnections checks that ending Serve's context closes the
// clients still connected, and that Serve returns.
func TestServeEndsConnections(t *testing.T) {
	s, err := New("echo")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	c := connect(t, ln.Addr().String())
	converse(t, c, "> ping\n< ping\n")
	cancel()
	c.expectEOF()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve = %v, want nil after its context ended", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Serve did not return")
	}
	if _, err := net.Dial("tcp4", ln.Addr().String()); err == nil {
		t.Error("the listener still accepts after Serve returned")
	}
	if n := s.Connections(); n != 1 {
		t.Errorf("Connections() = %d, want 1", n)
	}
}

func TestOnConnect(t *testing.T) {
	seen := make(chan net.Addr, 1)
	_, addr := startServer(t, "echo", func(s *Server) { s.OnConnect = func(a net.Addr) { seen <- a } })
	c := connect(t, addr)
	select {
	case a := <-seen:
		if a.String() != c.conn.LocalAddr().String() {
			t.Errorf("OnConnect got %v, want the client's address %v", a, c.conn.LocalAddr())
		}
	case <-time.After(waitLimit):
		t.Fatal("OnConnect was not called")
	}
}

// flakyListener fails its first accepts with "too many open files", as a
// busy machine does.
type flakyListener struct {
	net.Listener
	failures int
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.failures > 0 {
		l.failures--
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// TestServeOutOfFiles checks that running out of file descriptors pauses
// the server instead of ending it.
func TestServeOutOfFiles(t *testing.T) {
	s, err := New("echo")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, &flakyListener{Listener: ln, failures: 3}) }()
	converse(t, connect(t, ln.Addr().String()), "> still serving\n< still serving\n")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve = %v", err)
	}
}
