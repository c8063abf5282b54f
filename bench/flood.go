package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
)

// floodLine is what the server floods the terminal with: 79 bytes, so a
// line fits an 80-column terminal.
var floodLine = []byte(strings.Repeat("abcdefghij", 7) + "0123456\r\n")

// floodEnd is the last line: when it is on the terminal, every byte is.
var floodEnd = []byte("-- end of the flood --\r\n")

// halfTyped is what the user has typed but not sent when the flood starts.
const halfTyped = "half-typed"

// flood is case 4: the server writes lines as fast as it can into the tool
// running in a pseudo-terminal, with a half-typed line on it, then closes.
// Time runs from the first byte sent until the tool exits; a tool that does
// not exit when the server closes is killed, and its time is until the
// last line reached the terminal.
func (b *bench) flood(ctx context.Context) (caseResult, error) {
	conns := make(chan net.Conn, 1)
	addr, stop, err := listen(func(c net.Conn) {
		select {
		case conns <- c:
		default:
			c.Close() // nobody waits for it
		}
	})
	if err != nil {
		return caseResult{}, err
	}
	defer stop()
	host, port := hostPort(addr)
	lines := max(b.cfg.floodSize/int64(len(floodLine)), 1)
	sent := lines*int64(len(floodLine)) + int64(len(floodEnd))

	const banner = "Escape character is"
	var cs []contender
	for _, a := range []struct {
		name, banner string
		argv         []string
	}{
		{"floor", "", []string{b.floor, "down", addr}},
		{"rawtalk", banner, []string{b.rawtalk, host, port}},
		{"telnet", banner, []string{"telnet", host, port}},
		{"nc", "", []string{"nc", host, port}},
		{"ncat", "", []string{"ncat", host, port}},
		{"socat", "", []string{"socat", "-", "TCP:" + addr}},
	} {
		if !b.have(a.name) {
			continue
		}
		a := a
		cs = append(cs, contender{name: a.name, argv: a.argv, run: func(ctx context.Context) (sample, error) {
			return b.floodOnce(ctx, a.argv, a.banner, conns, lines)
		}})
	}
	st, err := b.rounds(ctx, "flood", cs)
	if err != nil {
		return caseResult{}, err
	}

	res := caseResult{name: "flood",
		title: fmt.Sprintf("screen flood: %s of 79-byte lines into the tool in an 80x24 pseudo-terminal with a half-typed line, until it exits after the server closes",
			sizeWords(sent)),
		header: []string{"tool", "time", "vs telnet", "cpu", "terminal bytes", "peak RSS", "how it ended"}}
	telnet, haveTelnet := find(st, "telnet")
	for _, s := range st {
		if s.ok == 0 {
			res.rows = append(res.rows, []string{s.name, "failed", missingValue, missingValue, missingValue, missingValue, shortArgv(s.argv)})
			continue
		}
		vs := missingValue
		if haveTelnet {
			vs = fmt.Sprintf(ratioFmt, ratio(s.wall, telnet.wall))
		}
		ended := "exited by itself"
		if len(s.notes) > 0 {
			ended = strings.Join(s.notes, "; ")
		}
		res.rows = append(res.rows, []string{s.name, seconds(s.wall), vs, seconds(s.cpu),
			fmt.Sprintf("%.3fx", float64(s.termBytes)/float64(sent)), mibWords(s.rss), ended})
	}
	res.notes = append(failureNotes(st, b.cfg.runs),
		"terminal bytes: what the tool wrote to the terminal from the first byte sent to the end, over the bytes sent;",
		"  a tool that leaves the terminal in cooked mode gets LF turned into CRLF by the kernel (80/79 = 1.013x)")
	rt, haveRT := find(st, "rawtalk")
	goal := "screen flood no slower than telnet"
	if haveRT && haveTelnet {
		res.targets = append(res.targets, check(goal, rt.wall <= telnet.wall, fmt.Sprintf("%s vs %s", seconds(rt.wall), seconds(telnet.wall))))
	} else {
		res.targets = append(res.targets, unmeasured(goal, "rawtalk or telnet not measured"))
	}
	goal = "screen flood at most 1.1x terminal bytes"
	if haveRT {
		r := float64(rt.termBytes) / float64(sent)
		res.targets = append(res.targets, check(goal, r <= 1.1, fmt.Sprintf("%.3fx", r)))
	} else {
		res.targets = append(res.targets, unmeasured(goal, "rawtalk failed"))
	}
	return res, nil
}

