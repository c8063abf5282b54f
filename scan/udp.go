package scan

import (
	"context"
	"net"
	"net/netip"
	"time"
)

// udpProber sends an empty datagram from a connected UDP socket and waits
// for the answer. Only two things are certain: a reply means open, and an
// ICMP port unreachable, which the kernel hands a connected socket as
// ECONNREFUSED, means closed. Silence is open|filtered: most services do
// not answer an empty datagram, firewalls drop, and the kernel limits how
// many ICMP errors it sends per second (net.ipv4.icmp_msgs_per_sec), so a
// fast scan sees closed ports fall silent too.
type udpProber struct{ opt Options }

func newUDPProber(opt Options) prober { return &udpProber{opt: opt} }

func (p *udpProber) probe(ctx context.Context, ip netip.Addr, port uint16) outcome {
	network := "udp4"
	if ip.Is6() {
		network = "udp6"
	}
	var d net.Dialer
	conn, err := d.DialUDP(ctx, network, netip.AddrPort{}, netip.AddrPortFrom(ip, port))
	if err != nil {
		return outcome{err: err}
	}
	defer conn.Close()
	if _, err := conn.Write(nil); err != nil {
		return outcome{err: err}
	}
	conn.SetReadDeadline(time.Now().Add(p.opt.Timeout))
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	buf := make([]byte, bannerMax)
	n, err := conn.Read(buf)
	if err != nil {
		return outcome{err: err}
	}
	o := outcome{open: true}
	if p.opt.Banner {
		o.banner = buf[:n:n]
	}
	return o
}

func (p *udpProber) close() {}
