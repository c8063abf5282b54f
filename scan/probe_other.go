//go:build !linux

package scan

import (
	"net"
	"os"

	"github.com/rawtalk/rawtalk/session/dial"
)

// newTCPProber is net.Dialer where the fast prober of probe_linux.go is not
// available, with closed loopback ports refusing at once on Windows.
func newTCPProber(opt Options) prober {
	opt.Dial = (&net.Dialer{Control: dial.FastRefusal}).DialContext
	return &dialProber{opt: opt}
}

// startPoller makes sure Go's network poller exists before the scan may
// take every file descriptor: the runtime crashes if it cannot create it.
func startPoller() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	r.Close()
	w.Close()
	return nil
}
