package term

import (
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// Without /proc (as on macOS and the BSDs, or in a Linux container without
// it), a session on a real terminal still ends at once when the server
// closes, with no keypress: the key reader finds the terminal in /dev. The
// session runs in a child process whose stdin is a pty, in a mount
// namespace with an empty tmpfs over /proc.
func TestSessionEndsWithoutProc(t *testing.T) {
	if os.Getenv("RAWTALK_NOPROC_CHILD") != "" {
		sessionWithoutProc(t)
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("hiding /proc needs a mount namespace, which needs root")
	}
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSessionEndsWithoutProc$", "-test.v")
	cmd.Env = append(os.Environ(), "RAWTALK_NOPROC_CHILD=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Unshareflags: syscall.CLONE_NEWNS}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start a child in a mount namespace: %v", err)
	}
	slave.Close()
	var mu sync.Mutex
	var out bytes.Buffer
	go io.Copy(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return out.Write(p)
	}), master)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		mu.Lock()
		defer mu.Unlock()
		text := out.String()
		if strings.Contains(text, "--- SKIP") {
			t.Skipf("child skipped:\n%s", text)
		}
		if err != nil || !strings.Contains(text, "session ended without /proc") {
			t.Fatalf("child: %v\n%s", err, text)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the child hung: the session did not end after the server closed\n%s", out.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// sessionWithoutProc is the child: it hides /proc, then holds a session on
// its terminal against a server that closes at once.
func sessionWithoutProc(t *testing.T) {
	if err := syscall.Mount("tmpfs", "/proc", "tmpfs", 0, ""); err != nil {
		t.Skipf("cannot hide /proc: %v", err)
	}
	if _, err := os.Stat("/proc/self/fd/0"); err == nil {
		t.Fatal("/proc is still there")
	}
	keys := KeyReader(os.Stdin)
	if keys == io.Reader(os.Stdin) {
		t.Fatal("KeyReader found no pollable terminal without /proc")
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("bye\r\n"))
			c.Close()
		}
	}()
	conn, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Run(conn, Terminal{In: keys, Out: os.Stdout, Fd: int(os.Stdin.Fd())}, Options{})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		t.Log("session ended without /proc")
	case <-time.After(10 * time.Second):
		buf := make([]byte, 1<<16)
		os.Stderr.Write(buf[:runtime.Stack(buf, true)])
		t.Fatal("the session did not end after the server closed")
	}
}
