package main

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"
)

// scan is case 5: a connect scan of every TCP port of 127.0.0.1. A few
// ports are opened for it, so each scanner has something to find and its
// result can be checked.
func (b *bench) scan(ctx context.Context) (caseResult, error) {
	var open []string
	for range 3 {
		addr, stop, err := listen(func(c net.Conn) { c.Close() })
		if err != nil {
			return caseResult{}, err
		}
		defer stop()
		_, port := hostPort(addr)
		open = append(open, port)
	}
	scans := b.rawtalkScans(ctx)
	if !scans {
		b.skip("rawtalk (%s) has no -z: its scan is skipped; -rawtalk-scan PATH measures another build", b.scanner)
	}
	var cs []contender
	for _, a := range []struct {
		name  string
		argv  []string
		shows func(out, port string) bool // whether the output reports port open
	}{
		{"rawtalk", []string{b.scanner, "-z", "127.0.0.1", "1-65535"}, func(out, port string) bool {
			return containsWord(out, port)
		}},
		{"nc", []string{"nc", "-z", "127.0.0.1", "1-65535"}, nil},
		{"nmap", []string{"nmap", "-n", "-sT", "-p-", "127.0.0.1"}, func(out, port string) bool {
			return strings.Contains(out, port+"/tcp open")
		}},
	} {
		if !b.have(a.name) || a.name == "rawtalk" && !scans {
			continue
		}
		a := a
		cs = append(cs, contender{name: a.name, argv: a.argv, run: func(ctx context.Context) (sample, error) {
			cmd, stderr := command(ctx, a.argv)
			var out strings.Builder
			cmd.Stdout = &out
			start := time.Now()
			if err := cmd.Start(); err != nil {
				return sample{}, err
			}
			peak := watchPeak(cmd.Process.Pid)
			err := cmd.Wait()
			s := sample{wall: time.Since(start)}
			s.cpu, s.rss = usage(cmd.ProcessState, peak)
			if err != nil {
				return s, exitError(err, stderr)
			}
			if a.shows != nil {
				for _, p := range open {
					if !a.shows(out.String(), p) {
						return s, fmt.Errorf("open port %s is missing from the output", p)
					}
				}
			}
			return s, nil
		}})
	}
	st, err := b.rounds(ctx, "scan", cs)
	if err != nil {
		return caseResult{}, err
	}
	res := caseResult{name: "scan",
		title:  "full connect scan of 127.0.0.1 ports 1-65535 (3 of them open)",
		header: []string{"tool", "time", "vs nc", "cpu", "peak RSS", "command"}}
	nc, haveNC := find(st, "nc")
	res.rows = timeRows(st, "nc")
	res.notes = failureNotes(st, b.cfg.runs)
	rt, haveRT := find(st, "rawtalk")
	goal, rssGoal := "full loopback scan at most 0.5x nc's time", "peak RSS under 30 MiB (scan)"
	switch {
	case !scans:
		res.targets = append(res.targets, unmeasured(goal, "this rawtalk has no -z"), unmeasured(rssGoal, "this rawtalk has no -z"))
		return res, nil
	case haveRT && haveNC:
		r := ratio(rt.wall, nc.wall)
		res.targets = append(res.targets, check(goal, r <= 0.5, fmt.Sprintf(ratioFmt+" (%s vs %s)", r, seconds(rt.wall), seconds(nc.wall))))
	default:
		res.targets = append(res.targets, unmeasured(goal, "rawtalk or nc not measured"))
	}
	if haveRT {
		res.targets = append(res.targets, check(rssGoal, rt.rss < scanRSS, mibWords(rt.rss)))
	} else {
		res.targets = append(res.targets, unmeasured(rssGoal, "rawtalk failed"))
	}
	return res, nil
}

// rawtalkScans reports whether the rawtalk binary has the port scanner:
// its help mentions -z.
func (b *bench) rawtalkScans(ctx context.Context) bool {
	out, _ := exec.CommandContext(ctx, b.scanner, "--help").CombinedOutput()
	help := string(out)
	return strings.Contains(help, "--scan") || strings.Contains(help, "-z,")
}

// containsWord reports whether word appears in text not inside a longer
// run of digits or letters ("80" is not found in "8080").
func containsWord(text, word string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isAlnum(text[j-1])
		after := j+len(word) == len(text) || !isAlnum(text[j+len(word)])
		if before && after {
			return true
		}
		i = j + 1
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
