package dial

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// ArgError is a bad host, port or address on the command line: the user's
// mistake, so main reports it as a usage error (exit 2).
type ArgError struct {
	Arg    string // what the user typed
	What   string // "port", "host", "address"
	Reason string // why it is wrong, lowercase, no period
	// Hints say what to type instead, if anything does.
	Hints []string
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
		if strings.Contains(args[0], "://") {
			return Target{}, urlError(args[0])
		}
		h, p, err := splitTarget(args[0])
		if err != nil {
			return Target{}, err
		}
		host, port = h, p
	case 2:
		if strings.Contains(args[0], "://") {
			return Target{}, urlError(args[0])
		}
		if h, p, err := SplitHostPort(args[0]); err == nil && p != "" {
			return Target{}, &ArgError{Reason: fmt.Sprintf("the port is given twice: %s and %s", args[0], args[1]),
				Hints: []string{fmt.Sprintf("give it once: rawtalk %s %s, or rawtalk %s %s", h, p, h, args[1])}}
		}
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

// The ways SplitHostPort can refuse an address; each caller says it in
// words that fit its own arguments.
var (
	// ErrNoPort is HOST or [IPV6] with no port; the host is still returned.
	ErrNoPort = errors.New("missing port")
	// ErrNeedsBrackets is an address with more than one colon and no
	// brackets: an IPv6 address, whose port cannot be told apart.
	ErrNeedsBrackets = errors.New("an IPv6 address needs brackets")
	// ErrBadBrackets is a bracketed address that is not [IPV6]:PORT.
	ErrBadBrackets = errors.New("expected [IPV6]:PORT")
)

// SplitHostPort splits an address the user typed: HOST:PORT, or
// [IPV6]:PORT with the brackets dropped from the host. It is the one
// host:port parser for targets, listeners, proxies and the scanner. The
// port may be empty ("host:"); it is not checked here (see LookupPort).
func SplitHostPort(arg string) (host, port string, err error) {
	if strings.HasPrefix(arg, "[") {
		if end := strings.IndexByte(arg, ']'); end == len(arg)-1 {
			if strings.IndexByte(arg[1:end], '[') >= 0 {
				return "", "", ErrBadBrackets
			}
			return arg[1:end], "", ErrNoPort
		}
		h, p, err := net.SplitHostPort(arg)
		if err != nil {
			return "", "", ErrBadBrackets
		}
		return h, p, nil
	}
	switch strings.Count(arg, ":") {
	case 0:
		return arg, "", ErrNoPort
	case 1:
		i := strings.IndexByte(arg, ':')
		return arg[:i], arg[i+1:], nil
	}
	return "", "", ErrNeedsBrackets
}

// splitTarget is SplitHostPort for the positional HOST:PORT, in its words.
func splitTarget(arg string) (host, port string, err error) {
	host, port, err = SplitHostPort(arg)
	switch {
	case err == nil:
		return host, port, nil
	case strings.HasPrefix(arg, "["):
		return "", "", &ArgError{Arg: arg, What: "address", Reason: "expected [IPV6]:PORT"}
	case errors.Is(err, ErrNoPort):
		return "", "", &ArgError{Arg: arg, What: "address", Reason: "missing port; use HOST PORT or HOST:PORT"}
	}
	return "", "", &ArgError{Arg: arg, What: "address", Reason: "missing port; an IPv6 address needs brackets: [ADDR]:PORT, or HOST PORT"}
}

// AddrWords prints an address as nc does: "127.0.0.1 port 80".
func AddrWords(a net.Addr) string {
	if a == nil {
		return "peer"
	}
	switch a.Network() {
	case "unix", "unixgram", "unixpacket":
		// A socket's path, which a peer may choose: it can hold a colon
		// that SplitHostPort would take for a port.
		return quote.String(a.String())
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return quote.String(a.String())
	}
	return quote.String(host) + " port " + quote.String(port)
}
