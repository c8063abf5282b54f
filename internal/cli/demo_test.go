package cli

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/practice"
)

// TestDemoServe runs `rawtalk -v --demo-serve` as its own process, reads the
// address it prints, talks to the server, then stops it with each signal a
// user or a service manager sends: it must end cleanly with status 0.
func TestDemoServe(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			// testscript.Main put a rawtalk command on $PATH that runs run().
			cmd := exec.Command("rawtalk", "-v", "--demo-serve", "echo")
			// A -race binary sleeps a second at exit by default; not needed here.
			cmd.Env = append(os.Environ(), "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			lines := make(chan string, 10)
			go func() {
				defer close(lines)
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					lines <- sc.Text()
				}
			}()
			nextLine := func() string {
				t.Helper()
				select {
				case l, ok := <-lines:
					if !ok {
						t.Fatal("rawtalk ended its stderr early")
					}
					return l
				case <-time.After(5 * time.Second):
					t.Fatal("no line from rawtalk within 5s")
				}
				return ""
			}

			first := nextLine()
			m := regexp.MustCompile(`^rawtalk: practice echo server listening on 127\.0\.0\.1:(\d+); connect with: rawtalk 127\.0\.0\.1 (\d+)$`).FindStringSubmatch(first)
			if m == nil || m[1] != m[2] {
				t.Fatalf("first line %q is not the listening line", first)
			}
			c, err := net.Dial("tcp4", "127.0.0.1:"+m[1])
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(c, "ping\n")
			got := make([]byte, 5)
			if _, err := io.ReadFull(c, got); err != nil || string(got) != "ping\n" {
				t.Fatalf("echo answered %q, %v", got, err)
			}
			received := nextLine()
			if want := "Connection received on 127.0.0.1 "; !strings.HasPrefix(received, want) {
				t.Errorf("second line %q, want %q...", received, want)
			}

			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			// The connection still open is closed by the server's end.
			if n, err := c.Read(got); err != io.EOF {
				t.Errorf("after %v the client read %d bytes, %v; want EOF", sig, n, err)
			}
			if last := nextLine(); last != "rawtalk: practice echo server stopped after 1 connection" {
				t.Errorf("last line %q", last)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("rawtalk ended with %v after %v, want status 0", err, sig)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("rawtalk still running 5s after %v", sig)
			}
		})
	}
}

// TestServeDemo runs serveDemo in-process with a context in place of the
// signal, and checks its words: the address, each connection with -v, and
// the SMTP server's counts at the end.
func TestServeDemo(t *testing.T) {
	srv, err := practice.New("smtp")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port := splitAddr(ln.Addr())
	var out strings.Builder // written by serveDemo's goroutine only, read after it returns
	con := &console{w: &out, verbose: true}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveDemo(ctx, srv, ln, con) }()

	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "HELO me\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n")
	reply, err := io.ReadAll(c)
	c.Close()
	if err != nil || !strings.HasSuffix(string(reply), "250 2.0.0 Ok: queued as 00000001\r\n221 2.0.0 Bye\r\n") {
		t.Fatalf("SMTP replies %q, %v", reply, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serveDemo = %v, want nil when its context ends", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serveDemo did not return")
	}
	want := regexp.MustCompile(`^rawtalk: practice smtp server listening on 127\.0\.0\.1:` + port +
		`; connect with: rawtalk 127\.0\.0\.1 ` + port + `\n` +
		`Connection received on 127\.0\.0\.1 \d+\n` +
		`rawtalk: practice smtp server stopped after 1 connection and 1 message\n$`)
	if !want.MatchString(out.String()) {
		t.Errorf("serveDemo said:\n%s", out.String())
	}
}
