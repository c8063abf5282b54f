package dial

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func TestParseProxy(t *testing.T) {
	tests := []struct {
		arg  string
		kind ProxyKind // for HOST:PORT
		want Proxy
		err  string
	}{
		{"127.0.0.1:1080", SOCKS5, Proxy{Kind: SOCKS5, Host: "127.0.0.1", Port: 1080, RemoteDNS: true}, ""},
		{"127.0.0.1", SOCKS5, Proxy{Kind: SOCKS5, Host: "127.0.0.1", Port: 1080, RemoteDNS: true}, ""},
		{"127.0.0.1", HTTPConnect, Proxy{Kind: HTTPConnect, Host: "127.0.0.1", Port: 3128, RemoteDNS: true}, ""},
		{"localhost:9050", SOCKS4, Proxy{Kind: SOCKS4, Host: "localhost", Port: 9050}, ""},
		{"[::1]:1080", SOCKS5, Proxy{Kind: SOCKS5, Host: "::1", Port: 1080, RemoteDNS: true}, ""},
		{"[::1]", SOCKS5, Proxy{Kind: SOCKS5, Host: "::1", Port: 1080, RemoteDNS: true}, ""},
		{"socks5://127.0.0.1:1080", 0, Proxy{Kind: SOCKS5, Host: "127.0.0.1", Port: 1080}, ""},
		{"socks5h://u:p%40ss@127.0.0.1:1", 0, Proxy{Kind: SOCKS5, Host: "127.0.0.1", Port: 1, User: "u", Password: "p@ss", RemoteDNS: true}, ""},
		{"socks4://127.0.0.1", 0, Proxy{Kind: SOCKS4, Host: "127.0.0.1", Port: 1080}, ""},
		{"socks4a://127.0.0.1:2", 0, Proxy{Kind: SOCKS4, Host: "127.0.0.1", Port: 2, RemoteDNS: true}, ""},
		{"http://a:b@[::1]:8080/", 0, Proxy{Kind: HTTPConnect, Host: "::1", Port: 8080, User: "a", Password: "b", RemoteDNS: true}, ""},
		{"ftp://127.0.0.1", 0, Proxy{}, `invalid proxy "ftp://127.0.0.1": unknown scheme "ftp"`},
		{"::1:1080", SOCKS5, Proxy{}, "an IPv6 address needs brackets"},
		{":1080", SOCKS5, Proxy{}, "empty host"},
		{"[::1", SOCKS5, Proxy{}, "expected [IPV6]:PORT"},
		{"h:0", SOCKS5, Proxy{}, `invalid port "0"`},
	}
	for _, tt := range tests {
		p, err := ParseProxy(tt.arg, tt.kind)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseProxy(%q) = %v, want error containing %q", tt.arg, err, tt.err)
			}
			continue
		}
		if err != nil || *p != tt.want {
			t.Errorf("ParseProxy(%q) = %+v, %v; want %+v", tt.arg, p, err, tt.want)
		}
	}
}

// step is one turn of a fake proxy: read this many bytes, then write.
type step struct {
	read  int
	write string
}

// fakeProxy accepts one connection, plays steps, closes, and hands back
// all it read.
func fakeProxy(t *testing.T, steps ...step) (port int, got <-chan string) {
	t.Helper()
	ln := listenLoopback(t)
	ch := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		var all []byte
		for _, s := range steps {
			buf := make([]byte, s.read)
			n, _ := io.ReadFull(c, buf)
			all = append(all, buf[:n]...)
			c.Write([]byte(s.write))
		}
		ch <- string(all)
	}()
	return ln.Addr().(*net.TCPAddr).Port, ch
}

// dialThrough dials 127.0.0.1:80 (never reached: the fake proxy answers
// for it) through a proxy of the given kind on port.
func dialThrough(t *testing.T, p Proxy, host string) (net.Conn, error) {
	t.Helper()
	p.Host = "127.0.0.1"
	d := &Dialer{Family: "tcp4", Timeout: 5 * time.Second, Proxy: &p}
	return d.Dial(context.Background(), Target{Host: host, Port: 80})
}

