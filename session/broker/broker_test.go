package broker

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

const deadline = 10 * time.Second

// startHub runs a hub on 127.0.0.1 for the test; joined receives each
// client's name as it joins, refused each refusal.
func startHub(t *testing.T, opt Options) (addr string, joined, refused chan string) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	joined, refused = make(chan string, 16), make(chan string, 16)
	opt.Joined = func(peer, name string) { joined <- name }
	opt.Refused = func(peer, reason string) { refused <- reason }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, opt) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Serve = %v, want context.Canceled", err)
		}
	})
	return ln.Addr().String(), joined, refused
}

func join(t *testing.T, addr string, joined chan string, want string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if got := receive(t, joined); got != want {
		t.Fatalf("joined %q, want %q", got, want)
	}
	return c
}

func receive(t *testing.T, ch chan string) string {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(deadline):
		t.Fatal("timed out")
		return ""
	}
}

func readN(t *testing.T, c net.Conn, n int) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(deadline))
	buf := make([]byte, n)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatal(err)
	}
	return buf
}

// TestBrokerRelaysBytes: every byte value one client sends reaches each
// other client unchanged, and not the sender; the hub's Out sees it too.
func TestBrokerRelaysBytes(t *testing.T) {
	var out lockedBuffer
	addr, joined, _ := startHub(t, Options{Out: &out})
	a := join(t, addr, joined, "user1")
	b := join(t, addr, joined, "user2")
	c := join(t, addr, joined, "user3")
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	a.Write(all)
	for _, peer := range []net.Conn{b, c} {
		if got := readN(t, peer, len(all)); !bytes.Equal(got, all) {
			t.Errorf("got %q", got)
		}
	}
	b.Write([]byte("back"))
	if got := readN(t, a, 4); string(got) != "back" {
		t.Errorf("a got %q, want b's bytes only", got)
	}
	if got := readN(t, c, 4); string(got) != "back" {
		t.Errorf("c got %q", got)
	}
	if got := out.String(); got != string(all)+"back" {
		t.Errorf("Out got %q", got)
	}
}

// TestMaxConns: the client beyond MaxConns is closed and reported; one
// place frees when a client leaves.
func TestMaxConns(t *testing.T) {
	left := make(chan string, 1)
	addr, joined, refused := startHub(t, Options{MaxConns: 1, Left: func(peer, name string) { left <- name }})
	a := join(t, addr, joined, "user1")
	extra, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	if got := receive(t, refused); got != "--max-conns 1 reached" {
		t.Errorf("refused %q", got)
	}
	extra.SetReadDeadline(time.Now().Add(deadline))
	if n, err := extra.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the extra client read %d, %v; want EOF", n, err)
	}
	a.Close()
	if got := receive(t, left); got != "user1" {
		t.Errorf("left: %q", got)
	}
	join(t, addr, joined, "user2")
}

// TestChat: names, ncat's announcements, lines escaped, the hub's own
// input as user0.
func TestChat(t *testing.T) {
	local, typed := io.Pipe()
	defer typed.Close()
	addr, joined, _ := startHub(t, Options{Chat: true, Local: local})
	a := join(t, addr, joined, "user1")
	ra := bufio.NewReader(a)
	line := func(r *bufio.Reader, want string) {
		t.Helper()
		a.SetReadDeadline(time.Now().Add(deadline))
		got, err := r.ReadString('\n')
		if err != nil || got != want+"\n" {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
	line(ra, "<announce> 127.0.0.1 is connected as <user1>.")
	line(ra, "<announce> already connected: nobody.")
	b := join(t, addr, joined, "user2")
	rb := bufio.NewReader(b)
	line(ra, "<announce> 127.0.0.1 is connected as <user2>.")
	line(rb, "<announce> 127.0.0.1 is connected as <user2>.")
	line(rb, "<announce> already connected: 127.0.0.1 as <user1>.")

	b.Write([]byte("hi\x1b[2J\x00\r\n"))
	line(ra, `<user2> hi\x1b[2J\x00`)
	io.WriteString(typed, "from the hub\n")
	line(ra, "<user0> from the hub")
	line(rb, "<user0> from the hub")
	b.Close()
	line(ra, "<announce> <user2> is disconnected.")
}

func TestChatLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"hello\r\n", "<u> hello\n"},
		{"hello\n", "<u> hello\n"},
		{"no end", "<u> no end\n"},
		{"tab\there\n", `<u> tab\there` + "\n"},
		{"\x1b]0;title\x07\n", `<u> \x1b]0;title\x07` + "\n"},
		{"bare\rcr\n", `<u> bare\rcr` + "\n"},
		{"\xff\xfe\n", `<u> \xff\xfe` + "\n"},
		{"\u202eevil\n", `<u> \u202eevil` + "\n"},
		{"héllo\n", "<u> héllo\n"},
	} {
		if got := string(ChatLine("u", []byte(c.in))); got != c.want {
			t.Errorf("ChatLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestChatLongLine: a line longer than maxLine goes out in pieces, each
// a line of its own, none lost.
func TestChatLongLine(t *testing.T) {
	addr, joined, _ := startHub(t, Options{Chat: true})
	a := join(t, addr, joined, "user1")
	b := join(t, addr, joined, "user2")
	long := strings.Repeat("x", maxLine+10)
	go b.Write([]byte(long + "\n"))
	r := bufio.NewReader(a)
	a.SetReadDeadline(time.Now().Add(deadline))
	total := 0
	for total < len(long) {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, "<announce>") {
			continue
		}
		if !strings.HasPrefix(line, "<user2> ") {
			t.Fatalf("line %.40q", line)
		}
		total += len(line) - len("<user2> \n")
	}
	if total != len(long) {
		t.Errorf("got %d bytes of x, want %d", total, len(long))
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
