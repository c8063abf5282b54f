package dial

import (
	"net"
	"net/netip"
	"testing"
)

// TestAccessList: --allow lets in only what it lists, --deny keeps out
// what it lists and wins over --allow; IPv4 peers of a dual-stack socket
// (::ffff:127.0.0.1) count as IPv4.
func TestAccessList(t *testing.T) {
	parse := func(flag string, v ...string) []netip.Prefix {
		t.Helper()
		p, err := ParseAddrList(flag, v)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tcp := func(ip string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: 5555} }
	for _, c := range []struct {
		allow, deny []string
		peer        string
		want        string
	}{
		{nil, nil, "127.0.0.1", ""},
		{[]string{"127.0.0.1"}, nil, "127.0.0.1", ""},
		{[]string{"127.0.0.1"}, nil, "::ffff:127.0.0.1", ""},
		{[]string{"10.0.0.0/8,192.168.1.1"}, nil, "127.0.0.1", "not in --allow"},
		{[]string{"10.0.0.0/8", "127.0.0.0/8"}, nil, "127.0.0.2", ""},
		{[]string{"127.0.0.0/8"}, []string{"127.0.0.1"}, "127.0.0.1", "in --deny"},
		{nil, []string{"::1"}, "::1", "in --deny"},
		{nil, []string{"::/0"}, "127.0.0.1", ""},
		{[]string{"[::1]"}, nil, "::1", ""},
		{[]string{"::ffff:127.0.0.1"}, nil, "127.0.0.1", ""},
	} {
		l := AccessList{Allow: parse("--allow", c.allow...), Deny: parse("--deny", c.deny...)}
		if got := l.Refusal(tcp(c.peer)); got != c.want {
			t.Errorf("allow %q deny %q: %s gets %q, want %q", c.allow, c.deny, c.peer, got, c.want)
		}
	}
	unixPeer := &net.UnixAddr{Name: "@", Net: "unix"}
	if got := (AccessList{Allow: parse("--allow", "10.0.0.1")}).Refusal(unixPeer); got != "" {
		t.Errorf("a unix peer gets %q, want it let in", got)
	}
}

func TestParseAddrListErrors(t *testing.T) {
	for _, bad := range []string{"10.0.0.300", "10.0.0.0/33", "example.com", "1.2.3.4/x", "fe80::1%"} {
		_, err := ParseAddrList("--allow", []string{bad})
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		if want := `invalid --allow address "` + bad + `": want an IP address or a CIDR range such as 192.168.0.0/24`; err.Error() != want {
			t.Errorf("%q: %v, want %s", bad, err, want)
		}
	}
}

// TestGuardedAccept: a refused peer is closed and reported, and Accept
// goes on to the next peer, which it returns.
func TestGuardedAccept(t *testing.T) {
	deny, _ := ParseAddrList("--deny", []string{"127.0.0.1"})
	denied, denyEnd := peerPipe("127.0.0.1")
	allowed, _ := peerPipe("::1")
	fake := &fakeListener{conns: []net.Conn{denied, allowed}}
	var reasons []string
	g := AccessList{Deny: deny}.Guard(fake, func(peer net.Addr, reason string) {
		reasons = append(reasons, PeerWords(peer)+" "+reason)
	})
	got, err := g.Accept()
	if err != nil || got != allowed {
		t.Fatalf("Accept = %v, %v; want the allowed peer", got, err)
	}
	if want := []string{"127.0.0.1 5555 in --deny"}; len(reasons) != 1 || reasons[0] != want[0] {
		t.Errorf("refusals %q, want %q", reasons, want)
	}
	if _, err := denyEnd.Read(make([]byte, 1)); err == nil {
		t.Error("the refused peer was not closed")
	}
}

// peerPipe is a connection whose peer has address ip, and the peer's end.
func peerPipe(ip string) (net.Conn, net.Conn) {
	a, b := net.Pipe()
	return &addrConn{Conn: a, remote: &net.TCPAddr{IP: net.ParseIP(ip), Port: 5555}}, b
}

type addrConn struct {
	net.Conn
	remote net.Addr
}

func (c *addrConn) RemoteAddr() net.Addr { return c.remote }

// fakeListener hands out conns, then fails.
type fakeListener struct {
	net.Listener
	conns []net.Conn
}

func (f *fakeListener) Accept() (net.Conn, error) {
	if len(f.conns) == 0 {
		return nil, net.ErrClosed
	}
	c := f.conns[0]
	f.conns = f.conns[1:]
	return c, nil
}
