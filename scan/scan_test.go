package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// serve starts a TCP server on addr ("127.0.0.1:0") that runs handle for
// each connection, and returns its port.
func serve(t testing.TB, addr string, handle func(net.Conn)) uint16 {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				handle(c)
			})
		}
	})
	return uint16(ln.Addr().(*net.TCPAddr).Port)
}

// greeter says text and closes.
func greeter(text string) func(net.Conn) {
	return func(c net.Conn) { io.WriteString(c, text) }
}

// silent reads until the client closes and never says anything.
func silent(c net.Conn) { io.Copy(io.Discard, c) }

// closedPorts returns n distinct loopback ports that nothing listens on:
// listened on all at once, then closed. Call it after the test's other
// servers are up, which a closed port's number could otherwise go to.
func closedPorts(t testing.TB, n int) []uint16 {
	t.Helper()
	var ports []uint16
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, uint16(ln.Addr().(*net.TCPAddr).Port))
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// filteredPort returns a loopback port whose listener never accepts and
// whose accept queue is full, so the kernel drops further SYNs: on
// loopback, the same as a firewall that drops packets.
func filteredPort(t testing.TB) uint16 {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	port := sa.(*syscall.SockaddrInet4).Port
	// A zero backlog still queues one connection; fill it, and make sure
	// the next connect really is dropped.
	for range 3 {
		c, err := net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", port), 100*time.Millisecond)
		if err != nil {
			return uint16(port)
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Fatal("could not fill the accept queue")
	return 0
}

// probers runs a test with the built-in prober and with net.Dialer through
// Options.Dial, which must agree.
var probers = []struct {
	name string
	dial func(ctx context.Context, network, address string) (net.Conn, error)
}{
	{"builtin", nil},
	{"dial", (&net.Dialer{}).DialContext},
}

func scanString(t *testing.T, ips []netip.Addr, ports []uint16, opt Options) (string, Summary) {
	t.Helper()
	var out bytes.Buffer
	sum, err := Scan(context.Background(), ips, ports, &out, opt)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return out.String(), sum
}

func sorted(ports ...uint16) []uint16 {
	slices.Sort(ports)
	return ports
}

// lines sorts "port line" pairs into the text the scanner must print.
func lines(byPort map[uint16]string) string {
	var ports []uint16
	for p := range byPort {
		ports = append(ports, p)
	}
	var b strings.Builder
	for _, p := range sorted(ports...) {
		b.WriteString(byPort[p])
	}
	return b.String()
}

func TestScanStates(t *testing.T) {
	open := serve(t, "127.0.0.1:0", greeter("hi\n"))
	quiet := serve(t, "127.0.0.1:0", silent)
	filtered := filteredPort(t)
	closed := closedPorts(t, 1)[0]
	ports := sorted(open, quiet, closed, filtered)
	for _, p := range probers {
		for _, conc := range []int{1, 0} { // one worker reuses its sockets from port to port
			t.Run(fmt.Sprintf("%s/concurrency=%d", p.name, conc), func(t *testing.T) {
				got, sum := scanString(t, []netip.Addr{loopback}, ports, Options{
					ShowAll: true, Timeout: 300 * time.Millisecond, Concurrency: conc, Dial: p.dial,
				})
				want := lines(map[uint16]string{
					open:     fmt.Sprintf("127.0.0.1 %d/tcp open unknown\n", open),
					quiet:    fmt.Sprintf("127.0.0.1 %d/tcp open unknown\n", quiet),
					closed:   fmt.Sprintf("127.0.0.1 %d/tcp closed unknown\n", closed),
					filtered: fmt.Sprintf("127.0.0.1 %d/tcp filtered unknown\n", filtered),
				})
				if got != want {
					t.Errorf("output:\n%s\nwant:\n%s", got, want)
				}
				if sum.Open != 2 || sum.Closed != 1 || sum.Filtered != 1 {
					t.Errorf("summary %q, want 2 open, 1 closed, 1 filtered", sum)
				}
			})
		}
	}
}

func TestScanReportsOnlyOpenWithoutShowAll(t *testing.T) {
	open := serve(t, "127.0.0.1:0", silent)
	ports := sorted(append(closedPorts(t, 2), open)...)
	got, sum := scanString(t, []netip.Addr{loopback}, ports, Options{})
	if want := fmt.Sprintf("127.0.0.1 %d/tcp open unknown\n", open); got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if want := fmt.Sprintf("1 open, 2 closed, 0 filtered in %.2f s", sum.Elapsed.Seconds()); sum.String() != want {
		t.Errorf("summary %q, want %q", sum, want)
	}
}

// TestScanManyPortsInOrder scans many open and closed ports with a few
// workers, so results finish out of order, and wants them printed sorted.
func TestScanManyPortsInOrder(t *testing.T) {
	var ports []uint16
	want := map[uint16]string{}
	for range 40 {
		p := serve(t, "127.0.0.1:0", silent)
		ports = append(ports, p)
		want[p] = fmt.Sprintf("127.0.0.1 %d/tcp open unknown\n", p)
	}
	for _, c := range closedPorts(t, 40) {
		ports = append(ports, c)
		want[c] = fmt.Sprintf("127.0.0.1 %d/tcp closed unknown\n", c)
	}
	for _, p := range probers {
		t.Run(p.name, func(t *testing.T) {
			got, sum := scanString(t, []netip.Addr{loopback}, sorted(ports...), Options{ShowAll: true, Concurrency: 7, Dial: p.dial})
			if got != lines(want) {
				t.Errorf("output:\n%s\nwant:\n%s", got, lines(want))
			}
			if sum.Open != 40 || sum.Closed != 40 {
				t.Errorf("summary %q", sum)
			}
		})
	}
}

func TestScanServiceName(t *testing.T) {
	// Port 7 (echo) is privileged and almost surely closed here; the
	// service column comes from the port, whatever its state.
	got, _ := scanString(t, []netip.Addr{loopback}, []uint16{7}, Options{ShowAll: true, Timeout: time.Second})
	if !strings.HasPrefix(got, "127.0.0.1 7/tcp ") || !strings.HasSuffix(got, " echo\n") {
		t.Errorf("output %q, want 127.0.0.1 7/tcp STATE echo", got)
	}
}

func TestScanBanner(t *testing.T) {
	hostile := "220 \x1b]0;owned\x07mail\rtext\x00 caf\xc3\xa9 \xff\xfe \u202e \\ end\r\nsecond line\r\n"
	tests := []struct {
		name   string
		handle func(net.Conn)
		want   string // after "open unknown"; "" for no banner column
	}{
		{"hostile", greeter(hostile), `220 \x1b]0;owned\x07mail\rtext\x00 café \xff\xfe \u202e \\ end`},
		{"plain", greeter("SSH-2.0-OpenSSH_9.2\r\n"), "SSH-2.0-OpenSSH_9.2"},
		{"long line", greeter(strings.Repeat("a", 5000)), strings.Repeat("a", 1024)},
		{"partial then silent", func(c net.Conn) { io.WriteString(c, "login: "); silent(c) }, "login: "},
		{"silent", silent, ""},
		{"closes at once", func(net.Conn) {}, ""},
	}
	for _, p := range probers {
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				port := serve(t, "127.0.0.1:0", tt.handle)
				got, _ := scanString(t, []netip.Addr{loopback}, []uint16{port}, Options{
					Banner: true, BannerTimeout: 200 * time.Millisecond, Dial: p.dial,
				})
				want := fmt.Sprintf("127.0.0.1 %d/tcp open unknown\n", port)
				if tt.want != "" {
					want = fmt.Sprintf("127.0.0.1 %d/tcp open unknown  %s\n", port, tt.want)
				}
				if got != want {
					t.Errorf("output:\n%q\nwant:\n%q", got, want)
				}
			})
		}
	}
}