// A SOCKS5 reply whose bound address is a name is read whole: the
// target's first bytes, in the same segment, are the session's.
func TestSOCKS5ReplyIsReadWhole(t *testing.T) {
	req := "\x05\x01\x00" + "\x05\x01\x00\x03\x09localhost\x00\x50"
	port, got := fakeProxy(t,
		step{3, "\x05\x00"}, // no authentication
		step{len(req) - 3, "\x05\x00\x00\x03\x0dproxy.example\x00\x50" + // granted, bound to a name
			"220 hello\r\n"})
	conn, err := dialThrough(t, Proxy{Kind: SOCKS5, Port: port, RemoteDNS: true}, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if g := <-got; g != req {
		t.Errorf("proxy got %q, want %q", g, req)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 100)
	n, _ := conn.Read(buf)
	if string(buf[:n]) != "220 hello\r\n" {
		t.Errorf("session read %q, want the greeting", buf[:n])
	}
}

// The answer to CONNECT is read up to its blank line and no further.
func TestHTTPConnectLeavesTargetBytes(t *testing.T) {
	req := "CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\nProxy-Authorization: Basic dTpw\r\n\r\n"
	port, got := fakeProxy(t, step{len(req), "HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\nSSH-2.0-test\r\n"})
	conn, err := dialThrough(t, Proxy{Kind: HTTPConnect, Port: port, User: "u", Password: "p", RemoteDNS: true}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if g := <-got; g != req {
		t.Errorf("proxy got %q, want %q", g, req)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 100)
	n, _ := conn.Read(buf)
	if string(buf[:n]) != "SSH-2.0-test\r\n" {
		t.Errorf("session read %q, want the SSH greeting", buf[:n])
	}
}

func TestSOCKS4RequestBytes(t *testing.T) {
	req := "\x04\x01\x00\x50\x7f\x00\x00\x01bob\x00"
	port, got := fakeProxy(t, step{len(req), "\x00\x5a\x00\x00\x00\x00\x00\x00"})
	conn, err := dialThrough(t, Proxy{Kind: SOCKS4, Port: port, User: "bob"}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if g := <-got; g != req {
		t.Errorf("proxy got %q, want %q", g, req)
	}

	req = "\x04\x01\x00\x50\x00\x00\x00\x01\x00localhost\x00" // SOCKS4a
	port, got = fakeProxy(t, step{len(req), "\x00\x5b\x00\x00\x00\x00\x00\x00"})
	_, err = dialThrough(t, Proxy{Kind: SOCKS4, Port: port, RemoteDNS: true}, "localhost")
	if err == nil || err.Error() != "proxy refused the connection: request rejected or failed (SOCKS4 reply 91)" {
		t.Errorf("err = %v", err)
	}
	if g := <-got; g != req {
		t.Errorf("proxy got %q, want %q", g, req)
	}
}

func TestSOCKS5UnknownReplyAndTruncation(t *testing.T) {
	req := "\x05\x01\x00" + "\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x50"
	port, _ := fakeProxy(t, step{3, "\x05\x00"}, step{len(req) - 3, "\x05\x63\x00\x01"})
	_, err := dialThrough(t, Proxy{Kind: SOCKS5, Port: port}, "127.0.0.1")
	if err == nil || err.Error() != "proxy refused the connection: unknown reason (SOCKS5 reply 99)" {
		t.Errorf("err = %v", err)
	}
	port, _ = fakeProxy(t, step{3, "\x05\x00"}, step{len(req) - 3, "\x05\x00\x00\x01\x7f"}) // cut short
	_, err = dialThrough(t, Proxy{Kind: SOCKS5, Port: port}, "127.0.0.1")
	if err == nil || !strings.HasSuffix(err.Error(), "closed the connection during the SOCKS5 handshake") {
		t.Errorf("err = %v", err)
	}
}

// FuzzParseProxy: any -x/--proxy argument gives a proxy with a host and a
// port in range, or an ArgError; never a panic.
func FuzzParseProxy(f *testing.F) {
	for _, s := range []string{"127.0.0.1:1080", "[::1]", "socks5h://u:p@h:1", "http://h", "socks4a://[::1]:9/", "x://", "[", ":", "h:65535"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProxy(s, SOCKS5)
		if err != nil {
			var ae *ArgError
			if !errors.As(err, &ae) {
				t.Fatalf("ParseProxy(%q): %T %v, want an ArgError", s, err, err)
			}
			return
		}
		if p.Host == "" || p.Port < 1 || p.Port > 65535 {
			t.Fatalf("ParseProxy(%q) = %+v", s, p)
		}
	})
}

// --proxy-auth and a URL's credentials are checked before dialling, and
// the messages do not repeat the password.
func TestProxyAuthChecks(t *testing.T) {
	long := strings.Repeat("u", 256)
	tests := []struct {
		kind ProxyKind
		auth string
		user string
		pass string
		err  string
	}{
		{SOCKS5, "alice:s3cret", "alice", "s3cret", ""},
		{SOCKS5, "alice:pa:ss", "alice", "pa:ss", ""},
		{SOCKS4, "bob:", "bob", "", ""},
		{HTTPConnect, long + ":x", long, "x", ""}, // HTTP Basic has no limit
		{SOCKS5, "user", "", "", "--proxy-auth wants USER:PASS, with a colon between the user name and the password (USER: for none)"},
		{SOCKS4, "user", "", "", "--proxy-auth wants USER:PASS, with a colon between the user name and the password (USER: for none)"},
		{SOCKS5, ":s3cret", "", "", "--proxy-auth has an empty user name; it wants USER:PASS"},
		{SOCKS5, long + ":s3cret", "", "", "the proxy user name is 256 bytes; SOCKS5 carries at most 255"},
		{SOCKS5, "alice:" + long, "", "", "the proxy password is 256 bytes; SOCKS5 carries at most 255"},
	}
	for _, tt := range tests {
		p := &Proxy{Kind: tt.kind}
		err := p.SetAuth(tt.auth)
		if tt.err != "" {
			var ae *ArgError
			if !errors.As(err, &ae) || err.Error() != tt.err {
				t.Errorf("%v SetAuth(%.20q) = %v, want ArgError %q", tt.kind, tt.auth, err, tt.err)
			}
			continue
		}
		if err != nil || p.User != tt.user || p.Password != tt.pass {
			t.Errorf("%v SetAuth(%.20q) = %v; user %.20q pass %q", tt.kind, tt.auth, err, p.User, p.Password)
		}
	}
	for _, u := range []string{"socks5://" + long + ":p@127.0.0.1", "socks5h://u:" + long + "@127.0.0.1", "socks4://a%00b@127.0.0.1"} {
		_, err := ParseProxy(u, SOCKS5)
		var ae *ArgError
		if !errors.As(err, &ae) || strings.Contains(err.Error(), "uuuu") {
			t.Errorf("ParseProxy(%.30q) = %v, want an ArgError without the credentials", u, err)
		}
	}
}
