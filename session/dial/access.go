package dial

// Which peers a listener lets in (--allow, --deny), as ncat does: a list
// of IP addresses and CIDR ranges. A refused peer is closed at once, before
// a byte is read or a TLS handshake begins, and never counts as "the one
// client" of a listener without -k.

import (
	"net"
	"net/netip"
	"strings"
	"time"
)

// AccessList is the peers a listener lets in: if Allow is not empty, only
// the addresses it holds; never the addresses in Deny.
type AccessList struct {
	Allow, Deny []netip.Prefix
}

// ParseAddrList reads one --allow or --deny value: IP addresses and CIDR
// ranges, separated by commas or spaces ("127.0.0.1,10.0.0.0/8,::1").
// flag names the flag for the error.
func ParseAddrList(flag string, values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		for _, item := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			p, err := parsePrefix(item)
			if err != nil {
				return nil, &ArgError{Arg: item, What: flag + " address", Reason: "want an IP address or a CIDR range such as 192.168.0.0/24"}
			}
			out = append(out, p)
		}
	}
	return out, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()).Masked(), nil
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Empty tells whether the list lets everyone in.
func (l AccessList) Empty() bool { return len(l.Allow) == 0 && len(l.Deny) == 0 }

// Refusal says why addr may not come in: "in --deny", "not in --allow", or ""
// when it may. An address that is not IP (a unix socket) is let in.
func (l AccessList) Refusal(addr net.Addr) string {
	ap, ok := addrPort(addr)
	if !ok {
		return ""
	}
	ip := ap.Addr().Unmap().WithZone("")
	for _, p := range l.Deny {
		if p.Contains(ip) {
			return "in --deny"
		}
	}
	if len(l.Allow) == 0 {
		return ""
	}
	for _, p := range l.Allow {
		if p.Contains(ip) {
			return ""
		}
	}
	return "not in --allow"
}

func addrPort(addr net.Addr) (netip.AddrPort, bool) {
	switch a := addr.(type) {
	case *net.TCPAddr:
		return a.AddrPort(), true
	case *net.UDPAddr:
		return a.AddrPort(), true
	}
	return netip.AddrPort{}, false
}

// Guard wraps ln so that Accept returns only peers the list lets in; each
// one refused is closed and given to refused with the reason.
func (l AccessList) Guard(ln net.Listener, refused func(peer net.Addr, reason string)) net.Listener {
	if l.Empty() {
		return ln
	}
	return &guardedListener{Listener: ln, list: l, refused: refused}
}

type guardedListener struct {
	net.Listener
	list    AccessList
	refused func(net.Addr, string)
}

func (g *guardedListener) Accept() (net.Conn, error) {
	for {
		conn, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		reason := g.list.Refusal(conn.RemoteAddr())
		if reason == "" {
			return conn, nil
		}
		peer := conn.RemoteAddr()
		conn.Close()
		if g.refused != nil {
			g.refused(peer, reason)
		}
	}
}

// SetDeadline reaches the wrapped listener, so that Serve can stop a
// guarded Accept when its context ends.
func (g *guardedListener) SetDeadline(t time.Time) error {
	if d, ok := g.Listener.(interface{ SetDeadline(time.Time) error }); ok {
		return d.SetDeadline(t)
	}
	return g.Listener.Close()
}