// floodOnce runs one tool in a fresh pseudo-terminal through one flood.
func (b *bench) floodOnce(ctx context.Context, argv []string, banner string, conns chan net.Conn, lines int64) (sample, error) {
	select { // a connection left by a failed run is not this run's
	case c := <-conns:
		c.Close()
	default:
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "TERM=xterm", "XDG_STATE_HOME="+b.dir+"/state")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		return sample{}, err
	}
	defer ptmx.Close()
	peak := watchPeak(cmd.Process.Pid)
	defer peak.stop()
	exited := make(chan time.Time, 1)
	go func() { cmd.Wait(); exited <- time.Now() }()
	defer func() { // never leave the tool behind
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()
	w := watchTerminal(ptmx, banner, halfTyped, string(floodEnd[:len(floodEnd)-2]))
	seenBanner, seenTyped, seenEnd := w.seen[0], w.seen[1], w.seen[2]

	var s sample
	fail := func(format string, args ...any) (sample, error) {
		cmd.Process.Kill()
		return s, fmt.Errorf(format+"; terminal ends with %q", append(args, w.tailText())...)
	}
	var conn net.Conn
	select {
	case conn = <-conns:
	case <-time.After(10 * time.Second):
		return fail("no connection after 10s")
	case <-ctx.Done():
		return fail("%v", ctx.Err())
	}
	defer conn.Close()
	if banner != "" {
		select {
		case <-seenBanner:
		case <-time.After(10 * time.Second):
			return fail("no %q after 10s", banner)
		}
	}
	ptmx.Write([]byte(halfTyped))
	select {
	case <-seenTyped:
	case <-time.After(5 * time.Second):
		return fail("the typed text was not echoed")
	}

	atStart := w.bytes()
	start := time.Now()
	go sendFlood(conn, lines)
	var end time.Time
	select {
	case end = <-exited:
	case <-seenEnd:
		// Give the tool a moment to leave by itself after the close.
		select {
		case end = <-exited:
		case <-time.After(2 * time.Second):
			s.note = "did not exit: killed; time is until the last line arrived"
			end = w.endTime()
			cmd.Process.Kill()
			<-exited
		}
	case <-ctx.Done():
		return fail("%v", ctx.Err())
	}
	w.wait(5 * time.Second)
	s.wall = end.Sub(start)
	s.cpu, s.rss = usage(cmd.ProcessState, peak)
	s.termBytes = w.bytes() - atStart
	select {
	case <-seenEnd:
	default:
		if !cmd.ProcessState.Success() {
			return s, fmt.Errorf("%v before the last line was shown; terminal ends with %q", cmd.ProcessState, w.tailText())
		}
		// telnet does this: it drops what it had not yet written to the
		// terminal when the server closes. It still counts: it is the time
		// a user waits, and it is shorter for the work not done.
		s.note = "exited without showing the last lines"
	}
	return s, nil
}

// sendFlood writes the lines in 64 KiB writes, the end line, and closes.
func sendFlood(conn net.Conn, lines int64) {
	defer conn.Close()
	per := int64((64 << 10) / len(floodLine))
	chunk := bytes.Repeat(floodLine, int(per))
	for left := lines; left > 0; left -= per {
		if _, err := conn.Write(chunk[:min(left, per)*int64(len(floodLine))]); err != nil {
			return
		}
	}
	conn.Write(floodEnd)
}

// termWatch reads everything the tool writes to its terminal, counts it,
// and notes when each awaited text first appears.
type termWatch struct {
	patterns [][]byte
	seen     []chan struct{} // closed when patterns[i] first appears
	done     chan struct{}   // closed when the terminal's output ended

	mu    sync.Mutex
	total int64     // bytes read so far
	tail  []byte    // the last bytes read, to find texts split across reads
	last  time.Time // when the last pattern was found
}

func watchTerminal(ptmx *os.File, patterns ...string) *termWatch {
	w := &termWatch{done: make(chan struct{})}
	for _, p := range patterns {
		w.patterns = append(w.patterns, []byte(p))
		w.seen = append(w.seen, make(chan struct{}))
	}
	go w.read(ptmx)
	return w
}

func (w *termWatch) read(ptmx *os.File) {
	defer close(w.done)
	buf := make([]byte, 64<<10)
	found := make([]bool, len(w.patterns))
	const keep = 64
	for {
		n, err := ptmx.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			w.mu.Lock()
			w.total += int64(n)
			edge := append(w.tail, chunk[:min(n, keep)]...)
			for i, p := range w.patterns {
				if !found[i] && len(p) > 0 && (bytes.Contains(edge, p) || bytes.Contains(chunk, p)) {
					found[i] = true
					if i == len(w.patterns)-1 {
						w.last = time.Now()
					}
					close(w.seen[i])
				}
			}
			all := append(w.tail, chunk...)
			w.tail = append([]byte(nil), all[max(0, len(all)-keep):]...)
			w.mu.Unlock()
		}
		if err != nil { // EIO once the tool and its terminal are gone
			if !errors.Is(err, os.ErrClosed) {
				return
			}
			return
		}
	}
}

func (w *termWatch) bytes() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.total
}

func (w *termWatch) endTime() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

func (w *termWatch) tailText() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.tail)
}

// wait lets the reader finish what the terminal still holds.
func (w *termWatch) wait(limit time.Duration) {
	select {
	case <-w.done:
	case <-time.After(limit):
	}
}
