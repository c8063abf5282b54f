package cli

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mattn/go-isatty"

	"github.com/rawtalk/rawtalk/scan"
	"github.com/rawtalk/rawtalk/session/dial"
)

// runScan is `rawtalk -z HOST PORTS...`: it reports open ports on stdout,
// a summary on stderr, and exits 0 if any port is open, else 1.
func runScan(o *options, args []string, stdout io.Writer, con *console) int {
	host, portArgs, err := scanArgs(o, args)
	if err != nil {
		return exitCode(err, con)
	}
	ports, err := scan.ParsePorts(portArgs)
	if err != nil {
		return exitCode(err, con)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dialer := &dial.Dialer{Family: "tcp", NumericOnly: o.numeric, Resolver: resolver(o.dnsServer)}
	switch {
	case o.ipv4:
		dialer.Family = "tcp4"
	case o.ipv6:
		dialer.Family = "tcp6"
	}
	ips, err := dialer.Resolve(ctx, host)
	if err != nil {
		return exitCode(err, con)
	}
	if !o.verbose {
		ips = ips[:1] // -v scans each of a name's addresses
	}
	addrs := make([]netip.Addr, len(ips))
	for i, ip := range ips {
		a, _ := netip.AddrFromSlice(ip)
		addrs[i] = a.Unmap()
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
		ShowProgress:  isTerminalWriter(con.w),
	}
	if o.udp {
		opt.Network = "udp"
	}
	sum, err := scan.Scan(ctx, addrs, ports, stdout, opt)
	for _, e := range sum.Failed {
		con.errorf("%s", e)
		if e.Unreachable() && e.IP.To4() == nil {
			con.hintf("this machine has no route to that IPv6 address; -4 uses IPv4")
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
	case errors.Is(err, context.Canceled):
		con.errorf("interrupted")
		return 1
	case err != nil:
		return exitCode(err, con)
	case sum.Open == 0:
		return 1
	}
	return 0
}

// scanArgs checks the flags that go with -z and splits the arguments into
// the host and the port lists: HOST PORTS..., HOST:PORTS or [IPV6]:PORTS.
func scanArgs(o *options, args []string) (host string, ports []string, err error) {
	switch {
	case o.ipv4 && o.ipv6:
		return "", nil, &usageError{"-4 and -6 cannot be used together"}
	case o.wait < 0:
		return "", nil, &usageError{"invalid -w: must be a positive number of seconds"}
	case o.concurrency < 0:
		return "", nil, &usageError{"invalid --concurrency: must be a positive number"}
	case len(args) == 0:
		return "", nil, &dial.ArgError{Reason: "missing host and ports"}
	}
	host, ports = args[0], args[1:]
	if len(args) == 1 {
		h, p, err := dial.SplitHostPort(args[0])
		if err != nil {
			return "", nil, &dial.ArgError{Arg: args[0], What: "address", Reason: "missing ports; use HOST PORTS, e.g. HOST 1-1024"}
		}
		host, ports = h, []string{p}
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "" {
		return "", nil, &dial.ArgError{Arg: host, What: "host", Reason: "empty"}
	}
	if strings.ContainsAny(host, " /\\\t") {
		return "", nil, &dial.ArgError{Arg: host, What: "host", Reason: "not a host name or an IP address"}
	}
	return host, ports, nil
}

// scanFlagsAlone refuses the scanner's flags without -z, which would
// otherwise be ignored in silence.
func scanFlagsAlone(o *options) error {
	switch {
	case o.scan && o.listen:
		return &usageError{"-z scans ports and -l listens: use one or the other"}
	case o.scan && (o.unix || o.proxy != ""):
		return &usageError{"-z scans TCP or UDP ports directly: not with -U or a proxy"}
	case o.scan:
		return nil
	case o.banner, o.json, o.concurrency != 0:
		return &usageError{"--banner, --json and --concurrency work only with -z (port scanning)"}
	}
	return nil
}

func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
