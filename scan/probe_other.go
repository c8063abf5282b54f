//go:build !linux

package scan

import (
	"net"
	"os"
)

// newTCPProber is net.Dialer where the fast prober of probe_linux.go is not
// available.
func newTCPProber(opt Options) prober {
	opt.Dial = (&net.Dialer{}).DialContext
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
