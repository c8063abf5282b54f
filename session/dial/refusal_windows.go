package dial

import (
	"net/netip"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// sioTCPInitialRTO is SIO_TCP_INITIAL_RTO, _WSAIOW(IOC_VENDOR, 17).
const sioTCPInitialRTO = 0x98000011

// tcpInitialRTOParameters is TCP_INITIAL_RTO_PARAMETERS.
type tcpInitialRTOParameters struct {
	rtt                   uint16 // TCP_INITIAL_RTO_UNSPECIFIED_RTT: keep the default
	maxSynRetransmissions uint8  // TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS
}

// FastRefusal is a net.Dialer Control function that makes a connect to a
// closed loopback port fail at once: Windows answers a refused SYN on
// loopback only after retrying it for about 2 seconds, which would make a
// closed port look filtered to the scanner and every refusal slow. It
// turns SYN retransmissions off for loopback destinations, as libuv does;
// a Windows older than 10 1709 ignores it.
func FastRefusal(network, address string, c syscall.RawConn) error {
	if !strings.HasPrefix(network, "tcp") {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().IsLoopback() {
		return nil
	}
	params := tcpInitialRTOParameters{rtt: 0xffff, maxSynRetransmissions: 0xfe}
	c.Control(func(fd uintptr) {
		var n uint32
		windows.WSAIoctl(windows.Handle(fd), sioTCPInitialRTO, (*byte)(unsafe.Pointer(&params)),
			uint32(unsafe.Sizeof(params)), nil, 0, &n, nil, 0)
	})
	return nil // best effort: a slow refusal is still a refusal
}
