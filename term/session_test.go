//go:build unix

package term

import (
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// A session run in this process, on a pseudo-terminal, ends with every
// goroutine it started gone: the reader, the keyboard, the sender, the
// signal watcher and the line editor's own.
func TestSessionLeavesNoGoroutines(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	go io.Copy(io.Discard, master)                         // the screen
	keys, err := os.OpenFile(slave.Name(), os.O_RDONLY, 0) // pollable, as main opens it
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Close()

	// os/signal starts one goroutine for the process on first use.
	warm := make(chan os.Signal, 1)
	signal.Notify(warm, syscall.SIGWINCH)
	signal.Stop(warm)
	base := runtime.NumGoroutine()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	conn, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server := <-accepted
	done := make(chan error, 1)
	go func() {
		_, err := Run(conn, Terminal{In: keys, Out: slave, Fd: int(slave.Fd())}, Options{})
		done <- err
	}()
	master.Write([]byte("hello\r"))
	got := make([]byte, 7)
	server.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(server, got); err != nil || string(got) != "hello\r\n" {
		t.Fatalf("server got %q, %v", got, err)
	}
	server.Write([]byte("bye\r\n"))
	server.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end when the server closed")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			stacks := string(buf[:runtime.Stack(buf, true)])
			t.Fatalf("%d goroutines outlive the session (had %d):\n%s", runtime.NumGoroutine(), base, stacks)
		}
		time.Sleep(time.Millisecond)
	}
}
