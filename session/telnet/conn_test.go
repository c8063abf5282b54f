package telnet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// script is one side of a scripted conversation: send bytes, then expect
// exact bytes back, with a deadline so a wrong or missing answer fails
// the test instead of hanging it.
type script struct {
	t    *testing.T
	conn net.Conn
}

func (s script) send(p []byte) error {
	_, err := s.conn.Write(p)
	return err
}

func (s script) expect(want []byte) error {
	got := make([]byte, len(want))
	s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := io.ReadFull(s.conn, got)
	if err != nil {
		return fmt.Errorf("server: want % x, got % x then %v", want, got[:n], err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("server: want % x\n                 got % x", want, got)
	}
	return nil
}

// serveOnce runs fn against the first connection to a new listener on
// 127.0.0.1 and returns the listener's address and fn's result.
func serveOnce(t *testing.T, fn func(net.Conn) error) (string, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		defer ln.Close()
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		done <- fn(c)
	}()
	return ln.Addr().String(), done
}

// readExactly reads len(want) bytes of user data from conn and compares.
func readExactly(t *testing.T, conn io.Reader, want string) {
	t.Helper()
	got := make([]byte, len(want))
	if n, err := io.ReadFull(conn, got); err != nil {
		t.Fatalf("reading %q: got %q, %v", want, got[:n], err)
	}
	if string(got) != want {
		t.Fatalf("read %q, want %q", got, want)
	}
}

// TestConnAgainstTelnetd talks to a server that negotiates as a real
// telnetd does and checks rawtalk's every answer byte for byte.
func TestConnAgainstTelnetd(t *testing.T) {
	addr, serverDone := serveOnce(t, func(c net.Conn) error {
		s := script{t, c}
		steps := []struct{ send, want []byte }{
			// The greeting of a telnetd: it wants a terminal type and a
			// window size, and offers to echo and to suppress go-ahead.
			{b(IAC, DO, OptTTYPE, IAC, DO, OptNAWS, IAC, WILL, OptEcho, IAC, WILL, OptSGA),
				b(IAC, WILL, OptTTYPE, IAC, WILL, OptNAWS, IAC, SB, OptNAWS, 0, 80, 0, 24, IAC, SE, IAC, DO, OptEcho, IAC, DO, OptSGA)},
			{b(IAC, SB, OptTTYPE, ttypeSEND, IAC, SE),
				b(IAC, SB, OptTTYPE, ttypeIS, "XTERM-256COLOR", IAC, SE)},
			{b("\r\nDebian GNU/Linux 12\r\n\r\nlogin: "), b("user\r\n")},
			// Requests repeated: no answer, so the next bytes back are the
			// refusal of option 99 sent after them.
			{b(IAC, DO, OptTTYPE, IAC, WILL, OptEcho, IAC, DO, 99), b(IAC, WONT, 99)},
			// 0xFF in data, and a bare CR.
			{b(IAC, IAC, "\r", 0, "Password: "), b(IAC, SB, OptNAWS, 0, IAC, IAC, 0, 50, IAC, SE)},
			{nil, b(IAC, AYT)},
			{nil, b("a\r", 0, "b", IAC, IAC)},
		}
		for _, step := range steps {
			if err := s.send(step.send); err != nil {
				return err
			}
			if err := s.expect(step.want); err != nil {
				return err
			}
		}
		// After the client's half-close: EOF, and a last line for it.
		if rest, err := io.ReadAll(c); err != nil || len(rest) > 0 {
			return fmt.Errorf("server: after the last step got % x, %v; want EOF", rest, err)
		}
		return s.send(b("bye\r\n"))
	})

	raw, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var trace []string
	var modes []Mode
	conn := NewConn(raw, Config{
		TermType: "xterm-256color", Cols: 80, Rows: 24,
		Log:          func(l string) { mu.Lock(); trace = append(trace, l); mu.Unlock() },
		OnModeChange: func(m Mode) { mu.Lock(); modes = append(modes, m); mu.Unlock() },
	})
	defer conn.Close()

	readExactly(t, conn, "\r\nDebian GNU/Linux 12\r\n\r\nlogin: ")
	if m := conn.Mode(); !m.CharacterMode() || m.LocalEcho() {
		t.Errorf("after WILL ECHO and WILL SGA: mode %+v, want character mode without local echo", m)
	}
	if _, err := conn.Write([]byte("user\r\n")); err != nil {
		t.Fatal(err)
	}
	readExactly(t, conn, "\xff\rPassword: ")
	if err := conn.Resize(255, 50); err != nil {
		t.Fatal(err)
	}
	if err := conn.Send("ayt"); err != nil {
		t.Fatal(err)
	}
	if err := conn.Send("bogus"); err == nil {
		t.Error("Send of an unknown command succeeded")
	}
	if _, err := conn.Write([]byte("a\rb\xff")); err != nil {
		t.Fatal(err)
	}
	if err := conn.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(conn)
	if err != nil || string(rest) != "bye\r\n" {
		t.Errorf("end of session: %q, %v", rest, err)
	}
	if err := <-serverDone; err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	wantModes := []Mode{{RemoteEcho: true}, {RemoteEcho: true, SuppressGoAhead: true}}
	if !slices.Equal(modes, wantModes) {
		t.Errorf("mode changes %+v, want %+v", modes, wantModes)
	}
	wantTrace := []string{
		"RCVD DO TERMINAL TYPE", "SENT WILL TERMINAL TYPE",
		"RCVD DO NAWS", "SENT WILL NAWS", "SENT IAC SB NAWS 0 80 (80) 0 24 (24)",
		"RCVD WILL ECHO", "SENT DO ECHO",
		"RCVD WILL SUPPRESS GO AHEAD", "SENT DO SUPPRESS GO AHEAD",
		"RCVD IAC SB TERMINAL-TYPE SEND", `SENT IAC SB TERMINAL-TYPE IS "XTERM-256COLOR"`,
		"RCVD DO TERMINAL TYPE", "RCVD WILL ECHO", "RCVD DO 99", "SENT WONT 99",
		"SENT IAC SB NAWS 0 255 (255) 0 50 (50)",
		"SENT IAC AYT",
	}
	if !slices.Equal(trace, wantTrace) {
		t.Errorf("trace:\n%q\nwant:\n%q", trace, wantTrace)
	}
	var opts []string
	for _, o := range conn.Options() {
		opts = append(opts, o.String())
	}
	if want := []string{"ECHO (server)", "SUPPRESS GO AHEAD (server)", "TERMINAL TYPE (rawtalk)", "NAWS (rawtalk)"}; !slices.Equal(opts, want) {
		t.Errorf("options %q, want %q", opts, want)
	}
}

