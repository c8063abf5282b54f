package session

import (
	"fmt"
	"net"
	"strings"
)

// ArgError is a bad host, port or address on the command line: the user's
// mistake, so main reports it as a usage error (exit 2).
type ArgError struct {
	Arg    string // what the user typed
	What   string // "port", "host", "address"
	Reason string // why it is wrong, lowercase, no period
}

func (e *ArgError) Error() string {
	if e.What == "" {
		return e.Reason
	}
	return fmt.Sprintf("invalid %s %q: %s", e.What, e.Arg, e.Reason)
}

// Target is the peer to reach, as the user named it.
type Target struct {
	Host string // a name or an IP literal, without brackets
	Port int
}

// String is host:port, bracketing IPv6 literals.
func (t Target) String() string {
	return net.JoinHostPort(t.Host, fmt.Sprint(t.Port))
}

// ParseTarget reads the positional arguments: "HOST PORT", "HOST:PORT" or
// "[IPV6]:PORT".
func ParseTarget(args []string) (Target, error) {
	var host, port string
	switch len(args) {
	case 0:
		return Target{}, &ArgError{Reason: "missing host and port"}
	case 1:
		h, p, err := splitHostPort(args[0])
		if err != nil {
			return Target{}, err
		}
		host, port = h, p
	case 2:
		host, port = strings.TrimSuffix(strings.TrimPrefix(args[0], "["), "]"), args[1]
	default:
		return Target{}, &ArgError{Arg: strings.Join(args[2:], " "), What: "argument", Reason: "too many arguments; expected HOST PORT"}
	}
	if host == "" {
		return Target{}, &ArgError{Arg: host, What: "host", Reason: "empty"}
	}
	if strings.ContainsAny(host, " /\\\t") {
		return Target{}, &ArgError{Arg: host, What: "host", Reason: "not a host name or an IP address"}
	}
	n, err := LookupPort(port)
	if err != nil {
		return Target{}, err
	}
	return Target{Host: host, Port: n}, nil
}

func splitHostPort(arg string) (host, port string, err error) {
	if strings.HasPrefix(arg, "[") {
		h, p, err := net.SplitHostPort(arg)
		if err != nil {
			return "", "", &ArgError{Arg: arg, What: "address", Reason: "expected [IPV6]:PORT"}
		}
		return h, p, nil
	}
	switch strings.Count(arg, ":") {
	case 0:
		return "", "", &ArgError{Arg: arg, What: "address", Reason: "missing port; use HOST PORT or HOST:PORT"}
	case 1:
		i := strings.IndexByte(arg, ':')
		return arg[:i], arg[i+1:], nil
	default:
		return "", "", &ArgError{Arg: arg, What: "address", Reason: "missing port; an IPv6 address needs brackets: [ADDR]:PORT, or HOST PORT"}
	}
}
