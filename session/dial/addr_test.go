package dial

import (
	"errors"
	"testing"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		args []string
		host string
		port int
		err  string
	}{
		{[]string{"example.com", "80"}, "example.com", 80, ""},
		{[]string{"example.com:http"}, "example.com", 80, ""},
		{[]string{"[::1]:8080"}, "::1", 8080, ""},
		{[]string{"::1", "8080"}, "::1", 8080, ""},
		{[]string{"[::1]", "25"}, "::1", 25, ""},
		{[]string{"localhost", "imap"}, "localhost", 143, ""},
		{[]string{"h", "redis"}, "h", 6379, ""},
		{nil, "", 0, "missing host and port"},
		{[]string{"h"}, "", 0, `invalid address "h": missing port; use HOST PORT or HOST:PORT`},
		{[]string{"::1"}, "", 0, `invalid address "::1": missing port; an IPv6 address needs brackets: [ADDR]:PORT, or HOST PORT`},
		{[]string{"h", "0"}, "", 0, `invalid port "0": out of range 1-65535`},
		{[]string{"h", "65536"}, "", 0, `invalid port "65536": out of range 1-65535`},
		{[]string{"h", "99999999999999999999"}, "", 0, `invalid port "99999999999999999999": out of range 1-65535`},
		{[]string{"h", "-1"}, "", 0, `invalid port "-1": out of range 1-65535`},
		{[]string{"h", "80x"}, "", 0, `invalid port "80x": not a number or a service name`},
		{[]string{"h", "nosuchservice"}, "", 0, `invalid port "nosuchservice": unknown service name`},
		{[]string{"h:"}, "", 0, `invalid port "": empty`},
		{[]string{":80"}, "", 0, `invalid host "": empty`},
		{[]string{"a b", "80"}, "", 0, `invalid host "a b": not a host name or an IP address`},
		{[]string{"h", "80", "x"}, "", 0, `invalid argument "x": too many arguments; expected HOST PORT`},
		{[]string{"[::1"}, "", 0, `invalid address "[::1": expected [IPV6]:PORT`},
		{[]string{"h:80", "90"}, "", 0, `the port is given twice: h:80 and 90`},
		{[]string{"[::1]:80", "90"}, "", 0, `the port is given twice: [::1]:80 and 90`},
		{[]string{"http://h:8080/x"}, "", 0, `invalid address "http://h:8080/x": a URL, not HOST PORT`},
		{[]string{"fe80::1%eth0", "80"}, "fe80::1%eth0", 80, ""},
		{[]string{"[fe80::1%eth0]:80"}, "fe80::1%eth0", 80, ""},
	}
	for _, tt := range tests {
		got, err := ParseTarget(tt.args)
		if tt.err != "" {
			var arg *ArgError
			if !errors.As(err, &arg) || err.Error() != tt.err {
				t.Errorf("ParseTarget(%q) error = %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || got.Host != tt.host || got.Port != tt.port {
			t.Errorf("ParseTarget(%q) = %+v, %v; want %s %d", tt.args, got, err, tt.host, tt.port)
		}
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"h:80", "[::1]:8080", "h", "::1", "[::1", ":", "h:http", "h:-1", "[]:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTarget([]string{s})
		if err != nil {
			var arg *ArgError
			if !errors.As(err, &arg) {
				t.Fatalf("ParseTarget(%q): error %v is not an ArgError", s, err)
			}
			return
		}
		if got.Port < 1 || got.Port > 65535 || got.Host == "" {
			t.Fatalf("ParseTarget(%q) = %+v", s, got)
		}
	})
}

// TestSplitHostPort: the one host:port parser behind targets, listeners,
// proxies and the scanner.
func TestSplitHostPort(t *testing.T) {
	tests := []struct {
		in, host, port string
		err            error
	}{
		{"example.com:80", "example.com", "80", nil},
		{"[::1]:80", "::1", "80", nil},
		{"host:", "host", "", nil},
		{":80", "", "80", nil},
		{"[::1]:", "::1", "", nil},
		{"host", "host", "", ErrNoPort},
		{"[::1]", "::1", "", ErrNoPort},
		{"::1:80", "", "", ErrNeedsBrackets},
		{"[::1", "", "", ErrBadBrackets},
		{"[::1]x", "", "", ErrBadBrackets},
		{"[::1]:80:90", "", "", ErrBadBrackets},
	}
	for _, tt := range tests {
		host, port, err := SplitHostPort(tt.in)
		if host != tt.host || port != tt.port || err != tt.err {
			t.Errorf("SplitHostPort(%q) = %q, %q, %v; want %q, %q, %v", tt.in, host, port, err, tt.host, tt.port, tt.err)
		}
	}
}
