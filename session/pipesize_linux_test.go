package session

import (
	"net"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Piped to another program, rawtalk's stdout pipe is grown to 1 MiB, so a
// download moves in fewer, larger splices; the bytes are unchanged.
func TestPipeGrowsStdoutPipe(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Write([]byte("hello\n"))
		c.Close()
	}()
	conn, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	if size, _ := unix.FcntlInt(pr.Fd(), unix.F_GETPIPE_SZ, 0); size >= pipeSize {
		t.Skipf("pipes here already hold %d bytes", size)
	}
	if _, err := Pipe(conn, strings.NewReader(""), pw, PipeOptions{QuitAfterEOF: -1}); err != nil {
		t.Fatal(err)
	}
	if size, err := unix.FcntlInt(pr.Fd(), unix.F_GETPIPE_SZ, 0); err != nil || size != pipeSize {
		t.Errorf("stdout pipe holds %d bytes (%v), want %d", size, err, pipeSize)
	}
	got := make([]byte, 16)
	n, _ := pr.Read(got)
	if string(got[:n]) != "hello\n" {
		t.Errorf("read %q from the pipe, want %q", got[:n], "hello\n")
	}
}
