package cli

import (
	"fmt"
	"net"

	"github.com/rawtalk/rawtalk/session/dial"
)

// listenWords are the "ADDR PORT" of nc's "Listening on" (and "Bound on")
// lines: the host as the user typed it when one was given, as nc prints
// it ("Listening on localhost 12321", "fe80::1%eth0 12321"), with the
// port the kernel gave; else every address the socket is on.
func listenWords(cfg dial.ListenConfig, bound net.Addr) []string {
	all := dial.ListenAddrs(bound, cfg.Network)
	literal, _ := dial.SplitZone(cfg.Host)
	if cfg.Host == "" || len(all) != 1 {
		return all
	}
	if ip := net.ParseIP(literal); ip != nil && ip.IsUnspecified() {
		return all
	}
	var port int
	switch a := bound.(type) {
	case *net.TCPAddr:
		port = a.Port
	case *net.UDPAddr:
		port = a.Port
	default:
		return all
	}
	return []string{fmt.Sprintf("%s %d", cfg.Host, port)}
}
