package practice

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/scan"
	"github.com/rawtalk/rawtalk/session/dial"
)

// startLab runs a lab until the test ends and checks that it stops.
func startLab(t *testing.T, cfg LabConfig) *Lab {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	lab, err := StartLab(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		done := make(chan error, 1)
		go func() { done <- lab.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Wait: %v", err)
			}
		case <-time.After(waitLimit):
			t.Errorf("the lab did not stop after its context ended")
		}
	})
	return lab
}

// TestLabFoundByScanner is the exercise: scanning the lab's window finds
// every service open, and the ones that speak first show their banners.
func TestLabFoundByScanner(t *testing.T) {
	lab := startLab(t, LabConfig{})
	if lab.Last-lab.First+1 != LabSpan || lab.First%1000 != 0 {
		t.Errorf("window %d-%d, want %d ports from a round number", lab.First, lab.Last, LabSpan)
	}
	var ports []uint16
	for p := lab.First; p <= lab.Last; p++ {
		ports = append(ports, uint16(p))
	}
	var out bytes.Buffer
	sum, err := scan.Scan(context.Background(), []netip.Addr{netip.MustParseAddr("127.0.0.1")}, ports, &out,
		scan.Options{Banner: true, BannerTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// Another program on this machine may listen in the window too; the
	// lab's own ports are checked one by one below.
	if sum.Open < len(labLayout) || len(lab.Services) != len(labLayout) {
		t.Errorf("the scan found %d open ports, the lab has %d services; want %d:\n%s", sum.Open, len(lab.Services), len(labLayout), &out)
	}
	banners := map[string]string{
		"smtp": "220 localhost ESMTP rawtalk practice server",
		"pop3": "+OK rawtalk practice POP3 server ready",
		"imap": "* OK [CAPABILITY IMAP4rev1] rawtalk practice IMAP server ready",
	}
	offPort := 0
	for _, s := range lab.Services {
		line := regexp.MustCompile(fmt.Sprintf(`(?m)^127\.0\.0\.1 %d/tcp open .*$`, s.Port)).FindString(out.String())
		if line == "" {
			t.Errorf("the scan does not show %s on port %d open:\n%s", s.Kind, s.Port, &out)
			continue
		}
		if b := banners[s.Kind]; b != "" && !strings.Contains(line, b) {
			t.Errorf("port %d (%s) shows %q, want the banner %q", s.Port, s.Kind, line, b)
		}
		if s.OffPort {
			offPort++
		}
	}
	if offPort != 1 {
		t.Errorf("%d services are off their usual port, want 1", offPort)
	}
}

// TestLabServicesAndSummary talks to each service once, sends a mail with
// SMTP and reads it with POP3 and IMAP from the shared mailbox, and checks
// the per-service counts.
func TestLabServicesAndSummary(t *testing.T) {
	var connects chanLog
	lab := startLab(t, LabConfig{OnConnect: connects.add})
	addr := func(kind string, offPort bool) string {
		for _, s := range lab.Services {
			if s.Kind == kind && s.OffPort == offPort {
				return fmt.Sprintf("127.0.0.1:%d", s.Port)
			}
		}
		t.Fatalf("the lab has no %s service (off port: %v)", kind, offPort)
		return ""
	}

	converse(t, connect(t, addr("echo", false)), "> ping\n< ping\n")
	for _, offPort := range []bool{false, true} {
		c := connect(t, addr("http", offPort))
		c.send("GET /hello HTTP/1.0\r\n\r\n")
		if got := c.readAll(); !strings.HasSuffix(got, "\r\n\r\nHello, world!\n") {
			t.Errorf("http (off port: %v) answered %q", offPort, got)
		}
	}
	m := connect(t, addr("smtp", false))
	m.send("HELO me\r\nMAIL FROM:<me@example.com>\r\nRCPT TO:<student@localhost>\r\nDATA\r\nSubject: lab\r\n\r\nhi\r\n.\r\nQUIT\r\n")
	if got := m.readAll(); !strings.Contains(got, "250 2.0.0 Ok: queued as 00000001\r\n") {
		t.Fatalf("SMTP said %q", got)
	}
	converse(t, connect(t, addr("pop3", false)), pop3Greeting+`
> USER student
< +OK hello student; now send PASS practice
> PASS practice
< +OK student's maildrop has 4 messages (1278 octets)
> TOP 4 0
< +OK top of message follows
< Return-Path: <me@example.com>
< Subject: lab
<
< .
`)
	converse(t, connect(t, addr("imap", false)), imapLogin+`
> a2 EXAMINE INBOX
< * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
< * OK [PERMANENTFLAGS ()] read-only mailbox; flags cannot be changed
< * 4 EXISTS
< * 0 RECENT
< * OK [UNSEEN 1] message 1 is the first not yet seen
< * OK [UIDVALIDITY 1] UIDs valid
< * OK [UIDNEXT 5] the next UID
< a2 OK [READ-ONLY] EXAMINE completed; now try FETCH 1 BODY[] (read-only: nothing changes)
`)

	want := []string{
		fmt.Sprintf("echo on port %d: 1 connection", lab.First+7),
		fmt.Sprintf("smtp on port %d: 1 connection, 1 message accepted", lab.First+25),
		fmt.Sprintf("http on port %d: 1 connection", lab.First+80),
		fmt.Sprintf("pop3 on port %d: 1 connection", lab.First+110),
		fmt.Sprintf("imap on port %d: 1 connection", lab.First+143),
		fmt.Sprintf("http on port %d: 1 connection", lab.First+187),
	}
	if got := lab.Summary(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("summary:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := connects.kinds(); got != "echo http http smtp pop3 imap" {
		t.Errorf("OnConnect saw %q", got)
	}
}

// TestLabBasePort checks a lab at a chosen base, a second lab on the same
// window failing with the address in use, and the ports closing when the
// lab ends.
func TestLabBasePort(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	first, err := StartLab(ctx, LabConfig{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = StartLab(ctx, LabConfig{Base: first.First})
	if !dial.IsErrno(err, syscall.EADDRINUSE) {
		t.Errorf("a second lab on %d: %v, want address already in use", first.First, err)
	}
	cancel()
	if err := first.Wait(); err != nil {
		t.Fatal(err)
	}
	for _, s := range first.Services {
		if c, err := net.Dial("tcp4", fmt.Sprintf("127.0.0.1:%d", s.Port)); err == nil {
			c.Close()
			t.Errorf("port %d still accepts after the lab ended", s.Port)
		}
	}
	// The window is free again: a lab can start there by its base port.
	again := startLab(t, LabConfig{Base: first.First})
	if again.First != first.First || again.Services[0].Port != first.First+7 {
		t.Errorf("lab at base %d has window %d and echo on %d", first.First, again.First, again.Services[0].Port)
	}
	for _, base := range []int{-1, 65536 - LabSpan + 1} {
		if _, err := StartLab(ctx, LabConfig{Base: base}); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("base %d: %v, want out of range", base, err)
		}
	}
}

// chanLog records OnConnect's calls, from the servers' goroutines.
type chanLog struct {
	mu   sync.Mutex
	seen []string
}

func (l *chanLog) add(kind string, _ net.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, kind)
}

func (l *chanLog) kinds() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.seen, " ")
}
