package dial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"
)

// LookupFailure says why a name could not be turned into an address, so
// that each failure gets its own words and hint: a name that does not
// exist needs another spelling, a failing DNS server another server.
type LookupFailure int

const (
	// NoSuchHost: the DNS said the name has no address (NXDOMAIN, or no
	// record of the family asked for).
	NoSuchHost LookupFailure = iota
	// WrongFamily: an address, or a name's addresses, not of the family
	// -4/-6 (or -s) asks for.
	WrongFamily
	// ServerFailed: the DNS server answered SERVFAIL.
	ServerFailed
	// ServerRefused: the DNS server answered REFUSED (or another error
	// code that is not about the name).
	ServerRefused
	// ServerUnreachable: the question never reached a DNS server (ICMP
	// port or host unreachable, no route).
	ServerUnreachable
	// LookupTimedOut: no answer within -w, or the resolver's own limit.
	LookupTimedOut
	// NoSuchInterface: an IPv6 zone (fe80::1%eth0) names no interface of
	// this machine.
	NoSuchInterface
)

// HostError is a name that could not be turned into an address.
type HostError struct {
	Host   string
	Kind   LookupFailure
	Reason string // the words after the host: "is not an IPv6 address", ...
	// Server is the DNS server that was asked (host:port), when known.
	Server string
}

func (e *HostError) Error() string {
	switch e.Kind {
	case NoSuchHost:
		if e.Reason != "" {
			return fmt.Sprintf("%s: %s", e.Host, e.Reason)
		}
		return "unknown host " + e.Host
	case ServerFailed, ServerRefused, ServerUnreachable, LookupTimedOut:
		return fmt.Sprintf("cannot look up %s: %s", e.Host, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Host, e.Reason)
}

// LookupError reports whether the DNS itself failed (as opposed to
// answering that the name has no address): the name may well exist.
func (e *HostError) LookupError() bool {
	switch e.Kind {
	case ServerFailed, ServerRefused, ServerUnreachable, LookupTimedOut:
		return true
	}
	return false
}

// SplitZone splits an IPv6 literal's zone from it: "fe80::1%eth0" is
// "fe80::1" and "eth0". Anything else comes back whole, with no zone.
func SplitZone(host string) (addr, zone string) {
	addr, zone, found := strings.Cut(host, "%")
	if !found || !strings.Contains(addr, ":") {
		return host, ""
	}
	return addr, zone
}

// Resolve returns the addresses to try for host, in the order to try them.
// The look-up takes at most d.Timeout (-w), as the connect does.
func (d *Dialer) Resolve(ctx context.Context, host string) ([]net.IP, error) {
	family := d.family()
	literal, zone := SplitZone(host)
	if ip := net.ParseIP(strings.TrimSuffix(literal, ".")); ip != nil {
		if !familyAllows(family, ip) {
			return nil, &HostError{Host: host, Kind: WrongFamily, Reason: "is not an " + familyName(family) + " address"}
		}
		if zone != "" && ip.To4() == nil && !zoneExists(zone) {
			return nil, &HostError{Host: host, Kind: NoSuchInterface, Reason: fmt.Sprintf("this machine has no network interface %q", zone)}
		}
		return []net.IP{ip}, nil
	}
	if d.NumericOnly {
		return nil, &ArgError{Arg: host, What: "host", Reason: "-n forbids name lookups; give an IP address"}
	}
	r := d.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	if d.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Timeout)
		defer cancel()
	}
	addrs, err := r.LookupIPAddr(ctx, host)
	if err != nil {
		if cause := canceled(ctx); cause != nil {
			return nil, cause
		}
		return nil, d.lookupError(host, err)
	}
	var ips []net.IP
	for _, a := range addrs {
		if familyAllows(family, a.IP) {
			ips = append(ips, a.IP)
		}
	}
	if len(ips) == 0 {
		return nil, &HostError{Host: host, Kind: WrongFamily, Reason: "has no " + familyName(family) + " address"}
	}
	return ips, nil
}

// zoneExists is whether an IPv6 zone names an interface of this machine,
// by name or by index, as the kernel will need it to.
func zoneExists(zone string) bool {
	if _, err := net.InterfaceByName(zone); err == nil {
		return true
	}
	var index int
	if _, err := fmt.Sscanf(zone, "%d", &index); err == nil && fmt.Sprint(index) == zone {
		_, err := net.InterfaceByIndex(index)
		return err == nil
	}
	return false
}

// lookupError turns the resolver's error into a HostError of the right
// kind. Go's DNSError keeps the cause of a failed exchange only as text
// (its UnwrapErr is set for context errors alone): "server misbehaving"
// is an answer with an error code, SERVFAIL when it is also temporary,
// and a socket error ends in the system's words.
func (d *Dialer) lookupError(host string, err error) *HostError {
	e := &HostError{Host: host, Server: d.DNSServer}
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		e.Kind, e.Reason = ServerUnreachable, Strerror(SystemError(err))
		return e
	}
	if e.Server == "" && d.Resolver == nil {
		e.Server = dnsErr.Server
	}
	server := "the DNS server"
	if e.Server != "" {
		server += " " + e.Server
	}
	switch {
	case dnsErr.IsNotFound:
		e.Kind = NoSuchHost
	case dnsErr.IsTimeout:
		e.Kind, e.Reason = LookupTimedOut, "no answer from "+server+" in time"
		if d.Timeout > 0 {
			e.Reason = fmt.Sprintf("no answer from %s within %s", server, secondsWords(d.Timeout))
		}
	case strings.HasSuffix(dnsErr.Err, "server misbehaving") && dnsErr.IsTemporary:
		e.Kind, e.Reason = ServerFailed, server+" failed to answer (SERVFAIL)"
	case strings.HasSuffix(dnsErr.Err, "server misbehaving"):
		e.Kind, e.Reason = ServerRefused, server+" refused to answer"
	default:
		e.Kind, e.Reason = ServerUnreachable, server+" is unreachable"
		for _, errno := range []syscall.Errno{syscall.ECONNREFUSED, syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.EADDRNOTAVAIL} {
			if strings.HasSuffix(dnsErr.Err, errno.Error()) {
				e.Reason += ": " + Strerror(errno)
				return e
			}
		}
		e.Reason += ": " + dnsErr.Err
	}
	return e
}

// secondsWords is a duration as -w takes it: "0.5 s", "10 s".
func secondsWords(d time.Duration) string {
	return fmt.Sprintf("%g s", d.Seconds())
}
