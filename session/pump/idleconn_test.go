package pump

import (
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/winetest"
)

// abilities are the optional interfaces code asks a connection about.
func abilities(c net.Conn) (halfClose, socket bool) {
	_, halfClose = c.(interface{ CloseWrite() error })
	_, socket = c.(syscall.Conn)
	return halfClose, socket
}

// TestIdleConnKeepsTheAbilitiesOfTheConnUnderIt: -i must not hide the
// socket (telnet's urgent data needs SyscallConn) nor Ctrl-D's half-close,
// and must not offer what the conn under it lacks.
func TestIdleConnKeepsTheAbilitiesOfTheConnUnderIt(t *testing.T) {
	client, _ := connectedPair(t, listenLoopback(t))
	piped, other := net.Pipe() // neither
	defer piped.Close()
	defer other.Close()
	check := func(inner net.Conn) {
		t.Helper()
		wrapped := WithIdleTimeout(inner, time.Hour)
		defer wrapped.Close()
		wantHalf, wantSocket := abilities(inner)
		gotHalf, gotSocket := abilities(wrapped)
		if gotHalf != wantHalf || gotSocket != wantSocket {
			t.Errorf("%T: wrapped has CloseWrite %v, SyscallConn %v; inner has %v, %v", inner, gotHalf, gotSocket, wantHalf, wantSocket)
		}
	}
	check(client)
	check(piped)

	winetest.Skip(t, "its connected-UDP case: "+winetest.NoUDP)
	udp, err := net.Dial("udp4", "127.0.0.1:9") // connected UDP: a socket, no half-close
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	check(udp)
}

// TestIdleConnLendsTheSameSocketAndHalfCloses: the lent socket is the
// inner one, and CloseWrite reaches the peer as EOF.
func TestIdleConnLendsTheSameSocketAndHalfCloses(t *testing.T) {
	client, server := connectedPair(t, listenLoopback(t))
	wrapped := WithIdleTimeout(client, time.Hour)
	defer wrapped.Close()

	fdOf := func(c net.Conn) uintptr {
		sc, ok := c.(syscall.Conn)
		if !ok {
			t.Fatalf("%T does not lend its socket", c)
		}
		raw, err := sc.SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var fd uintptr
		if err := raw.Control(func(f uintptr) { fd = f }); err != nil {
			t.Fatal(err)
		}
		return fd
	}
	if got, want := fdOf(wrapped), fdOf(client); got != want {
		t.Errorf("lent socket fd %d, want the inner conn's %d", got, want)
	}

	if _, err := wrapped.Write([]byte("bye")); err != nil {
		t.Fatal(err)
	}
	if err := wrapped.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	server.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(server)
	if err != nil || string(got) != "bye" {
		t.Fatalf("peer read %q, %v; want \"bye\" then EOF", got, err)
	}
}

// TestIdleConnStillTimesOut: through Layer, a quiet conn is still closed
// and the waiting read says why.
func TestIdleConnStillTimesOut(t *testing.T) {
	client, _ := connectedPair(t, listenLoopback(t))
	wrapped := WithIdleTimeout(client, 50*time.Millisecond)
	defer wrapped.Close()
	_, err := wrapped.Read(make([]byte, 1))
	var idle *IdleError
	if !errors.As(err, &idle) || idle.After != 50*time.Millisecond {
		t.Fatalf("read returned %v, want an *IdleError after 50ms", err)
	}
}
