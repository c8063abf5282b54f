//go:build unix

package cli

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// fullListener listens with a backlog of zero and fills the queue, so that
// further connects see their SYNs dropped: a firewalled port, on loopback.
func fullListener(ts *testscript.TestScript) int {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	ts.Check(err)
	ts.Defer(func() { syscall.Close(fd) })
	ts.Check(syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	ts.Check(syscall.Listen(fd, 0))
	sa, err := syscall.Getsockname(fd)
	ts.Check(err)
	port := sa.(*syscall.SockaddrInet4).Port
	// A zero backlog still queues one connection; once it is taken, the
	// kernel drops further SYNs, and the next dial times out.
	for i := 0; i < 3; i++ {
		c, err := net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", port), 100*time.Millisecond)
		if err != nil {
			break
		}
		ts.Defer(func() { c.Close() })
	}
	return port
}

// rawtalkNofile is rawtalk with an open-file limit that leaves it only N
// free descriptors, to test running out of them:
//
//	rawtalk-nofile N ARG...
func rawtalkNofile() {
	free, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: rawtalk-nofile N ARG...")
		os.Exit(2)
	}
	open := map[int]bool{}
	dir, err := os.Open("/proc/self/fd")
	if err == nil {
		dirFD := int(dir.Fd())
		var names []string
		names, err = dir.Readdirnames(-1)
		dir.Close()
		for _, name := range names {
			fd, _ := strconv.Atoi(name)
			open[fd] = fd != dirFD
		}
	}
	// The limit is one above the highest descriptor number a new file may
	// get, and new files get the lowest free numbers.
	limit := 0
	for ; free > 0; limit++ {
		if !open[limit] {
			free--
		}
	}
	if err == nil {
		var lim syscall.Rlimit
		err = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
		setLimit(&lim.Cur, limit)
		if err == nil {
			err = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rawtalk-nofile:", err)
		os.Exit(2)
	}
	os.Exit(run(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
}

// setLimit sets an rlimit field: int64 on FreeBSD, uint64 elsewhere.
func setLimit[T int64 | uint64](field *T, n int) { *field = T(n) }