func TestScanJSON(t *testing.T) {
	open := serve(t, "127.0.0.1:0", greeter("hello\x1b\r\n"))
	closed := closedPorts(t, 1)[0]
	got, _ := scanString(t, []netip.Addr{loopback}, sorted(open, closed), Options{
		JSON: true, ShowAll: true, Banner: true, Host: "localhost",
	})
	want := map[uint16]jsonPort{
		open:   {Host: "localhost", IP: "127.0.0.1", Port: open, Proto: "tcp", State: "open", Banner: `hello\x1b`},
		closed: {Host: "localhost", IP: "127.0.0.1", Port: closed, Proto: "tcp", State: "closed", Reason: "Connection refused"},
	}
	dec := json.NewDecoder(strings.NewReader(got))
	for _, p := range sorted(open, closed) {
		var j jsonPort
		if err := dec.Decode(&j); err != nil {
			t.Fatalf("decoding %q: %v", got, err)
		}
		if j != want[p] {
			t.Errorf("got %+v, want %+v", j, want[p])
		}
	}
	if strings.Count(got, "\n") != 2 {
		t.Errorf("want one object a line, got %q", got)
	}
}

// TestScanConcurrencyBound makes each connect wait until Concurrency of
// them are in flight, and wants never more: the bound holds, and is used.
func TestScanConcurrencyBound(t *testing.T) {
	const bound, total = 3, 30
	var inFlight, most, started atomic.Int32
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		started.Add(1)
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		// Wait for the others, unless this is among the last connects.
		deadline := time.Now().Add(5 * time.Second)
		for inFlight.Load() < bound && started.Load() < total && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond) // polling a state with a deadline
		}
		return nil, syscall.ECONNREFUSED
	}
	ports := make([]uint16, total)
	for i := range ports {
		ports[i] = uint16(1000 + i)
	}
	_, sum := scanString(t, []netip.Addr{loopback}, ports, Options{Concurrency: bound, Dial: dial})
	if got := most.Load(); got != bound {
		t.Errorf("at most %d connects in flight, want %d", got, bound)
	}
	if sum.Closed != 30 {
		t.Errorf("summary %q, want 30 closed", sum)
	}
}

