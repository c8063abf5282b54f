package dial

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

func TestListenAddrs(t *testing.T) {
	tests := []struct {
		addr    net.Addr
		network string
		want    []string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 12321}, "tcp", []string{"127.0.0.1 12321"}},
		{&net.TCPAddr{IP: net.IPv6zero, Port: 80}, "tcp", []string{"0.0.0.0 80", ":: 80"}},
		{&net.TCPAddr{IP: net.IPv6zero, Port: 80}, "tcp6", []string{":: 80"}},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 80}, "tcp4", []string{"0.0.0.0 80"}},
		{&net.UDPAddr{IP: net.IPv6loopback, Port: 53}, "udp", []string{"::1 53"}},
		{&net.UnixAddr{Name: "/tmp/s", Net: "unix"}, "unix", []string{"/tmp/s"}},
	}
	for _, tt := range tests {
		got := ListenAddrs(tt.addr, tt.network)
		if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) || (len(got) > 1 && got[1] != tt.want[1]) {
			t.Errorf("ListenAddrs(%v, %s) = %q, want %q", tt.addr, tt.network, got, tt.want)
		}
	}
}

func TestPeerWordsUnmapsIPv4(t *testing.T) {
	a := &net.TCPAddr{IP: net.ParseIP("::ffff:127.0.0.1"), Port: 54022}
	if got := PeerWords(a); got != "127.0.0.1 54022" {
		t.Errorf("PeerWords = %q", got)
	}
	if got := PeerWords(&net.TCPAddr{IP: net.IPv6loopback, Port: 1}); got != "::1 1" {
		t.Errorf("PeerWords = %q", got)
	}
}

func itoa(n int) string { return (&net.TCPAddr{Port: n}).String()[1:] }

func TestListenInUse(t *testing.T) {
	busy := listenLoopback(t)
	port := busy.Addr().(*net.TCPAddr).Port
	_, err := ListenConfig{Network: "tcp4", Host: "127.0.0.1", Port: port}.Listen(context.Background())
	var le *ListenError
	if !errors.As(err, &le) || !le.InUse() || !IsErrno(err, syscall.EADDRINUSE) {
		t.Fatalf("err = %v, want an in-use ListenError", err)
	}
	want := "cannot listen on 127.0.0.1 port " + itoa(port) + " (tcp): Address already in use"
	if err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

// Without keep, the listener closes once a client is accepted, so that a
// second client is refused, as with nc -l.
func TestServeOneClientThenRefuse(t *testing.T) {
	ln, err := ListenConfig{Network: "tcp4", Host: "127.0.0.1"}.Listen(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	handled := make(chan struct{})
	go Serve(context.Background(), ln, false, func(c net.Conn) error {
		defer c.Close()
		<-handled
		return nil
	})
	c1, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	// The first client is being handled; wait for the listener to close,
	// which a refused dial shows.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c2, err := net.Dial("tcp4", addr)
		if err != nil {
			// Refused, or reset if it caught the listener closing.
			if !IsErrno(err, syscall.ECONNREFUSED) && !IsErrno(err, syscall.ECONNRESET) {
				t.Fatalf("second dial: %v, want refused", err)
			}
			break
		}
		c2.Close()
		if time.Now().After(deadline) {
			t.Fatal("the listener stayed open after the first client")
		}
	}
	close(handled)
}

// With keep, clients are served one after another, and the loop stops at
// the first error from a session.
func TestServeKeepOneAtATime(t *testing.T) {
	ln, err := ListenConfig{Network: "tcp4", Host: "127.0.0.1"}.Listen(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	stop := errors.New("stop")
	served := 0
	done := make(chan error, 1)
	go func() {
		done <- Serve(context.Background(), ln, true, func(c net.Conn) error {
			defer c.Close()
			served++
			buf := make([]byte, 1)
			c.Read(buf)
			if buf[0] == 'q' {
				return stop
			}
			c.Write([]byte{'0' + byte(served)})
			return nil
		})
	}()
	for i, msg := range []string{"a", "b", "q"} {
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte(msg))
		if msg != "q" {
			buf := make([]byte, 1)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := c.Read(buf); err != nil || buf[0] != '1'+byte(i) {
				t.Fatalf("client %d got %q, %v", i, buf, err)
			}
		}
		c.Close()
	}
	select {
	case err := <-done:
		if err != stop {
			t.Fatalf("Serve returned %v, want the session's error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not stop")
	}
}

func TestServeEndsWithContext(t *testing.T) {
	ln := listenLoopback(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, true, func(net.Conn) error { return nil }) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}
