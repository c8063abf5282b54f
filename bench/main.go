// Command bench measures rawtalk side by side with the tools people would use
// instead (nc from netcat-openbsd, ncat, socat, telnet, nmap) and with a
// physical floor (a minimal Go client), in one run on 127.0.0.1 only.
//
// Shared machines are noisy: absolute times move from run to run, but ratios
// within one run hold. So every case runs each tool several times,
// interleaved within each round, and reports the median per tool and its
// ratio to the case's reference, then checks the project's targets.
//
//	go run ./bench                        all cases, 3 rounds, 1 GiB transfers
//	go run ./bench -runs 5 -cases upload,download -size 256MiB
//	go run ./bench -cases scan -rawtalk /tmp/rawtalk-scan
//
// A peer that is not installed is skipped, and the table says so.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// allCases are the cases in the order they run and print.
var allCases = []string{"upload", "download", "roundtrip", "flood", "scan"}

// config is the command line.
type config struct {
	runs      int           // rounds per case
	cases     []string      // which of allCases to run
	size      int64         // bytes per transfer in upload and download
	floodSize int64         // bytes the server floods the terminal with
	lines     int           // measured line round trips per tool and round
	rawtalk   string        // a prebuilt rawtalk binary; "" builds the module's
	scanner   string        // the rawtalk binary for the scan case; "" is rawtalk
	dataDir   string        // where the transfer file goes; "" picks one
	timeout   time.Duration // bound on one tool's run
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		stop()
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.IntVar(&cfg.runs, "runs", 3, "rounds per case; each round runs every tool once, interleaved")
	cases := fs.String("cases", strings.Join(allCases, ","), "comma-separated cases to run")
	size := fs.String("size", "1GiB", "bytes per upload and download (e.g. 1GiB, 256MiB)")
	flood := fs.String("flood-size", "64MiB", "bytes the server floods the terminal with")
	fs.IntVar(&cfg.lines, "lines", 2000, "line round trips measured per tool and round")
	fs.StringVar(&cfg.rawtalk, "rawtalk", "", "use this rawtalk binary instead of building the module's")
	fs.StringVar(&cfg.scanner, "rawtalk-scan", "", "use this rawtalk binary for the scan case (e.g. a build of the scan branch)")
	fs.StringVar(&cfg.dataDir, "data-dir", "", "directory for the transfer file (default: /dev/shm if it has room, else $TMPDIR)")
	fs.DurationVar(&cfg.timeout, "timeout", 2*time.Minute, "give up one tool's run after this long")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.runs < 1 || cfg.lines < 1 {
		return cfg, fmt.Errorf("-runs and -lines must be at least 1")
	}
	for c := range strings.SplitSeq(*cases, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !contains(allCases, c) {
			return cfg, fmt.Errorf("unknown case %q (cases: %s)", c, strings.Join(allCases, ","))
		}
		cfg.cases = append(cfg.cases, c)
	}
	var err error
	if cfg.size, err = parseSize(*size); err != nil {
		return cfg, fmt.Errorf("-size: %v", err)
	}
	if cfg.floodSize, err = parseSize(*flood); err != nil {
		return cfg, fmt.Errorf("-flood-size: %v", err)
	}
	return cfg, nil
}

// parseSize reads 1GiB, 64MiB, 512KiB, 100MB or a plain byte count.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	return int64(n * float64(mult)), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bench is one run of the benchmark: the built binaries, the peers found,
// and the results so far.
type bench struct {
	cfg      config
	dir      string            // temp dir for binaries and state; removed at the end
	rawtalk  string            // the rawtalk binary measured
	scanner  string            // the rawtalk binary whose -z is measured
	floor    string            // the floor helper binary
	peers    map[string]string // installed peers: name -> path
	skipped  []string          // why a peer or case was skipped
	dataFile string            // the transfer file, made on first use
	results  []caseResult      // in the order the cases ran
}

func run(ctx context.Context, cfg config) error {
	dir, err := os.MkdirTemp("", "rawtalk-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b := &bench{cfg: cfg, dir: dir, peers: map[string]string{}}
	defer b.removeData()

	if err := b.build(ctx); err != nil {
		return err
	}
	b.findPeers()
	for _, c := range cfg.cases {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var res caseResult
		var err error
		switch c {
		case "upload":
			res, err = b.upload(ctx)
		case "download":
			res, err = b.download(ctx)
		case "roundtrip":
			res, err = b.roundtrip(ctx)
		case "flood":
			res, err = b.flood(ctx)
		case "scan":
			res, err = b.scan(ctx)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", c, err)
		}
		if res.name != "" {
			b.results = append(b.results, res)
		}
	}
	b.print(os.Stdout)
	return ctx.Err()
}

// build compiles rawtalk (unless -rawtalk names one) and the floor helper
// into the temp dir, so the measured binary is the worktree's as it is now.
func (b *bench) build(ctx context.Context) error {
	b.floor = filepath.Join(b.dir, "floor")
	targets := [][2]string{{b.floor, "github.com/rawtalk/rawtalk/bench/floor"}}
	if b.cfg.rawtalk == "" {
		b.rawtalk = filepath.Join(b.dir, "rawtalk")
		targets = append(targets, [2]string{b.rawtalk, "github.com/rawtalk/rawtalk"})
	} else {
		abs, err := filepath.Abs(b.cfg.rawtalk)
		if err != nil {
			return err
		}
		b.rawtalk = abs
	}
	b.scanner = b.rawtalk
	if b.cfg.scanner != "" {
		abs, err := filepath.Abs(b.cfg.scanner)
		if err != nil {
			return err
		}
		b.scanner = abs
	}
	for _, t := range targets {
		out, err := exec.CommandContext(ctx, "go", "build", "-o", t[0], t[1]).CombinedOutput()
		if err != nil {
			return fmt.Errorf("building %s (run the benchmark from the rawtalk checkout): %v\n%s", t[1], err, out)
		}
	}
	return nil
}

// findPeers looks up the tools rawtalk is compared with.
func (b *bench) findPeers() {
	for _, name := range []string{"nc", "ncat", "socat", "telnet", "nmap"} {
		path, err := exec.LookPath(name)
		if err != nil {
			b.skip("%s is not installed; skipped (apt-get install %s)", name, debianPackage(name))
			continue
		}
		if name == "nc" {
			// Only OpenBSD's nc has the flags used here (-N, -z with a range).
			out, _ := exec.Command(path, "-h").CombinedOutput()
			if !strings.Contains(string(out), "OpenBSD") {
				b.skip("nc is not netcat-openbsd; skipped (apt-get install netcat-openbsd)")
				continue
			}
		}
		b.peers[name] = path
	}
}

func debianPackage(tool string) string {
	if tool == "nc" {
		return "netcat-openbsd"
	}
	return tool
}

func (b *bench) skip(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if !contains(b.skipped, msg) {
		b.skipped = append(b.skipped, msg)
		fmt.Fprintln(os.Stderr, "bench:", msg)
	}
}

// machine describes where the numbers come from.
func machine() string {
	return fmt.Sprintf("%s %s/%s, %d CPUs", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
}
