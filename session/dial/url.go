package dial

import (
	"net/url"
	"strconv"
	"strings"
)

// urlError refuses a URL where HOST PORT belongs, with the command to type
// instead: rawtalk is below the URL's protocol, so the path and the rest
// go in what the user types once connected.
func urlError(arg string) *ArgError {
	e := &ArgError{Arg: arg, What: "address", Reason: "a URL, not HOST PORT"}
	u, err := url.Parse(arg)
	if err != nil || u.Hostname() == "" {
		return e
	}
	host, port := u.Hostname(), u.Port()
	scheme := strings.ToLower(u.Scheme)
	if port == "" && (scheme == "ws" || scheme == "wss") {
		port = map[string]string{"ws": "80", "wss": "443"}[scheme]
	}
	if port == "" {
		n, err := LookupPort(scheme)
		if err != nil {
			return e
		}
		port = strconv.Itoa(n)
	}
	tls := ""
	switch scheme {
	case "https", "wss", "ftps", "imaps", "pop3s", "smtps", "ldaps", "ircs":
		tls = "--tls "
	}
	e.Hints = []string{"rawtalk takes a host and a port: rawtalk " + tls + host + " " + port}
	if scheme == "http" || scheme == "https" {
		path := u.EscapedPath()
		if path == "" {
			path = "/"
		}
		if u.RawQuery != "" {
			path += "?" + u.RawQuery
		}
		e.Hints = append(e.Hints, "then type: GET "+path+" HTTP/1.1, Host: "+u.Host+", and an empty line")
	}
	return e
}
