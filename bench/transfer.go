package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// makeData writes the transfer file once: on /dev/shm when it has room, so
// the disk is not what is measured, else in $TMPDIR (the page cache).
func (b *bench) makeData() error {
	if b.dataFile != "" {
		return nil
	}
	dir := b.cfg.dataDir
	if dir == "" {
		dir = os.TempDir()
		if free("/dev/shm") > b.cfg.size+256<<20 {
			dir = "/dev/shm"
		}
	}
	if f := free(dir); f < b.cfg.size+256<<20 {
		return fmt.Errorf("%s has %d MiB free; the transfer file needs %d MiB (use -size or -data-dir)", dir, f>>20, b.cfg.size>>20)
	}
	f, err := os.CreateTemp(dir, "rawtalk-bench-*.data")
	if err != nil {
		return err
	}
	b.dataFile = f.Name()
	fmt.Fprintf(os.Stderr, "bench: writing %s to %s\n", sizeWords(b.cfg.size), b.dataFile)
	block := make([]byte, 1<<20)
	x := uint64(0x9e3779b97f4a7c15)
	for i := range block { // xorshift: not compressible, not all zeros
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		block[i] = byte(x)
	}
	for left := b.cfg.size; left > 0; left -= int64(len(block)) {
		if _, err := f.Write(block[:min(left, int64(len(block)))]); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func (b *bench) removeData() {
	if b.dataFile != "" {
		os.Remove(b.dataFile)
	}
}

func sizeWords(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.4g MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.4g KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// listen opens a loopback listener whose every connection is handed to
// serve on its own goroutine; stop closes it.
func listen(serve func(net.Conn)) (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return ln.Addr().String(), func() { ln.Close() }, nil
}

// hostPort splits a listener's address for tools that take them apart.
func hostPort(addr string) (string, string) {
	h, p, _ := net.SplitHostPort(addr)
	return h, p
}

// received is what a sink got on one connection.
type received struct {
	n   int64
	err error
}

// upload is case 1: a file on stdin, piped to a loopback sink. Done means
// the tool exited and the sink has every byte.
func (b *bench) upload(ctx context.Context) (caseResult, error) {
	if err := b.makeData(); err != nil {
		return caseResult{}, err
	}
	got := make(chan received, 1)
	addr, stop, err := listen(func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 1<<20)
		var n int64
		var err error
		for err == nil { // the sink: read as fast as the kernel gives
			var k int
			k, err = c.Read(buf)
			n += int64(k)
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
		got <- received{n, err}
	})
	if err != nil {
		return caseResult{}, err
	}
	defer stop()
	host, port := hostPort(addr)
	argvs := []struct {
		name string
		argv []string
	}{
		{"floor", []string{b.floor, "up", addr}},
		{"rawtalk", []string{b.rawtalk, "-N", host, port}},
		{"nc", []string{"nc", "-N", host, port}},
		{"ncat", []string{"ncat", "--send-only", host, port}},
		{"socat", []string{"socat", "-u", "-", "TCP:" + addr}},
	}
	var cs []contender
	for _, a := range argvs {
		if !b.have(a.name) {
			continue
		}
		argv := a.argv
		cs = append(cs, contender{name: a.name, argv: argv, run: func(ctx context.Context) (sample, error) {
			select { // a report left by a failed run is not this run's
			case <-got:
			default:
			}
			in, err := os.Open(b.dataFile)
			if err != nil {
				return sample{}, err
			}
			defer in.Close()
			out, err := devNull(true)
			if err != nil {
				return sample{}, err
			}
			defer out.Close()
			cmd, stderr := command(ctx, argv)
			cmd.Stdin, cmd.Stdout = in, out
			start := time.Now()
			if err := cmd.Start(); err != nil {
				return sample{}, err
			}
			peak := watchPeak(cmd.Process.Pid)
			werr := cmd.Wait()
			exited := time.Since(start)
			var s sample
			s.cpu, s.rss = usage(cmd.ProcessState, peak)
			if werr != nil {
				return s, exitError(werr, stderr)
			}
			select {
			case r := <-got:
				s.wall = max(exited, time.Since(start))
				if r.err != nil {
					return s, fmt.Errorf("sink: %v", r.err)
				}
				if r.n != b.cfg.size {
					return s, fmt.Errorf("the sink received %d of %d bytes", r.n, b.cfg.size)
				}
			case <-time.After(10 * time.Second):
				return s, fmt.Errorf("the sink never saw the end of the upload")
			case <-ctx.Done():
				return s, ctx.Err()
			}
			return s, nil
		}})
	}
	st, err := b.rounds(ctx, "upload", cs)
	if err != nil {
		return caseResult{}, err
	}
	return b.transferResult("upload", fmt.Sprintf("piped upload: a %s file on stdin to a loopback sink", sizeWords(b.cfg.size)), st), nil
}

// download is case 2: a loopback source into a pipe read by a cat-like
// counter. Done means the tool exited and the counter has every byte.
func (b *bench) download(ctx context.Context) (caseResult, error) {
	if err := b.makeData(); err != nil {
		return caseResult{}, err
	}
	addr, stop, err := listen(func(c net.Conn) {
		defer c.Close()
		f, err := os.Open(b.dataFile)
		if err != nil {
			return
		}
		defer f.Close()
		io.Copy(c, f) // sendfile: the source costs next to nothing
	})
	if err != nil {
		return caseResult{}, err
	}
	defer stop()
	host, port := hostPort(addr)
	argvs := []struct {
		name string
		argv []string
	}{
		{"floor", []string{b.floor, "down", addr}},
		{"rawtalk", []string{b.rawtalk, host, port}},
		{"nc", []string{"nc", host, port}},
		{"ncat", []string{"ncat", "--recv-only", host, port}},
		{"socat", []string{"socat", "-u", "TCP:" + addr, "-"}},
	}
	var cs []contender
	for _, a := range argvs {
		if !b.have(a.name) {
			continue
		}
		argv := a.argv
		cs = append(cs, contender{name: a.name, argv: argv, run: func(ctx context.Context) (sample, error) {
			return b.downloadOnce(ctx, argv)
		}})
	}
	st, err := b.rounds(ctx, "download", cs)
	if err != nil {
		return caseResult{}, err
	}
	return b.transferResult("download", fmt.Sprintf("piped download: %s from a loopback source to a pipe (| cat >/dev/null)", sizeWords(b.cfg.size)), st), nil
}

func (b *bench) downloadOnce(ctx context.Context, argv []string) (sample, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return sample{}, err
	}
	defer pr.Close()
	defer pw.Close()
	in, err := devNull(false)
	if err != nil {
		return sample{}, err
	}
	defer in.Close()

	counter := exec.CommandContext(ctx, b.floor, "count")
	var counted strings.Builder
	counter.Stdin, counter.Stdout = pr, &counted
	if err := counter.Start(); err != nil {
		return sample{}, err
	}
	cmd, stderr := command(ctx, argv)
	cmd.Stdin, cmd.Stdout = in, pw
	start := time.Now()
	if err := cmd.Start(); err != nil {
		pw.Close()
		counter.Wait()
		return sample{}, err
	}
	peak := watchPeak(cmd.Process.Pid)
	pr.Close()
	pw.Close() // now only the tool holds the pipe's write end
	werr := cmd.Wait()
	cerr := counter.Wait()
	var s sample
	s.wall = time.Since(start)
	s.cpu, s.rss = usage(cmd.ProcessState, peak)
	if werr != nil {
		return s, exitError(werr, stderr)
	}
	if cerr != nil {
		return s, fmt.Errorf("counter: %v", cerr)
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(counted.String()), 10, 64)
	if n != b.cfg.size {
		return s, fmt.Errorf("the pipe got %d of %d bytes", n, b.cfg.size)
	}
	return s, nil
}

// have reports whether a tool can run: rawtalk and the floor always can.
func (b *bench) have(name string) bool {
	if name == "rawtalk" || name == "floor" {
		return true
	}
	_, ok := b.peers[name]
	return ok
}

// shortArgv shows a command as a person would type it.
func shortArgv(argv []string) string {
	if len(argv) == 0 {
		return "(in-process)"
	}
	parts := append([]string{filepath.Base(argv[0])}, argv[1:]...)
	return strings.Join(parts, " ")
}