// TestConnAnswersWhileWriteBlocks: a server that sends but does not read
// fills rawtalk's socket buffer, so a Write blocks. Read must still return
// data, queueing its answer for the blocked Write to send, instead of
// waiting for the write side and deadlocking with the server.
func TestConnAnswersWhileWriteBlocks(t *testing.T) {
	gotHello := make(chan struct{})
	upload := bytes.Repeat([]byte("x"), 1<<20) // far more than the socket buffers hold
	addr, serverDone := serveOnce(t, func(c net.Conn) error {
		if _, err := c.Write(b(IAC, DO, OptTTYPE, "hello")); err != nil {
			return err
		}
		select {
		case <-gotHello:
		case <-time.After(5 * time.Second):
			return errors.New("server: the client never read hello")
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		all, err := io.ReadAll(c)
		if err != nil {
			return err
		}
		answer := b(IAC, WILL, OptTTYPE)
		if bytes.Count(all, answer) != 1 {
			return fmt.Errorf("server: WILL TERMINAL-TYPE came %d times", bytes.Count(all, answer))
		}
		if !bytes.Equal(bytes.Replace(all, answer, nil, 1), upload) {
			return errors.New("server: the upload around the answer is damaged")
		}
		return nil
	})
	raw, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	raw.(*net.TCPConn).SetWriteBuffer(4096)
	conn := NewConn(raw, Config{TermType: "xterm"})
	defer conn.Close()

	writeDone := make(chan error, 1)
	go func() {
		_, err := conn.Write(upload)
		if err == nil {
			err = conn.CloseWrite()
		}
		writeDone <- err
	}()
	readExactly(t, conn, "hello")
	select {
	case err := <-writeDone:
		t.Fatalf("the upload finished (%v) although the server reads nothing yet", err)
	default:
	}
	close(gotHello)
	if err := <-writeDone; err != nil {
		t.Fatal(err)
	}
	if err := <-serverDone; err != nil {
		t.Fatal(err)
	}
}

// TestConnHidesTheSocket: io.Copy must not find the raw socket behind a
// Conn, or splice would carry bytes around the codec.
func TestConnHidesTheSocket(t *testing.T) {
	var conn any = NewConn(nil, Config{})
	if _, ok := conn.(syscall.Conn); ok {
		t.Error("Conn exposes SyscallConn")
	}
	if _, ok := conn.(io.WriterTo); ok {
		t.Error("Conn is an io.WriterTo")
	}
	if _, ok := conn.(io.ReaderFrom); ok {
		t.Error("Conn is an io.ReaderFrom")
	}
	if _, ok := conn.(interface{ CloseWrite() error }); !ok {
		t.Error("Conn cannot half-close")
	}
}
