// Package scan is rawtalk's port scanner (-z): it parses port lists,
// connects to many ports at once with a bound, reads banners, and reports
// each port in port order.
package scan

import (
	"math/bits"
	"strings"

	"github.com/rawtalk/rawtalk/session/dial"
)

// portSet is a bitmap of the ports 0-65535: adding is cheap whatever the
// list's size, and reading it back gives the ports sorted, without repeats.
type portSet [65536 / 64]uint64

func (s *portSet) add(p int) { s[p/64] |= 1 << (p % 64) }

func (s *portSet) addRange(lo, hi int) {
	for p := lo; p <= hi; p++ {
		s.add(p)
	}
}

func (s *portSet) sorted() []uint16 {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	ports := make([]uint16, 0, n)
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			ports = append(ports, uint16(i*64+b))
			w &= w - 1
		}
	}
	return ports
}

// ParsePorts reads the port arguments of `rawtalk -z HOST PORTS...`. Each
// argument is a comma-separated list of ports ("22"), ranges ("20-25"),
// service names ("http") and "-" for every port, 1-65535; several arguments
// add up, as nc's `HOST 20 25` does. The ports come back sorted and without
// repeats. A mistake is a *dial.ArgError naming the part that is wrong.
func ParsePorts(args []string) ([]uint16, error) {
	if len(args) == 0 {
		return nil, &dial.ArgError{Reason: "missing ports; give a port list such as 22,80,443 or 1-1024"}
	}
	var set portSet
	for _, arg := range args {
		if arg == "" {
			return nil, &dial.ArgError{Arg: arg, What: "port list", Reason: "empty"}
		}
		for item := range strings.SplitSeq(arg, ",") {
			if item == "" {
				return nil, &dial.ArgError{Arg: arg, What: "port list", Reason: "empty item; separate ports with single commas"}
			}
			if err := addItem(&set, item); err != nil {
				return nil, err
			}
		}
	}
	return set.sorted(), nil
}

// addItem adds one list item: "-", a port, a range or a service name.
// Service names may contain dashes (ftp-data, http-alt), so a dash means a
// range only when a side of it is a number or empty.
func addItem(set *portSet, item string) error {
	if item == "-" {
		set.addRange(1, 65535)
		return nil
	}
	if lo, hi, ok := strings.Cut(item, "-"); ok && (lo == "" || hi == "" || isDigits(lo) || isDigits(hi)) {
		return addRange(set, item, lo, hi)
	}
	port, err := dial.LookupPort(item)
	if err != nil {
		if strings.Contains(item, "-") {
			return &dial.ArgError{Arg: item, What: "port", Reason: "not a range of two numbers (FROM-TO) or a known service name"}
		}
		return err
	}
	set.add(port)
	return nil
}

// addRange adds FROM-TO, both numbers 1-65535, FROM not above TO.
func addRange(set *portSet, item, lo, hi string) error {
	bad := func(reason string) error {
		return &dial.ArgError{Arg: item, What: "port range", Reason: reason}
	}
	switch {
	case lo == "":
		return bad("missing the first port; write FROM-TO, or - for all ports")
	case hi == "":
		return bad("missing the last port; write FROM-TO, or - for all ports")
	case !isDigits(lo) || !isDigits(hi):
		return bad("FROM and TO must be numbers")
	}
	from, ok1 := portNumber(lo)
	to, ok2 := portNumber(hi)
	switch {
	case !ok1 || !ok2:
		return bad("out of range 1-65535")
	case from > to:
		return bad("the first port is above the last")
	}
	set.addRange(from, to)
	return nil
}

// portNumber reads decimal digits as a port 1-65535.
func portNumber(digits string) (int, bool) {
	n := 0
	for i := 0; i < len(digits); i++ {
		n = n*10 + int(digits[i]-'0')
		if n > 65535 {
			return 0, false
		}
	}
	return n, n >= 1
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