// TestScanAddressFailure: an address that no port can be reached on is
// listed in Summary.Failed and not reported port by port; the other
// addresses are scanned.
func TestScanAddressFailure(t *testing.T) {
	unreachable := netip.MustParseAddr("2001:db8::1") // never dialled: the fake Dial answers
	open := serve(t, "127.0.0.1:0", silent)
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		if strings.HasPrefix(address, "[2001:db8::1]") {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ENETUNREACH}
		}
		return (&net.Dialer{}).DialContext(ctx, network, address)
	}
	got, sum := scanString(t, []netip.Addr{unreachable, loopback}, []uint16{open}, Options{ShowAll: true, Dial: dial})
	if want := fmt.Sprintf("127.0.0.1 %d/tcp open unknown\n", open); got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if len(sum.Failed) != 1 || !sum.Failed[0].IP.Equal(net.ParseIP("2001:db8::1")) || !errors.Is(sum.Failed[0], syscall.ENETUNREACH) {
		t.Errorf("Failed = %v, want 2001:db8::1's network unreachable", sum.Failed)
	}
}

func TestScanIPv6(t *testing.T) {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skip("no ::1 on this machine")
	}
	ln.Close()
	open := serve(t, "[::1]:0", greeter("six\n"))
	for _, p := range probers {
		t.Run(p.name, func(t *testing.T) {
			got, _ := scanString(t, []netip.Addr{netip.IPv6Loopback()}, []uint16{open}, Options{Banner: true, Dial: p.dial})
			if want := fmt.Sprintf("::1 %d/tcp open unknown  six\n", open); got != want {
				t.Errorf("output %q, want %q", got, want)
			}
		})
	}
}

func TestScanCancel(t *testing.T) {
	filtered := filteredPort(t)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := Scan(ctx, []netip.Addr{loopback}, []uint16{filtered}, io.Discard, Options{Timeout: time.Minute})
		errc <- err
	}()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Scan: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Scan did not end after cancel")
	}
}

