package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"time"
)

// warmup round trips are made before the measured ones, so that start-up
// (page faults, the first scheduling of every thread) is not measured.
const warmup = 50

// roundtrip is case 3: one line at a time through the tool in piped mode to
// an echo server and back, waiting for each echo before sending the next.
// The floor is a socket of the benchmark's own, with no tool in between.
func (b *bench) roundtrip(ctx context.Context) (caseResult, error) {
	addr, stop, err := listen(func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 64<<10)
		for { // the echo server
			n, err := c.Read(buf)
			if n > 0 {
				if _, werr := c.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	})
	if err != nil {
		return caseResult{}, err
	}
	defer stop()
	host, port := hostPort(addr)
	cs := []contender{{name: "floor", run: func(ctx context.Context) (sample, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return sample{}, err
		}
		defer c.Close()
		if dl, ok := ctx.Deadline(); ok {
			c.SetDeadline(dl)
		}
		return b.measureLines(c, c)
	}}}
	for _, a := range []struct {
		name string
		argv []string
	}{
		{"rawtalk", []string{b.rawtalk, "-N", host, port}},
		{"nc", []string{"nc", "-N", host, port}},
		{"ncat", []string{"ncat", host, port}},
		{"socat", []string{"socat", "-", "TCP:" + addr}},
	} {
		if !b.have(a.name) {
			continue
		}
		argv := a.argv
		cs = append(cs, contender{name: a.name, argv: argv, run: func(ctx context.Context) (sample, error) {
			return b.roundtripTool(ctx, argv)
		}})
	}
	st, err := b.rounds(ctx, "roundtrip", cs)
	if err != nil {
		return caseResult{}, err
	}
	res := caseResult{name: "roundtrip",
		title:  fmt.Sprintf("line round trip: piped mode to a loopback echo server, %d lines per run, one at a time", b.cfg.lines),
		header: []string{"tool", "median", "p99", "median vs floor", "command"}}
	floor, haveFloor := find(st, "floor")
	for _, s := range st {
		if s.ok == 0 {
			res.rows = append(res.rows, []string{s.name, "failed", missingValue, missingValue, shortArgv(s.argv)})
			continue
		}
		vs := missingValue
		if haveFloor {
			vs = fmt.Sprintf(ratioFmt, ratio(s.p50, floor.p50))
		}
		res.rows = append(res.rows, []string{s.name, micros(s.p50), micros(s.p99), vs, shortArgv(s.argv)})
	}
	res.notes = failureNotes(st, b.cfg.runs)
	rt, haveRT := find(st, "rawtalk")
	goal := "round-trip median no worse than nc's"
	if nc, ok := find(st, "nc"); ok && haveRT {
		res.targets = append(res.targets, check(goal, rt.p50 <= nc.p50, fmt.Sprintf("%s vs %s (p99 %s vs %s)", micros(rt.p50), micros(nc.p50), micros(rt.p99), micros(nc.p99))))
	} else {
		res.targets = append(res.targets, unmeasured(goal, "rawtalk or nc not measured"))
	}
	return res, nil
}

// roundtripTool runs one tool with pipes on both sides and measures lines
// through it.
func (b *bench) roundtripTool(ctx context.Context, argv []string) (sample, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return sample{}, err
	}
	defer inW.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		return sample{}, err
	}
	defer outR.Close()
	cmd, stderr := command(ctx, argv)
	cmd.Stdin, cmd.Stdout = inR, outW
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		return sample{}, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	if dl, ok := ctx.Deadline(); ok {
		outR.SetReadDeadline(dl)
	}
	s, err := b.measureLines(inW, outR)
	// Done: end stdin and give the tool a moment to leave by itself (nc -N
	// and rawtalk -N half-close, the echo server closes, they exit).
	inW.Close()
	select {
	case <-exited:
	case <-time.After(3 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return s, exitError(fmt.Errorf("the tool ended early"), stderr)
		}
		return s, err
	}
	return s, nil
}

// measureLines sends lines through w and times each until its echo is back
// on r. The result's wall is the median.
func (b *bench) measureLines(w io.Writer, r io.Reader) (sample, error) {
	times := make([]time.Duration, 0, b.cfg.lines)
	got := make([]byte, 64)
	for i := range warmup + b.cfg.lines {
		line := fmt.Appendf(nil, "round trip %08d abcdefghijklmnopqrstuvwxyz\n", i)
		start := time.Now()
		if _, err := w.Write(line); err != nil {
			return sample{}, err
		}
		if _, err := io.ReadFull(r, got[:len(line)]); err != nil {
			return sample{}, err
		}
		took := time.Since(start)
		if !bytes.Equal(got[:len(line)], line) {
			return sample{}, fmt.Errorf("echo %q came back as %q", line, got[:len(line)])
		}
		if i >= warmup {
			times = append(times, took)
		}
	}
	slices.Sort(times)
	s := sample{p50: percentile(times, 50), p99: percentile(times, 99)}
	s.wall = s.p50
	return s, nil
}

func micros(d time.Duration) string {
	return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
}
