package scan

import (
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/winetest"
)

// udpServer binds a UDP port on 127.0.0.1; with reply set it answers every
// datagram with reply, else it reads and stays silent.
func udpServer(t *testing.T, reply string) uint16 {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			_, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if reply != "" {
				pc.WriteTo([]byte(reply), from)
			}
		}
	}()
	return uint16(pc.LocalAddr().(*net.UDPAddr).Port)
}

func closedUDPPort(t *testing.T) uint16 {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	pc.Close()
	return uint16(port)
}

// TestScanUDP: an answer is open, an ICMP port unreachable is closed, and
// silence is open|filtered, never open.
func TestScanUDP(t *testing.T) {
	winetest.Skip(t, winetest.NoUDP)
	answers := udpServer(t, "pong\r\n")
	quiet := udpServer(t, "")
	closed := closedUDPPort(t)
	got, sum := scanString(t, []netip.Addr{loopback}, sorted(answers, quiet, closed), Options{
		Network: "udp", ShowAll: true, Banner: true, Timeout: 300 * time.Millisecond,
	})
	want := lines(map[uint16]string{
		answers: fmt.Sprintf("127.0.0.1 %d/udp open unknown  pong\n", answers),
		quiet:   fmt.Sprintf("127.0.0.1 %d/udp open|filtered unknown\n", quiet),
		closed:  fmt.Sprintf("127.0.0.1 %d/udp closed unknown\n", closed),
	})
	if got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	if want := fmt.Sprintf("1 open, 1 closed, 1 open|filtered in %.2f s", sum.Elapsed.Seconds()); sum.String() != want {
		t.Errorf("summary %q, want %q", sum, want)
	}

	// Without -v only the ports that answered are listed.
	got, _ = scanString(t, []netip.Addr{loopback}, sorted(answers, quiet, closed), Options{Network: "udp", Timeout: 300 * time.Millisecond})
	if want := fmt.Sprintf("127.0.0.1 %d/udp open unknown\n", answers); got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}