// terminal is just enough of a screen to tell what a person would see:
// CR goes to the start of the row, ESC [ K erases to its end, LF starts a
// new row.
func terminal(stream string) []string {
	rows := []string{""}
	col := 0
	for i := 0; i < len(stream); i++ {
		row := &rows[len(rows)-1]
		switch {
		case stream[i] == '\r':
			col = 0
		case stream[i] == '\n':
			rows = append(rows, "")
			col = 0
		case strings.HasPrefix(stream[i:], "\x1b[K"):
			*row = (*row)[:col]
			i += 2
		default:
			if col < len(*row) {
				*row = (*row)[:col] + string(stream[i]) + (*row)[col+1:]
			} else {
				*row += string(stream[i])
			}
			col++
		}
	}
	return rows
}

// drawSignal is a terminal's byte stream that says when the progress line
// has been drawn.
type drawSignal struct {
	bytes.Buffer
	drawn chan struct{}
	once  sync.Once
}

func (d *drawSignal) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("rawtalk: scanned")) {
		d.once.Do(func() { close(d.drawn) })
	}
	return d.Buffer.Write(p)
}

// TestProgress shares one stream between results and the progress line, as
// a terminal does, and holds a port open until the progress line is up: the
// line must be cleared before that port's result and at the end.
func TestProgress(t *testing.T) {
	open := serve(t, "127.0.0.1:0", silent)
	screen := &drawSignal{drawn: make(chan struct{})}
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		select {
		case <-screen.drawn:
		case <-time.After(5 * time.Second):
			return nil, errors.New("the progress line never came")
		}
		return (&net.Dialer{}).DialContext(ctx, network, address)
	}
	sum, err := Scan(context.Background(), []netip.Addr{loopback}, []uint16{open}, screen, Options{
		Dial: dial, Progress: screen, ShowProgress: true,
		progressAfter: time.Millisecond, progressEvery: time.Millisecond,
	})
	if err != nil || sum.Open != 1 {
		t.Fatalf("Scan: %v, %q", err, sum)
	}
	stream := screen.String()
	if !regexp.MustCompile(`\rrawtalk: scanned 0 of 1 ports, 0 open, \d+ s\x1b\[K`).MatchString(stream) {
		t.Errorf("no progress line in %q", stream)
	}
	rows := terminal(stream)
	want := []string{fmt.Sprintf("127.0.0.1 %d/tcp open unknown", open), ""}
	if !slices.Equal(rows, want) {
		t.Errorf("screen %q, want %q (stream %q)", rows, want, stream)
	}
}

func TestNoProgressUnlessAsked(t *testing.T) {
	filtered := filteredPort(t)
	var progress bytes.Buffer
	_, err := Scan(context.Background(), []netip.Addr{loopback}, []uint16{filtered}, io.Discard, Options{
		Timeout: 100 * time.Millisecond, Progress: &progress, progressAfter: time.Millisecond, progressEvery: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if progress.Len() != 0 {
		t.Errorf("progress written without ShowProgress: %q", progress.String())
	}
}

func BenchmarkScanLoopback(b *testing.B) {
	// Ports 1-1000 of 127.0.0.1: mostly closed, outside the ephemeral
	// range, so the work is the connect and its refusal.
	ports, err := ParsePorts([]string{"1-1000"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Scan(context.Background(), []netip.Addr{loopback}, ports, io.Discard, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ports)), "ns/port")
}

// TestScanClosesSockets: after a scan with every kind of outcome, the
// process has no more descriptors open than before (the servers' ends of
// the connections close on their own time, hence the wait).
func TestScanClosesSockets(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts descriptors in /proc/self/fd")
	}
	ports := sorted(serve(t, "127.0.0.1:0", greeter("hi\n")), serve(t, "127.0.0.1:0", silent), filteredPort(t))
	ports = sorted(append(ports, closedPorts(t, 2)...)...)
	countFDs := func() int {
		fds, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(fds)
	}
	before := countFDs()
	for _, p := range probers {
		scanString(t, []netip.Addr{loopback}, ports, Options{Banner: true, BannerTimeout: 50 * time.Millisecond, Timeout: 100 * time.Millisecond, Dial: p.dial})
	}
	deadline := time.Now().Add(5 * time.Second)
	for countFDs() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // polling a state with a deadline
	}
	if after := countFDs(); after > before {
		t.Errorf("%d descriptors open after the scans, %d before", after, before)
	}
}
