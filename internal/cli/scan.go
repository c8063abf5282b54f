package cli

import (
	"context"
	"errors"
	"net/netip"

	"github.com/rawtalk/rawtalk/scan"
	"github.com/rawtalk/rawtalk/term"
)

// scan is `rawtalk -z HOST PORTS...`: it reports open ports on stdout,
// a summary on stderr, and exits 0 if any port is open, else 1
// (errNothingOpen).
func (a *app) scan(args []string) error {
	o, con := &a.opt, a.con
	host, portArgs, err := scanArgs(o, args)
	if err != nil {
		return err
	}
	ports, err := scan.ParsePorts(portArgs)
	if err != nil {
		return err
	}

	ctx, stop := untilInterrupt()
	defer stop()
	ips, err := newDialer(o).Resolve(ctx, host)
	if err != nil {
		return err
	}
	if !o.verbose {
		ips = ips[:1] // -v scans each of a name's addresses
	}
	addrs := make([]netip.Addr, len(ips))
	for i, ip := range ips {
		addr, _ := netip.AddrFromSlice(ip)
		addrs[i] = addr.Unmap()
	}

	opt := scan.Options{
		Network:       "tcp",
		Host:          host,
		Timeout:       seconds(o.wait),
		Concurrency:   o.concurrency,
		Banner:        o.banner,
		BannerTimeout: seconds(o.wait),
		ShowAll:       o.verbose,
		JSON:          o.json,
		Progress:      con.w,
		ShowProgress:  isTerminal(con.w),
	}
	if o.udp {
		opt.Network = "udp"
	}
	sum, err := scan.Scan(ctx, addrs, ports, a.stdout, opt)
	for _, e := range sum.Failed {
		con.errorf("%s", e)
		if e.Unreachable() && e.IP.To4() == nil {
			con.hintf("%s", noRouteHint)
		}
	}
	if err == nil || sum.Open+sum.Closed+sum.Filtered+sum.OpenFiltered > 0 {
		con.sayf("rawtalk: %s", sum)
	}
	if sum.Lowered {
		con.sayf("rawtalk: reached the open-file limit; went on with %d connections at a time", sum.Concurrency)
		con.hintf("raise the limit (ulimit -n) or scan with a lower --concurrency")
	}
	switch {
	case errors.Is(err, context.Canceled), errors.As(err, new(*term.SignalError)):
		return errInterrupted // -z's status stays nc's: 1, nothing open found
	case err != nil:
		return err
	case sum.Open == 0:
		return errNothingOpen
	}
	return nil
}
