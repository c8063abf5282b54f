package cli

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
)

func TestIdleDurationSet(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},
		{"0.5", 500 * time.Millisecond, true},
		{"500ms", 500 * time.Millisecond, true},
		{"3s", 3 * time.Second, true},
		{"1.5m", 90 * time.Second, true},
		{"1h", time.Hour, true},
		{"0", 0, false},
		{"-1", 0, false},
		{"x", 0, false},
		{"5d", 0, false},
		{"ms", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
	}
	for _, tt := range tests {
		var d idleDuration
		err := d.Set(tt.in)
		if (err == nil) != tt.ok || (tt.ok && time.Duration(d) != tt.want) {
			t.Errorf("Set(%q) = %v, %v; want %v, ok %v", tt.in, time.Duration(d), err, tt.want, tt.ok)
		}
	}
}

func TestListenConfigArgs(t *testing.T) {
	tests := []struct {
		flags   netcatOptions
		ipv6    bool
		args    []string
		network string
		host    string
		port    int
		err     string
	}{
		{args: []string{"12321"}, network: "tcp", port: 12321},
		{args: []string{"0"}, network: "tcp", port: 0},
		{args: []string{"http"}, network: "tcp", port: 80},
		{args: []string{"127.0.0.1", "0"}, network: "tcp", host: "127.0.0.1"},
		{args: []string{"127.0.0.1:7"}, network: "tcp", host: "127.0.0.1", port: 7},
		{args: []string{"[::1]:7"}, network: "tcp", host: "::1", port: 7},
		{args: []string{":7"}, network: "tcp", port: 7},
		{args: []string{"[::1]", "7"}, network: "tcp", host: "::1", port: 7},
		{flags: netcatOptions{sourcePort: "9"}, network: "tcp", port: 9},
		{flags: netcatOptions{sourcePort: "9"}, args: []string{"::1"}, network: "tcp", host: "::1", port: 9},
		{flags: netcatOptions{sourcePort: "9", source: "::1"}, network: "tcp", host: "::1", port: 9},
		{flags: netcatOptions{udp: true}, ipv6: true, args: []string{"9"}, network: "udp6", port: 9},
		{args: nil, err: "-l needs a port"},
		{args: []string{"::1:7"}, err: "needs brackets"},
		{args: []string{"65536"}, err: "out of range"},
		{flags: netcatOptions{sourcePort: "9"}, args: []string{"h", "9"}, err: "given twice"},
		{flags: netcatOptions{source: "127.0.0.1"}, args: []string{"::1", "9"}, err: "two addresses"},
	}
	for _, tt := range tests {
		o := &options{netcatOptions: tt.flags, ipv6: tt.ipv6}
		cfg, err := listenConfig(o, tt.args)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%+v %q: err %v, want %q", tt.flags, tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || cfg.Network != tt.network || cfg.Host != tt.host || cfg.Port != tt.port {
			t.Errorf("%+v %q: %s %q %d, %v; want %s %q %d", tt.flags, tt.args, cfg.Network, cfg.Host, cfg.Port, err, tt.network, tt.host, tt.port)
		}
	}
}

// Failures the scripts cannot cause without an address other than
// loopback: the hints still say what to do.
func TestNetcatHints(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&dial.ListenError{Addr: "192.0.2.1", Port: 80, Network: "tcp", Err: syscall.EADDRNOTAVAIL},
			"rawtalk: cannot listen on 192.0.2.1 port 80 (tcp): Cannot assign requested address\n" +
				"rawtalk: hint: 192.0.2.1 is not an address of this machine\n"},
		{&dial.SourceError{IP: []byte{192, 0, 2, 1}, Err: syscall.EADDRNOTAVAIL},
			"rawtalk: cannot send from source address 192.0.2.1: Cannot assign requested address\n" +
				"rawtalk: hint: -s must be an address of this machine (see: ip address)\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		code := exitCode(tt.err, &console{w: &b})
		if code != 1 || b.String() != tt.want {
			t.Errorf("exitCode(%v) = %d, %q; want 1, %q", tt.err, code, b.String(), tt.want)
		}
	}
}
