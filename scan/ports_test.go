package scan

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rawtalk/rawtalk/session/dial"
)

func TestParsePorts(t *testing.T) {
	tests := []struct {
		args []string
		want []uint16
	}{
		{[]string{"22"}, []uint16{22}},
		{[]string{"20-25"}, []uint16{20, 21, 22, 23, 24, 25}},
		{[]string{"22,80,443,8000-8003"}, []uint16{22, 80, 443, 8000, 8001, 8002, 8003}},
		{[]string{"http,smtp"}, []uint16{25, 80}},
		{[]string{"ftp-data"}, []uint16{20}}, // a service name with a dash, not a range
		{[]string{"http-alt,1-1"}, []uint16{1, 8080}},
		{[]string{"20", "25"}, []uint16{20, 25}}, // nc's several port arguments
		{[]string{"443,80,80,22"}, []uint16{22, 80, 443}},
		{[]string{"5-7", "6-9"}, []uint16{5, 6, 7, 8, 9}},
		{[]string{"65535"}, []uint16{65535}},
		{[]string{"0080"}, []uint16{80}},
		{[]string{"65530-65535"}, []uint16{65530, 65531, 65532, 65533, 65534, 65535}},
	}
	for _, tt := range tests {
		got, err := ParsePorts(tt.args)
		if err != nil {
			t.Errorf("ParsePorts(%q): %v", tt.args, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ParsePorts(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}

func TestParsePortsAll(t *testing.T) {
	for _, args := range [][]string{{"-"}, {"1-65535"}, {"-", "22"}, {"1-100,50-65535"}} {
		got, err := ParsePorts(args)
		if err != nil {
			t.Fatalf("ParsePorts(%q): %v", args, err)
		}
		if len(got) != 65535 || got[0] != 1 || got[65534] != 65535 {
			t.Errorf("ParsePorts(%q): %d ports from %d to %d, want 1-65535", args, len(got), got[0], got[len(got)-1])
		}
	}
}

func TestParsePortsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // the whole message
	}{
		{nil, "missing ports; give a port list such as 22,80,443 or 1-1024"},
		{[]string{""}, `invalid port list "": empty`},
		{[]string{"22,,80"}, `invalid port list "22,,80": empty item; separate ports with single commas`},
		{[]string{"22,"}, `invalid port list "22,": empty item; separate ports with single commas`},
		{[]string{"80-"}, `invalid port range "80-": missing the last port; write FROM-TO, or - for all ports`},
		{[]string{"-80"}, `invalid port range "-80": missing the first port; write FROM-TO, or - for all ports`},
		{[]string{"90-80"}, `invalid port range "90-80": the first port is above the last`},
		{[]string{"0"}, `invalid port "0": out of range 1-65535`},
		{[]string{"65536"}, `invalid port "65536": out of range 1-65535`},
		{[]string{"0-10"}, `invalid port range "0-10": out of range 1-65535`},
		{[]string{"1-65536"}, `invalid port range "1-65536": out of range 1-65535`},
		{[]string{"1-99999999999999999999"}, `invalid port range "1-99999999999999999999": out of range 1-65535`},
		{[]string{"a-b"}, `invalid port "a-b": not a range of two numbers (FROM-TO) or a known service name`},
		{[]string{"1-b"}, `invalid port range "1-b": FROM and TO must be numbers`},
		{[]string{"1-2-3"}, `invalid port range "1-2-3": FROM and TO must be numbers`},
		{[]string{"nosuchservice"}, `invalid port "nosuchservice": unknown service name`},
		{[]string{"22", "http,bogus!"}, `invalid port "bogus!": not a number or a service name`},
		{[]string{"22 80"}, `invalid port "22 80": not a number or a service name`},
	}
	for _, tt := range tests {
		_, err := ParsePorts(tt.args)
		if err == nil {
			t.Errorf("ParsePorts(%q): no error, want %q", tt.args, tt.want)
			continue
		}
		var arg *dial.ArgError
		if !errors.As(err, &arg) {
			t.Errorf("ParsePorts(%q): %T, want *dial.ArgError (a usage error)", tt.args, err)
		}
		if err.Error() != tt.want {
			t.Errorf("ParsePorts(%q):\n got %q\nwant %q", tt.args, err, tt.want)
		}
	}
}

// FuzzParsePorts checks that any argument either fails with a usage error
// or gives sorted, distinct ports 1-65535 that its numbers agree with.
// Its seed corpus is in testdata/fuzz/FuzzParsePorts.
func FuzzParsePorts(f *testing.F) {
	f.Fuzz(func(t *testing.T, arg string) {
		ports, err := ParsePorts([]string{arg})
		if err != nil {
			var a *dial.ArgError
			if !errors.As(err, &a) {
				t.Fatalf("ParsePorts(%q): %T %v, want *dial.ArgError", arg, err, err)
			}
			if strings.ContainsRune(err.Error(), '\n') {
				t.Fatalf("ParsePorts(%q): message spans lines: %q", arg, err)
			}
			return
		}
		if len(ports) == 0 {
			t.Fatalf("ParsePorts(%q): no ports and no error", arg)
		}
		for i, p := range ports {
			if p == 0 {
				t.Fatalf("ParsePorts(%q): port 0", arg)
			}
			if i > 0 && ports[i-1] >= p {
				t.Fatalf("ParsePorts(%q): not sorted and distinct at %d: %v", arg, i, ports[i-1:i+1])
			}
		}
		// A plain number in the list must be among the ports.
		for item := range strings.SplitSeq(arg, ",") {
			if n, ok := portNumber(item); ok && isDigits(item) {
				if _, found := slices.BinarySearch(ports, uint16(n)); !found {
					t.Fatalf("ParsePorts(%q): %d missing from %v", arg, n, ports)
				}
			}
		}
	})
}
