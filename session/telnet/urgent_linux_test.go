package telnet

import (
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
)

// TestConnSynchIsUrgent checks that `send synch` marks its DM as TCP urgent
// data: a server reading without SO_OOBINLINE gets the IAC in line and the
// DM out of band, as BSD telnet's synch arrives.
func TestConnSynchIsUrgent(t *testing.T) {
	addr, serverDone := serveOnce(t, func(c net.Conn) error {
		s := script{t, c}
		if err := s.expect(b("ab", IAC)); err != nil {
			return err
		}
		rc, err := c.(*net.TCPConn).SyscallConn()
		if err != nil {
			return err
		}
		oob := make([]byte, 1)
		var n int
		var recvErr error
		err = rc.Read(func(fd uintptr) bool {
			n, _, _, _, recvErr = syscall.Recvmsg(int(fd), oob, nil, syscall.MSG_OOB)
			return recvErr != syscall.EAGAIN
		})
		if err != nil || recvErr != nil || n != 1 || oob[0] != DM {
			return fmt.Errorf("server: urgent byte % x, %v, %v; want DM", oob[:n], err, recvErr)
		}
		return s.expect(b("c"))
	})
	raw, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn := NewConn(raw, Config{})
	defer conn.Close()
	if _, err := conn.Write([]byte("ab")); err != nil {
		t.Fatal(err)
	}
	if err := conn.Send("synch"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte("c")); err != nil {
		t.Fatal(err)
	}
	if err := <-serverDone; err != nil {
		t.Fatal(err)
	}
}

// TestConnReadsUrgentDataInline: telnetd sends its synch as IAC DM with
// the IAC as TCP urgent data (its "off by one"). The kernel must leave the
// IAC in the stream, or the DM shows up as a stray 0xF2 in the data.
func TestConnReadsUrgentDataInline(t *testing.T) {
	addr, serverDone := serveOnce(t, func(c net.Conn) error {
		if _, err := c.Write([]byte("a")); err != nil {
			return err
		}
		if err := writeUrgent(c, b(IAC)); err != nil { // the IAC alone, urgent, as telnetd sends it
			return err
		}
		_, err := c.Write(b(DM, "b"))
		return err
	})
	raw, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn := NewConn(raw, Config{})
	defer conn.Close()
	if err := <-serverDone; err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn)
	if err != nil || string(got) != "ab" {
		t.Fatalf("read %q, %v; want \"ab\"", got, err)
	}
}
