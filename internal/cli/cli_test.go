package cli

import (
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// `rawtalk host port | head -c 10` ends quietly, with status 0, instead of
// dying of SIGPIPE or waiting for the server.
func TestStdoutClosedEarlyEndsQuietly(t *testing.T) {
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
		defer c.Close()
		line := []byte(strings.Repeat("x", 1023) + "\n")
		for {
			if _, err := c.Write(line); err != nil {
				return
			}
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	cmd := exec.Command(rawtalkPath(t), "127.0.0.1", port)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, _ := cmd.StdinPipe() // open: the session would go on forever
	defer stdin.Close()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 10)
	if _, err := io.ReadFull(stdout, head); err != nil {
		t.Fatal(err)
	}
	stdout.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v; stderr %q", err, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("stderr %q, want nothing", stderr.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("rawtalk kept running after its stdout closed")
	}
}
