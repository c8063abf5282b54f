package pump

import (
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

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
	if _, err := Pipe(conn, strings.NewReader(""), pw, PipeOptions{}); err != nil {
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

// A pipe on stdin is read through the poller (a read deadline works, which
// it cannot on a blocking file), the bytes are the pipe's, and the pipe's
// own open file stays blocking: others may share it.
func TestPollableStdin(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	if err := unix.SetNonblock(int(pr.Fd()), false); err != nil { // as a shell hands it over
		t.Fatal(err)
	}
	r, done := pollableStdin(pr)
	defer done()
	f, ok := r.(*os.File)
	if !ok || f == pr {
		t.Fatalf("got %T %v, want a new *os.File", r, r)
	}
	if err := f.SetReadDeadline(time.Now().Add(10 * time.Millisecond)); err != nil {
		t.Fatalf("SetReadDeadline: %v (not pollable)", err)
	}
	buf := make([]byte, 16)
	if _, err := f.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read on an empty pipe: %v, want a deadline error", err)
	}
	f.SetReadDeadline(time.Time{})
	pw.Write([]byte("line\n"))
	if n, err := f.Read(buf); err != nil || string(buf[:n]) != "line\n" {
		t.Fatalf("read %q, %v; want %q", buf[:n], err, "line\n")
	}
	flags, err := unix.FcntlInt(pr.Fd(), unix.F_GETFL, 0)
	if err != nil || flags&unix.O_NONBLOCK != 0 {
		t.Errorf("stdin's own flags %#x (%v): O_NONBLOCK must stay off", flags, err)
	}
	// Not a pipe: left alone.
	sr := strings.NewReader("x")
	if r, _ := pollableStdin(sr); r != sr {
		t.Errorf("a reader that is not a pipe became %T", r)
	}
}
