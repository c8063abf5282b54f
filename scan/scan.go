package scan

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
)

// State is what a probe learned about one port.
type State uint8

const (
	notScanned   State = iota // the address failed as a whole, or the scan was interrupted
	Open                      // a connection was made (TCP), or an answer came (UDP)
	Closed                    // refused: the host said nothing listens there
	Filtered                  // no answer in time, or an ICMP error: packets are dropped or blocked
	OpenFiltered              // UDP: no answer, which an open port and a firewall both give
)

func (s State) String() string {
	switch s {
	case Open:
		return "open"
	case Closed:
		return "closed"
	case Filtered:
		return "filtered"
	case OpenFiltered:
		return "open|filtered"
	}
	return "not scanned"
}

// Defaults for the zero Options.
const (
	DefaultConcurrency   = 500
	DefaultTimeout       = 2 * time.Second
	DefaultBannerTimeout = time.Second
	// bannerMax is how much of a banner is read: a line or this much.
	bannerMax = 1024
)

// Options say how to scan and how to report.
type Options struct {
	// Network is "tcp" (the default) or "udp".
	Network string
	// Host is the name the user typed, for the JSON "host" field.
	Host string
	// Timeout bounds each connect; zero means DefaultTimeout.
	Timeout time.Duration
	// Concurrency bounds the probes in flight; zero means
	// DefaultConcurrency. The scanner lowers it by itself when the process
	// runs out of file descriptors.
	Concurrency int
	// Banner reads what each open port's server says first.
	Banner bool
	// BannerTimeout bounds the wait for a banner; zero means
	// DefaultBannerTimeout.
	BannerTimeout time.Duration
	// ShowAll reports closed and filtered ports too (-v), not only open ones.
	ShowAll bool
	// JSON writes one JSON object per reported port instead of a text line.
	JSON bool
	// Dial, if set, makes the TCP connections instead of the built-in
	// prober (which on Linux uses non-blocking sockets directly).
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// Progress receives a progress line, redrawn in place, while a scan
	// runs longer than a second; it is written only if ShowProgress is
	// set, which the caller decides (stderr is a terminal).
	Progress     io.Writer
	ShowProgress bool

	// progressAfter and progressEvery time the progress line; tests
	// shorten them. Zero means a second and a fifth of one.
	progressAfter, progressEvery time.Duration
}

// Summary counts a scan's ports.
type Summary struct {
	Open, Closed, Filtered, OpenFiltered int
	Elapsed                              time.Duration
	// Concurrency is the bound the scan ended with; Lowered says the
	// open-file limit forced it below the one asked for.
	Concurrency int
	Lowered     bool
	// Failed lists the addresses that could not be scanned at all (no
	// route, no such address family), with the error of their first try.
	Failed []*dial.ConnectError
	udp    bool
}

// String is the summary line: "3 open, 65532 closed, 0 filtered in 0.41 s".
func (s Summary) String() string {
	if s.udp {
		return fmt.Sprintf("%d open, %d closed, %d open|filtered in %.2f s", s.Open, s.Closed, s.OpenFiltered, s.Elapsed.Seconds())
	}
	return fmt.Sprintf("%d open, %d closed, %d filtered in %.2f s", s.Open, s.Closed, s.Filtered, s.Elapsed.Seconds())
}

// slot is one (address, port) pair's result. Each slot is written by the
// one worker that probed it, then read by the printer after it receives
// the slot's index.
type slot struct {
	state  State
	err    error  // why closed, filtered or not scanned
	banner []byte // with Options.Banner: what an open port's server said first
}

// outcome is what a prober returns for one port: an open port, or the
// error that explains the rest.
type outcome struct {
	open   bool
	banner []byte
	err    error
}

// prober probes ports one at a time; each worker has its own, so that it
// can keep a socket to reuse between ports.
type prober interface {
	probe(ctx context.Context, ip netip.Addr, port uint16) outcome
	close()
}

