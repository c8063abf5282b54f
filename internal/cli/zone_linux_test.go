package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestIPv6ZoneLinkLocal dials a link-local address with its zone, which
// the kernel needs to know the interface: without it the connect fails
// with "Invalid argument". It runs in a network namespace of its own (a
// re-run of this test with CLONE_NEWNET, root only), where fe80::1 is on
// that namespace's loopback interface and nothing else exists.
func TestIPv6ZoneLinkLocal(t *testing.T) {
	if os.Getenv("RAWTALK_NETNS_CHILD") == "1" {
		zoneInNamespace(t)
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("a network namespace needs root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs ip(8) to set up the namespace")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestIPv6ZoneLinkLocal$", "-test.v")
	cmd.Env = append(os.Environ(), "RAWTALK_NETNS_CHILD=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	out, err := cmd.CombinedOutput()
	if err != nil && bytes.Contains(out, []byte("netns setup:")) {
		t.Skipf("no network namespace here: %s", out)
	}
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Skipf("cannot start a process in a new network namespace: %v", err)
		}
		t.Fatalf("in the namespace: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("--- PASS: TestIPv6ZoneLinkLocal")) {
		t.Fatalf("the test did not run in the namespace:\n%s", out)
	}
}

func zoneInNamespace(t *testing.T) {
	for _, args := range [][]string{{"link", "set", "lo", "up"}, {"addr", "add", "fe80::1/64", "dev", "lo", "nodad"}} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			fmt.Printf("netns setup: ip %s: %v %s\n", strings.Join(args, " "), err, out)
			t.SkipNow()
		}
	}
	ln, err := net.Listen("tcp6", "[fe80::1%lo]:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	waitForRoute(t, ln)
	got := make(chan string, 2)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, _ := io.ReadAll(c)
			c.Close()
			got <- string(b)
		}
	}()

	for _, args := range [][]string{{"fe80::1%lo", port}, {"[fe80::1%lo]:" + port}} {
		var stderr bytes.Buffer
		code := run(append([]string{"-v", "-N"}, args...), strings.NewReader("hello\n"), io.Discard, &stderr)
		if code != 0 {
			t.Fatalf("rawtalk %s: exit %d\n%s", strings.Join(args, " "), code, &stderr)
		}
		if s := <-got; s != "hello\n" {
			t.Errorf("rawtalk %s: the server got %q", strings.Join(args, " "), s)
		}
		want := "Connection to fe80::1%lo " + port + " port [tcp/*] succeeded!\n"
		if !strings.HasPrefix(stderr.String(), want) {
			t.Errorf("rawtalk -v %s said %q, want %q first", strings.Join(args, " "), &stderr, want)
		}
	}

	// A refused connect names the address with its zone, as nc does.
	ln.Close()
	var stderr bytes.Buffer
	code := run([]string{"fe80::1%lo", port}, strings.NewReader(""), io.Discard, &stderr)
	want := "rawtalk: connect to fe80::1%lo port " + port + " (tcp) failed: Connection refused\n"
	if code != 1 || !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("exit %d, %q; want 1 and %q", code, &stderr, want)
	}

	// -l on a link-local address binds with the zone, and says it.
	words, w := io.Pipe()
	var received bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run([]string{"-lv", "fe80::1%lo", "0"}, strings.NewReader(""), &received, w)
		w.Close()
	}()
	line, err := bufio.NewReader(words).ReadString('\n')
	go io.Copy(io.Discard, words)
	lport, found := strings.CutPrefix(strings.TrimSpace(line), "Listening on fe80::1%lo ")
	if err != nil || !found {
		t.Fatalf("the listener said %q (%v), want Listening on fe80::1%%lo PORT", line, err)
	}
	c, err := net.Dial("tcp6", "[fe80::1%lo]:"+lport)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("to the listener\n"))
	c.Close()
	if code := <-done; code != 0 || received.String() != "to the listener\n" {
		t.Errorf("listener: exit %d, received %q", code, &received)
	}
}

// waitForRoute waits until the kernel routes to fe80::1%lo (it adds the
// route a moment after the address, and a dial before it is "Network is
// unreachable"): until a probe connect to ln succeeds, which it accepts.
func waitForRoute(t *testing.T, ln net.Listener) {
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := net.Dial("tcp6", net.JoinHostPort("fe80::1%lo", fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)))
		if err == nil {
			c.Close()
			probe, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			probe.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no route to fe80::1%%lo in the namespace: %v", err)
		}
		<-tick.C
	}
}
