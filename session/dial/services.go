package dial

import (
	"net"
	"strconv"
	"strings"
)

// wellKnown maps the service names people type to their TCP ports. It is
// built in so that `rawtalk host imap` and the scanner's service column work
// the same on a machine without /etc/services; names missing here fall back
// to the system's services database.
var wellKnown = []struct {
	name string
	port int
}{
	{"echo", 7}, {"discard", 9}, {"daytime", 13}, {"qotd", 17}, {"chargen", 19},
	{"ftp-data", 20}, {"ftp", 21}, {"ssh", 22}, {"telnet", 23}, {"smtp", 25},
	{"time", 37}, {"whois", 43}, {"domain", 53}, {"gopher", 70}, {"finger", 79},
	{"http", 80}, {"kerberos", 88}, {"pop3", 110}, {"sunrpc", 111}, {"ident", 113},
	{"nntp", 119}, {"ntp", 123}, {"epmap", 135}, {"netbios-ssn", 139}, {"imap", 143},
	{"imap2", 143}, {"snmp", 161}, {"irc", 194}, {"ldap", 389}, {"https", 443},
	{"microsoft-ds", 445}, {"submissions", 465}, {"smtps", 465}, {"syslog", 514},
	{"printer", 515}, {"submission", 587}, {"ipp", 631}, {"ldaps", 636},
	{"rsync", 873}, {"ftps", 990}, {"imaps", 993}, {"pop3s", 995}, {"socks", 1080},
	{"openvpn", 1194}, {"ms-sql-s", 1433}, {"mqtt", 1883}, {"nfs", 2049},
	{"mysql", 3306}, {"rdp", 3389}, {"svn", 3690}, {"sip", 5060}, {"xmpp-client", 5222},
	{"postgresql", 5432}, {"postgres", 5432}, {"amqp", 5672}, {"vnc", 5900},
	{"x11", 6000}, {"redis", 6379}, {"ircd", 6667}, {"http-alt", 8080},
	{"memcached", 11211}, {"mongodb", 27017},
}

// LookupPort turns a port argument into a number: a decimal port 1-65535 or
// a service name. It never touches the network.
func LookupPort(arg string) (int, error) {
	if arg == "" {
		return 0, &ArgError{Arg: arg, What: "port", Reason: "empty"}
	}
	if isDigits(strings.TrimPrefix(arg, "-")) {
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 || n > 65535 {
			return 0, &ArgError{Arg: arg, What: "port", Reason: "out of range 1-65535"}
		}
		return n, nil
	}
	for _, s := range wellKnown {
		if s.name == arg {
			return s.port, nil
		}
	}
	if !isServiceName(arg) {
		return 0, &ArgError{Arg: arg, What: "port", Reason: "not a number or a service name"}
	}
	if n, err := net.LookupPort("tcp", arg); err == nil && n > 0 {
		return n, nil
	}
	return 0, &ArgError{Arg: arg, What: "port", Reason: "unknown service name"}
}

// ServiceNames are the service names LookupPort knows without the system's
// services database, in port order, for the shell completion of PORT.
func ServiceNames() []string {
	names := make([]string, len(wellKnown))
	for i, s := range wellKnown {
		names[i] = s.name
	}
	return names
}

// ServiceName is the name of a TCP port's usual service, or "" when it has
// none worth showing.
func ServiceName(port int) string {
	for _, s := range wellKnown {
		if s.port == port {
			return s.name
		}
	}
	return ""
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isServiceName accepts what /etc/services calls a name: a letter, then
// letters, digits and dashes.
func isServiceName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}