// Scan probes every port of every address, at most Options.Concurrency at a
// time, and writes the results to out in address and port order as they
// become known: open ports, and with ShowAll the closed and filtered ones.
// It returns when all are done or ctx ends (then with ctx's error).
func Scan(ctx context.Context, ips []netip.Addr, ports []uint16, out io.Writer, opt Options) (Summary, error) {
	opt.setDefaults()
	if err := startPoller(); err != nil {
		return Summary{}, fmt.Errorf("out of file descriptors before the scan began: %s", dial.Strerror(err))
	}
	s := &scanner{
		opt:   opt,
		ips:   ips,
		ports: ports,
		slots: make([]slot, len(ips)*len(ports)),
		dead:  make([]atomic.Pointer[dial.ConnectError], len(ips)),
	}
	start := time.Now()
	workers := min(opt.Concurrency, len(s.slots))
	s.done = make(chan int32, workers)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	s.cancel = cancel

	var wg sync.WaitGroup
	s.running = workers
	for range workers {
		wg.Go(func() { s.work(ctx, s.newProber()) })
	}
	go func() {
		wg.Wait()
		close(s.done)
	}()
	sum, werr := s.print(out, start)
	sum.Elapsed = time.Since(start)
	sum.Concurrency = workers - s.gaveUp
	sum.Lowered = s.gaveUp > 0
	sum.udp = opt.Network == "udp"
	for i := range s.dead {
		if e := s.dead[i].Load(); e != nil {
			sum.Failed = append(sum.Failed, e)
		}
	}
	if err := context.Cause(ctx); err != nil {
		return sum, err
	}
	return sum, werr
}

