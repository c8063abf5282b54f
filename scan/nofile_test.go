//go:build linux

package scan

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestScanOutOfFiles scans in a child process whose open-file limit is a
// few descriptors above what it already has open, with a concurrency far
// above that. Every port must still be reported rightly, the concurrency
// lowered, and the scan finished. Open ports with a silent server hold
// their descriptor for the banner wait, so the limit is hit over and over.
// Linux only: it counts descriptors in /proc/self/fd.
func TestScanOutOfFiles(t *testing.T) {
	if os.Getenv("RAWTALK_SCAN_NOFILE_CHILD") != "" {
		outOfFilesChild(t)
		return
	}
	var ports []string
	want := map[uint16]string{}
	for range 30 {
		p := serve(t, "127.0.0.1:0", silent)
		ports = append(ports, strconv.Itoa(int(p)))
		want[p] = fmt.Sprintf("127.0.0.1 %d/tcp open unknown\n", p)
	}
	for _, c := range closedPorts(t, 30) {
		ports = append(ports, strconv.Itoa(int(c)))
		want[c] = fmt.Sprintf("127.0.0.1 %d/tcp closed unknown\n", c)
	}
	for _, p := range probers {
		t.Run(p.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestScanOutOfFiles$", "-test.v")
			cmd.Env = append(os.Environ(),
				"RAWTALK_SCAN_NOFILE_CHILD="+p.name,
				"RAWTALK_SCAN_PORTS="+strings.Join(ports, ","),
				"RAWTALK_SCAN_WANT="+lines(want))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "lowered to ") {
				t.Errorf("child did not lower its concurrency:\n%s", out)
			}
		})
	}
}

func outOfFilesChild(t *testing.T) {
	ports, err := ParsePorts([]string{os.Getenv("RAWTALK_SCAN_PORTS")})
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{ShowAll: true, Banner: true, BannerTimeout: 20 * time.Millisecond, Concurrency: 200}
	if os.Getenv("RAWTALK_SCAN_NOFILE_CHILD") == "dial" {
		opt.Dial = probers[1].dial
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	lim.Cur = uint64(len(fds) + 8)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	got, sum := scanString(t, []netip.Addr{loopback}, ports, opt)
	if want := os.Getenv("RAWTALK_SCAN_WANT"); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	if !sum.Lowered || sum.Concurrency >= 200 || sum.Concurrency < 1 {
		t.Errorf("summary %+v: want the concurrency lowered from 200", sum)
	}
	t.Logf("limit %d descriptors: lowered to %d", lim.Cur, sum.Concurrency)
	if _, err := Scan(context.Background(), []netip.Addr{loopback}, ports, &strings.Builder{}, opt); err != nil {
		t.Errorf("second scan: %v", err)
	}
}
