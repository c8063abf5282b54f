package dial

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/winetest"
)

// fakeDNS is a DNS server on 127.0.0.1 that answers every question with
// rcode, or never when rcode is negative; it returns a resolver that asks
// only it, and its address.
func fakeDNS(t *testing.T, rcode int) (*net.Resolver, string) {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if rcode < 0 || n < 12 {
				continue
			}
			reply := append([]byte(nil), buf[:n]...)
			binary.BigEndian.PutUint16(reply[2:], 0x8180|uint16(rcode))
			pc.WriteTo(reply, from)
		}
	}()
	addr := pc.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}, addr
}

func TestResolveFailuresToldApart(t *testing.T) {
	winetest.Skip(t, "its DNS server on 127.0.0.1 speaks UDP: "+winetest.NoUDP)
	for _, tt := range []struct {
		rcode int
		kind  LookupFailure
		words string
	}{
		{3, NoSuchHost, "unknown host www.test"},
		{2, ServerFailed, "cannot look up www.test: the DNS server ADDR failed to answer (SERVFAIL)"},
		{5, ServerRefused, "cannot look up www.test: the DNS server ADDR refused to answer"},
	} {
		r, addr := fakeDNS(t, tt.rcode)
		d := Dialer{Resolver: r, DNSServer: addr}
		_, err := d.Resolve(context.Background(), "www.test")
		var he *HostError
		if !errors.As(err, &he) || he.Kind != tt.kind {
			t.Errorf("rcode %d: error %v (%#v), want kind %d", tt.rcode, err, err, tt.kind)
			continue
		}
		if want := strings.Replace(tt.words, "ADDR", addr, 1); err.Error() != want {
			t.Errorf("rcode %d: %q, want %q", tt.rcode, err, want)
		}
	}
}

// A DNS server that never answers costs -w, not Go's 5 s times two tries.
func TestResolveBoundedByTimeout(t *testing.T) {
	winetest.Skip(t, "its DNS server on 127.0.0.1 speaks UDP: "+winetest.NoUDP)
	r, addr := fakeDNS(t, -1)
	d := Dialer{Resolver: r, DNSServer: addr, Timeout: 300 * time.Millisecond}
	start := time.Now()
	_, err := d.Resolve(context.Background(), "www.test")
	elapsed := time.Since(start)
	var he *HostError
	if !errors.As(err, &he) || he.Kind != LookupTimedOut {
		t.Fatalf("error %v, want a timed-out look-up", err)
	}
	if want := "cannot look up www.test: no answer from the DNS server " + addr + " within 0.3 s"; err.Error() != want {
		t.Errorf("%q, want %q", err, want)
	}
	if elapsed > 3*time.Second {
		t.Errorf("the look-up took %v; -w asked for 300ms", elapsed)
	}
}

func TestSplitZone(t *testing.T) {
	for _, tt := range []struct{ in, addr, zone string }{
		{"fe80::1%eth0", "fe80::1", "eth0"},
		{"::1%lo", "::1", "lo"},
		{"fe80::1", "fe80::1", ""},
		{"example.com", "example.com", ""},
		{"a%b", "a%b", ""}, // not an IPv6 literal: no zone
	} {
		addr, zone := SplitZone(tt.in)
		if addr != tt.addr || zone != tt.zone {
			t.Errorf("SplitZone(%q) = %q, %q; want %q, %q", tt.in, addr, zone, tt.addr, tt.zone)
		}
	}
}

// The zone stays with the address: on ::1%lo the dial is refused by the
// kernel (nothing listens), not rejected as an invalid address, and the
// error names the address as typed. A zone that names no interface is
// refused before any dial.
func TestDialKeepsZone(t *testing.T) {
	lo := loopbackInterface(t)
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 on loopback")
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // a port where nothing listens now

	var tried []string
	d := Dialer{OnTry: func(a net.IPAddr) { tried = append(tried, a.String()) }}
	_, err = d.Dial(context.Background(), Target{Host: "::1%" + lo, Port: port})
	var ce *ConnectError
	if !errors.As(err, &ce) || !ce.Refused() {
		t.Fatalf("error %v, want connection refused", err)
	}
	if ce.Addr() != "::1%"+lo || len(tried) != 1 || tried[0] != "::1%"+lo {
		t.Errorf("address %q, tried %q; want the zone kept: ::1%%%s", ce.Addr(), tried, lo)
	}

	_, err = d.Dial(context.Background(), Target{Host: "::1%nosuch0", Port: port})
	var he *HostError
	if !errors.As(err, &he) || he.Kind != NoSuchInterface {
		t.Errorf("error %v, want no such interface", err)
	}
}

// loopbackInterface is the name of the loopback interface.
func loopbackInterface(t *testing.T) string {
	ifaces, err := net.Interfaces()
	if err != nil {
		t.Skip(err)
	}
	for _, i := range ifaces {
		if i.Flags&net.FlagLoopback != 0 {
			return i.Name
		}
	}
	t.Skip("no loopback interface")
	return ""
}
