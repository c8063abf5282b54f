package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// contender is one tool in one case: how to show it and how to run it once.
type contender struct {
	name string   // the tool: rawtalk, floor, nc, ...
	argv []string // the command, with 127.0.0.1 and the port; nil for in-process
	run  func(ctx context.Context) (sample, error)
}

// sample is one run of one tool.
type sample struct {
	wall      time.Duration // until the work was done (see each case)
	cpu       time.Duration // the tool's user+system time
	rss       int64         // the tool's peak resident memory, bytes
	p50, p99  time.Duration // line round trips
	termBytes int64         // bytes written to the terminal
	note      string        // something the table should say, e.g. "killed"
}

// stats is a tool's samples reduced: medians, and the peak of peaks.
type stats struct {
	name      string
	argv      []string
	ok        int           // runs that succeeded
	failures  []string      // why the others did not
	wall, cpu time.Duration // medians
	rss       int64         // highest of the runs
	p50, p99  time.Duration // medians of the per-run values
	termBytes int64         // median
	notes     []string      // distinct notes from the runs
}

// rounds runs every contender once per round, rotating the order from round
// to round so that no tool always runs first (cold) or last (after the
// others warmed the machine), and reduces each tool's samples.
func (b *bench) rounds(ctx context.Context, name string, cs []contender) ([]stats, error) {
	samples := make([][]sample, len(cs))
	failures := make([][]string, len(cs))
	for r := range b.cfg.runs {
		fmt.Fprintf(os.Stderr, "%s round %d/%d:", name, r+1, b.cfg.runs)
		for i := range cs {
			j := (i + r) % len(cs)
			runCtx, cancel := context.WithTimeout(ctx, b.cfg.timeout)
			s, err := cs[j].run(runCtx)
			timedOut := errors.Is(runCtx.Err(), context.DeadlineExceeded)
			cancel()
			if ctx.Err() != nil {
				fmt.Fprintln(os.Stderr)
				return nil, ctx.Err()
			}
			if err != nil {
				if timedOut {
					err = fmt.Errorf("timed out after %v: %w", b.cfg.timeout, err)
				}
				failures[j] = append(failures[j], err.Error())
				fmt.Fprintf(os.Stderr, " %s FAILED (%v)", cs[j].name, err)
				continue
			}
			samples[j] = append(samples[j], s)
			if s.p50 > 0 {
				fmt.Fprintf(os.Stderr, " %s %s/%s", cs[j].name, micros(s.p50), micros(s.p99))
			} else {
				fmt.Fprintf(os.Stderr, " %s %s", cs[j].name, seconds(s.wall))
			}
		}
		fmt.Fprintln(os.Stderr)
	}
	out := make([]stats, len(cs))
	for i, c := range cs {
		out[i] = reduce(c, samples[i], failures[i])
	}
	return out, nil
}

func reduce(c contender, ss []sample, failures []string) stats {
	st := stats{name: c.name, argv: c.argv, ok: len(ss), failures: failures}
	if len(ss) == 0 {
		return st
	}
	pick := func(f func(sample) time.Duration) time.Duration {
		var v []time.Duration
		for _, s := range ss {
			v = append(v, f(s))
		}
		return median(v)
	}
	st.wall = pick(func(s sample) time.Duration { return s.wall })
	st.cpu = pick(func(s sample) time.Duration { return s.cpu })
	st.p50 = pick(func(s sample) time.Duration { return s.p50 })
	st.p99 = pick(func(s sample) time.Duration { return s.p99 })
	st.termBytes = int64(pick(func(s sample) time.Duration { return time.Duration(s.termBytes) }))
	for _, s := range ss {
		st.rss = max(st.rss, s.rss)
		if s.note != "" && !contains(st.notes, s.note) {
			st.notes = append(st.notes, s.note)
		}
	}
	return st
}

// median of a few values; the lower middle one for an even count, so it is
// always a value that was measured.
func median(v []time.Duration) time.Duration {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// percentile p (0..100) of sorted values, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// usage is what a finished child cost: CPU time from the kernel's
// accounting, peak memory from the watch (see peakWatch for why not
// ru_maxrss).
func usage(ps *os.ProcessState, peak *peakWatch) (cpu time.Duration, rss int64) {
	rss = peak.stop()
	if ps != nil {
		cpu = ps.UserTime() + ps.SystemTime()
	}
	return cpu, rss
}

// command prepares argv with its stderr kept for error messages.
func command(ctx context.Context, argv []string) (*exec.Cmd, *tailBuffer) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = 2 * time.Second
	stderr := &tailBuffer{max: 2048}
	cmd.Stderr = stderr
	return cmd, stderr
}

// exitError words a failed child with the end of what it said on stderr.
func exitError(err error, stderr *tailBuffer) error {
	if msg := strings.TrimSpace(stderr.String()); msg != "" {
		return fmt.Errorf("%v: %s", err, lastLine(msg))
	}
	return err
}

func lastLine(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return t.buf.String() }

// devNull opens /dev/null for a child's stdin or stdout.
func devNull(write bool) (*os.File, error) {
	if write {
		return os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	}
	return os.Open(os.DevNull)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }
