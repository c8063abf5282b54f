package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"

	"github.com/rawtalk/rawtalk/practice"
)

// labKind is --demo-serve's word for the class lab: several practice
// servers at once, a host to scan and then talk to.
const labKind = "lab"

// serveLab is --demo-serve lab. It says how many services listen and in
// which port range, but not which is which, since finding them with -z
// is the exercise; -v lists them. Ctrl-C or SIGTERM stops them all, a
// normal end, with the connections each one had.
func (a *app) serveLab() error {
	o, con := &a.opt, a.con
	switch {
	case o.demo != "":
		return &usageError{"the lab is for --demo-serve: rawtalk --demo-serve lab, then scan it from another terminal"}
	case o.ipv6:
		return &usageError{"the lab listens on 127.0.0.1 only; leave out -6"}
	case o.demoPort > 65536-practice.LabSpan:
		return &usageError{fmt.Sprintf("invalid --demo-port %d: the lab needs %d ports from there; give at most %d",
			o.demoPort, practice.LabSpan, 65536-practice.LabSpan)}
	}
	ctx, stop := untilInterrupt()
	defer stop()
	var said sync.Mutex // the services' goroutines report clients at once
	lab, err := practice.StartLab(ctx, practice.LabConfig{
		Base: o.demoPort,
		OnConnect: func(kind string, remote net.Addr) {
			if !o.verbose {
				return
			}
			h, p := splitAddr(remote)
			said.Lock()
			defer said.Unlock()
			con.sayf("Connection received on %s %s (%s)", h, p, kind)
		},
	})
	if err != nil {
		return labListenError(err)
	}
	window := fmt.Sprintf("%d-%d", lab.First, lab.Last)
	said.Lock()
	con.sayf("rawtalk: practice lab: %d services listening on 127.0.0.1, ports %s", len(lab.Services), window)
	con.hintf("find them with: rawtalk -z --banner 127.0.0.1 %s; then talk to each: rawtalk 127.0.0.1 PORT", window)
	if o.verbose {
		for _, s := range lab.Services {
			where := ""
			if s.OffPort {
				where = " (not where its port number suggests)"
			}
			con.sayf("rawtalk: lab: %s on port %d%s", s.Kind, s.Port, where)
		}
	}
	con.sayf("rawtalk: Ctrl-C stops the lab")
	said.Unlock()

	<-ctx.Done()
	waitErr := lab.Wait()
	said.Lock()
	defer said.Unlock()
	total := 0
	for _, s := range lab.Services {
		total += s.Server.Connections()
	}
	con.sayf("rawtalk: practice lab stopped after %s:", plural(total, "connection"))
	for _, line := range lab.Summary() {
		con.sayf("rawtalk:   %s", line)
	}
	if waitErr != nil {
		return fmt.Errorf("practice lab: %w", waitErr)
	}
	return nil
}

// labListenError is a lab port that could not be listened on, in the
// words of a --demo server's: exit 1, with the hint about --demo-port.
func labListenError(err error) error {
	var op *net.OpError
	if !errors.As(err, &op) || op.Addr == nil {
		return &usageError{err.Error()} // StartLab's check of the base port
	}
	cause := op.Err
	var sys *os.SyscallError
	if errors.As(cause, &sys) {
		cause = sys.Err
	}
	return &listenError{addr: op.Addr.String(), err: cause}
}
