package dial

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/winetest"
)

func listenUDP(t *testing.T) *net.UDPConn {
	t.Helper()
	pc, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc
}

// closedUDPPort is a port nobody listens on (it was bound a moment ago).
func closedUDPPort(t *testing.T) int {
	pc, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	pc.Close()
	return port
}

// The kernel reports an ICMP port unreachable to one call only. When a
// write takes it, a reader blocked on the socket must still learn of it,
// or a session would wait forever for a peer that is not there.
func TestUDPRefusedWriteWakesReader(t *testing.T) {
	winetest.Skip(t, winetest.NoUDP)
	port := closedUDPPort(t)
	d := &Dialer{Family: "udp4"}
	conn, err := d.Dial(context.Background(), Target{Host: "127.0.0.1", Port: port})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Write until a write, not a read, is told of the refusal.
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := conn.Write([]byte("x"))
		if err != nil {
			var ce *ConnectError
			if !errors.As(err, &ce) || ce.Network != "udp" || ce.Port != port || !ce.Refused() {
				t.Fatalf("write error %v, want a udp ConnectError for port %d", err, port)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no write saw the refusal")
		}
	}
	read := make(chan error, 1)
	go func() {
		_, err := conn.Read(make([]byte, 10))
		read <- err
	}()
	select {
	case err := <-read:
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("read error %v, want connection refused", err)
		}
		want := fmt.Sprintf("connect to 127.0.0.1 port %d (udp) failed: Connection refused", port)
		if err.Error() != want {
			t.Errorf("read error %q, want %q", err, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the reader was not told of the refusal")
	}
}

// -u -l talks to the first peer only: a datagram another peer sent before
// the first one was accepted is dropped, not delivered.
func TestAcceptUDPKeepsToFirstPeer(t *testing.T) {
	winetest.Skip(t, winetest.NoUDP)
	pc := listenUDP(t)
	a, err := net.DialUDP("udp4", nil, pc.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := net.DialUDP("udp4", nil, pc.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a.Write([]byte("a1"))
	b.Write([]byte("b1"))
	var peers []net.Addr
	conn, err := AcceptUDP(context.Background(), pc, false, func(p net.Addr) { peers = append(peers, p) })
	if err != nil {
		t.Fatal(err)
	}
	a.Write([]byte("a2"))
	buf := make([]byte, 10)
	for _, want := range []string{"a1", "a2"} {
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := conn.Read(buf)
		if err != nil || string(buf[:n]) != want {
			t.Fatalf("read %q, %v; want %q", buf[:n], err, want)
		}
	}
	if len(peers) != 1 || peers[0].String() != a.LocalAddr().String() {
		t.Errorf("peers %v, want only %v", peers, a.LocalAddr())
	}
	if conn.RemoteAddr().String() != a.LocalAddr().String() {
		t.Errorf("RemoteAddr %v, want %v", conn.RemoteAddr(), a.LocalAddr())
	}
	// Writes go to the peer.
	conn.Write([]byte("to a"))
	a.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := a.Read(buf)
	if err != nil || string(buf[:n]) != "to a" {
		t.Fatalf("peer read %q, %v", buf[:n], err)
	}
}

// With -k every peer is heard, and answers go to the one heard from last.
func TestAcceptUDPMultiAnswersLastPeer(t *testing.T) {
	winetest.Skip(t, winetest.NoUDP)
	pc := listenUDP(t)
	a, _ := net.DialUDP("udp4", nil, pc.LocalAddr().(*net.UDPAddr))
	defer a.Close()
	b, _ := net.DialUDP("udp4", nil, pc.LocalAddr().(*net.UDPAddr))
	defer b.Close()
	a.Write([]byte("a1"))
	var peers []string
	conn, err := AcceptUDP(context.Background(), pc, true, func(p net.Addr) { peers = append(peers, p.String()) })
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	conn.Read(buf)
	b.Write([]byte("b1"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := conn.Read(buf)
	if err != nil || string(buf[:n]) != "b1" {
		t.Fatalf("read %q, %v; want b1", buf[:n], err)
	}
	conn.Write([]byte("to b"))
	b.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err = b.Read(buf)
	if err != nil || string(buf[:n]) != "to b" {
		t.Fatalf("b read %q, %v", buf[:n], err)
	}
	if len(peers) != 2 {
		t.Errorf("peers %v, want a and b", peers)
	}
}

func TestAcceptUDPEndsWithContext(t *testing.T) {
	winetest.Skip(t, winetest.NoUDP)
	pc := listenUDP(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := AcceptUDP(ctx, pc, false, nil)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("AcceptUDP did not return")
	}
}

// A datagram bigger than io.Copy's 32 KiB buffer comes through whole, in
// one write.
func TestUDPLargeDatagramWhole(t *testing.T) {
	winetest.Skip(t, winetest.NoUDP)
	pc := listenUDP(t)
	d := &Dialer{Family: "udp4"}
	conn, err := d.Dial(context.Background(), Target{Host: "127.0.0.1", Port: pc.LocalAddr().(*net.UDPAddr).Port})
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 60000)
	for i := range big {
		big[i] = byte(i)
	}
	if _, err := pc.WriteTo(big, conn.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	w := writes(make(chan []byte, 1))
	go io.Copy(w, conn)
	select {
	case got := <-w:
		if !bytes.Equal(got, big) {
			t.Errorf("first write has %d bytes, want the whole %d-byte datagram", len(got), len(big))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing copied")
	}
	conn.Close()
}

// writes hands each Write's bytes to a channel.
type writes chan []byte

func (w writes) Write(p []byte) (int, error) {
	w <- bytes.Clone(p)
	return len(p), nil
}