func (o *Options) setDefaults() {
	if o.Network == "" {
		o.Network = "tcp"
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.BannerTimeout <= 0 {
		o.BannerTimeout = DefaultBannerTimeout
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.progressAfter <= 0 {
		o.progressAfter = time.Second
	}
	if o.progressEvery <= 0 {
		o.progressEvery = time.Second / 5
	}
}

// scanner is one Scan's shared state.
type scanner struct {
	opt   Options
	ips   []netip.Addr
	ports []uint16
	slots []slot     // one per (address, port), address-major
	done  chan int32 // indices of finished slots, for the printer

	next    atomic.Int64 // the next slot index not yet handed out
	nretry  atomic.Int32 // len(retry), read without the lock
	mu      sync.Mutex   // guards the fields below
	retry   []int32      // slots put back after the file-descriptor limit was hit
	running int          // workers not yet stopped
	gaveUp  int          // workers stopped by the file-descriptor limit

	dead   []atomic.Pointer[dial.ConnectError] // per address: why it cannot be scanned
	cancel context.CancelCauseFunc             // ends the scan early on a fatal error
}

func (s *scanner) newProber() prober {
	if s.opt.Network == "udp" {
		return newUDPProber(s.opt)
	}
	if s.opt.Dial != nil {
		return &dialProber{opt: s.opt}
	}
	return newTCPProber(s.opt)
}

// take hands out the next slot to probe, a put-back one first. When none
// is left it counts the worker out: under the lock, so that a worker that
// gives up its slot (giveUp) always leaves another worker to take it.
func (s *scanner) take() (int32, bool) {
	total := int64(len(s.slots))
	if s.nretry.Load() == 0 {
		if i := s.next.Add(1) - 1; i < total {
			return int32(i), true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.retry); n > 0 {
		i := s.retry[n-1]
		s.retry = s.retry[:n-1]
		s.nretry.Store(int32(n - 1))
		return i, true
	}
	if i := s.next.Add(1) - 1; i < total {
		return int32(i), true
	}
	s.running--
	return 0, false
}

// giveUp puts slot i back for another worker after this one found the
// process out of file descriptors, and counts this worker out, which lowers
// the concurrency by one. It refuses when no other worker is left to take
// the slot.
func (s *scanner) giveUp(i int32) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running <= 1 {
		return false
	}
	s.retry = append(s.retry, i)
	s.nretry.Store(int32(len(s.retry)))
	s.running--
	s.gaveUp++
	return true
}

func (s *scanner) finish(i int32, sl slot) {
	s.slots[i] = sl
	s.done <- i
}

// work probes slots until none are left or the scan is cancelled. When the
// process runs out of file descriptors, the worker hands its slot to
// another and stops, which lowers the concurrency until the scan fits the
// limit; the last worker instead waits a little for descriptors to be
// closed and retries, and gives up the scan after outOfFilesTries.
func (s *scanner) work(ctx context.Context, p prober) {
	defer p.close()
	for ctx.Err() == nil {
		i, ok := s.take()
		if !ok {
			return
		}
		ipIndex := int(i) / len(s.ports)
		ip, port := s.ips[ipIndex], s.ports[int(i)%len(s.ports)]
		if s.dead[ipIndex].Load() != nil {
			s.finish(i, slot{})
			continue
		}
		var o outcome
		var state State
		for try := 1; ; try++ {
			o = p.probe(ctx, ip, port)
			if ctx.Err() != nil {
				return // interrupted mid-probe: the port's state is unknown
			}
			state = Open
			if !o.open {
				state = classify(o.err, s.opt.Network)
			}
			if state != outOfFiles {
				break
			}
			p.close()
			if s.giveUp(i) {
				return
			}
			if try == outOfFilesTries {
				s.cancel(fmt.Errorf("out of file descriptors even for one connection at a time: %s", dial.Strerror(o.err)))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		if state == addressFailed {
			s.dead[ipIndex].CompareAndSwap(nil, &dial.ConnectError{IP: ip.AsSlice(), Port: int(port), Network: s.opt.Network, Err: o.err})
			s.finish(i, slot{err: o.err})
			continue
		}
		s.finish(i, slot{state: state, err: o.err, banner: o.banner})
	}
}

// outOfFilesTries is how often the last worker tries a port while the
// process has no file descriptor to spare, 10 ms apart.
const outOfFilesTries = 50

// print is the one writer of out and of the progress line. It writes each
// finished slot once all slots before it are finished, so results come in
// address and port order, and counts them.
func (s *scanner) print(out io.Writer, start time.Time) (Summary, error) {
	var sum Summary
	w := bufio.NewWriter(out)
	ipText := make([]string, len(s.ips))
	for i, ip := range s.ips {
		ipText[i] = ip.String()
	}
	pr := progress{w: s.opt.Progress, start: start, total: len(s.slots)}
	var tick <-chan time.Time
	if s.opt.ShowProgress && s.opt.Progress != nil {
		t := time.NewTimer(s.opt.progressAfter)
		defer t.Stop()
		tick = t.C
	}
	var ticker *time.Ticker
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()

	var werr error
	var line []byte
	next := 0                           // the first slot not yet written
	finished := 0                       // slots received
	ready := make([]bool, len(s.slots)) // the slots received; only those may be read
	for {
		select {
		case i, ok := <-s.done:
			if !ok {
				pr.clear()
				if err := w.Flush(); err != nil && werr == nil {
					werr = err
				}
				return sum, werr
			}
			finished++
			ready[i] = true
			switch s.slots[i].state {
			case Open:
				sum.Open++
			case Closed:
				sum.Closed++
			case Filtered:
				sum.Filtered++
			case OpenFiltered:
				sum.OpenFiltered++
			}
			pr.finished, pr.open = finished, sum.Open
			for next < len(s.slots) && ready[next] {
				sl := &s.slots[next]
				if sl.state == Open || s.opt.ShowAll && sl.state != notScanned {
					ipIndex := next / len(s.ports)
					line = s.format(line[:0], ipText[ipIndex], s.ports[next%len(s.ports)], sl)
					w.Write(line)
				}
				sl.banner, sl.err = nil, nil
				next++
			}
			if len(s.done) == 0 && w.Buffered() > 0 {
				pr.clear()
				if err := w.Flush(); err != nil && werr == nil {
					werr = err
					s.cancel(err)
				}
			}
		case <-tick:
			if ticker == nil {
				ticker = time.NewTicker(s.opt.progressEvery)
				tick = ticker.C
			}
			pr.draw()
		}
	}
}

// progress is the line that shows how far a long scan has come.
type progress struct {
	w               io.Writer
	start           time.Time
	total, finished int
	open            int
	shown           bool // the line is on the screen and must be cleared before other output
}

func (p *progress) draw() {
	fmt.Fprintf(p.w, "\rrawtalk: scanned %d of %d ports, %d open, %.0f s\x1b[K",
		p.finished, p.total, p.open, time.Since(p.start).Seconds())
	p.shown = true
}

// clear erases the line, so that results and the summary start on a clean row.
func (p *progress) clear() {
	if p.shown {
		io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
}
