package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// caseResult is one case ready to print.
type caseResult struct {
	name    string     // the case, as -cases names it
	title   string     // what was measured
	header  []string   // column names
	rows    [][]string // one per tool
	notes   []string   // skips, failures, how a tool was ended
	targets []target   // the project's goals this case checks
}

// target is one of the project's goals and how this run did.
type target struct {
	what     string // the goal, in words
	measured string // the numbers behind the verdict
	verdict  string // PASS, MISS, or n/a when it could not be measured
}

func check(what string, ok bool, measured string) target {
	v := "MISS"
	if ok {
		v = "PASS"
	}
	return target{what: what, measured: measured, verdict: v}
}

func unmeasured(what, why string) target {
	return target{what: what, measured: why, verdict: "n/a"}
}

const (
	mib          = 1 << 20
	transferRSS  = 20 * mib // peak RSS target for piped transfers
	scanRSS      = 30 * mib // and for a full scan
	ratioFmt     = "%.2fx"
	missingValue = "-"
)

func find(st []stats, name string) (stats, bool) {
	for _, s := range st {
		if s.name == name && s.ok > 0 {
			return s, true
		}
	}
	return stats{}, false
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func mibWords(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/mib) }

// failureNotes says which tools failed in which runs.
func failureNotes(st []stats, runs int) []string {
	var notes []string
	for _, s := range st {
		if len(s.failures) > 0 {
			notes = append(notes, fmt.Sprintf("%s failed %d of %d runs: %s", s.name, len(s.failures), runs, s.failures[0]))
		}
	}
	return notes
}

// timeRows are the rows of a table of times: each tool's median wall time,
// its ratio to the baseline tool, CPU, peak RSS and command.
func timeRows(st []stats, baseline string) [][]string {
	base, haveBase := find(st, baseline)
	var rows [][]string
	for _, s := range st {
		if s.ok == 0 {
			rows = append(rows, []string{s.name, "failed", missingValue, missingValue, missingValue, shortArgv(s.argv)})
			continue
		}
		vs := missingValue
		if haveBase {
			vs = fmt.Sprintf(ratioFmt, ratio(s.wall, base.wall))
		}
		rows = append(rows, []string{s.name, seconds(s.wall), vs, seconds(s.cpu), mibWords(s.rss), shortArgv(s.argv)})
	}
	return rows
}

// transferResult is the table and targets of upload and download.
func (b *bench) transferResult(name, title string, st []stats) caseResult {
	res := caseResult{name: name, title: title,
		header: []string{"tool", "time", "vs floor", "cpu", "peak RSS", "command"}}
	floor, haveFloor := find(st, "floor")
	res.rows = timeRows(st, "floor")
	res.notes = failureNotes(st, b.cfg.runs)
	rt, haveRT := find(st, "rawtalk")
	goal := fmt.Sprintf("%s within 1.1x of the floor", name)
	if haveRT && haveFloor {
		r := ratio(rt.wall, floor.wall)
		res.targets = append(res.targets, check(goal, r <= 1.1, fmt.Sprintf(ratioFmt+" (%s vs %s)", r, seconds(rt.wall), seconds(floor.wall))))
	} else {
		res.targets = append(res.targets, unmeasured(goal, "rawtalk or the floor failed"))
	}
	if name == "download" {
		goal := "download at least 2.5x faster than nc"
		if nc, ok := find(st, "nc"); ok && haveRT {
			r := ratio(nc.wall, rt.wall)
			res.targets = append(res.targets, check(goal, r >= 2.5, fmt.Sprintf(ratioFmt+" (nc %s)", r, seconds(nc.wall))))
		} else {
			res.targets = append(res.targets, unmeasured(goal, "nc not measured"))
		}
	}
	goal = fmt.Sprintf("peak RSS under 20 MiB (%s)", name)
	if haveRT {
		res.targets = append(res.targets, check(goal, rt.rss < transferRSS, mibWords(rt.rss)))
	} else {
		res.targets = append(res.targets, unmeasured(goal, "rawtalk failed"))
	}
	return res
}

// print writes every case's table, the skips, and the targets.
func (b *bench) print(w io.Writer) {
	fmt.Fprintf(w, "rawtalk benchmark: %s; %d runs per tool, interleaved; medians (peak RSS: highest run)\n", machine(), b.cfg.runs)
	for _, r := range b.results {
		fmt.Fprintf(w, "\n%s\n", r.title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  %s\n", strings.Join(r.header, "\t"))
		for _, row := range r.rows {
			fmt.Fprintf(tw, "  %s\n", strings.Join(row, "\t"))
		}
		tw.Flush()
		for _, n := range r.notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
	if len(b.skipped) > 0 {
		fmt.Fprintln(w)
		for _, s := range b.skipped {
			fmt.Fprintf(w, "skipped: %s\n", s)
		}
	}
	fmt.Fprintf(w, "\ntargets\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range b.results {
		for _, t := range r.targets {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", t.verdict, t.what, t.measured)
		}
	}
	tw.Flush()
}
