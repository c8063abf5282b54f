//go:build !linux

package scan

import "net"

// newTCPProber is net.Dialer where the fast prober of probe_linux.go is not
// available.
func newTCPProber(opt Options) prober {
	opt.Dial = (&net.Dialer{}).DialContext
	return &dialProber{opt: opt}
}
