package cli

// TLS on a listener (-l --tls, ncat's --ssl -l): the certificate from
// --cert/--key or a fresh self-signed one whose pin is said on stderr,
// client certificates asked for with --ca, and the handshake with each
// client before its session.

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"strings"

	"github.com/rawtalk/rawtalk/session/secure"
)

// newListenTLS reads the TLS files of a listener before anything is
// bound; nil without --tls.
func newListenTLS(o *options) (*secure.TLSServer, error) {
	if !o.tls.tls {
		return nil, nil
	}
	return secure.NewTLSServer(secure.ServerOptions{
		CertFile: o.tls.cert,
		KeyFile:  o.tls.key,
		CAFile:   o.tls.ca,
		ALPN:     o.tls.alpn,
		Timeout:  seconds(o.wait),
	})
}

// readyTLS gives the server a certificate once the listener is bound (a
// self-signed one for the names and addresses it listens on), and says
// what clients need to trust it: the pin, always for a self-signed one,
// since no one can check it otherwise; with -v for a --cert one.
func (l *listening) readyTLS(host string, addr net.Addr) error {
	srv := l.tlsServer
	if srv == nil {
		return nil
	}
	if srv.NeedsCertificate() {
		if err := srv.SelfSign(certHosts(host, addr)); err != nil {
			return err
		}
		l.con.sayf("rawtalk: tls: a fresh self-signed certificate (ECDSA P-256) for %s", strings.Join(srv.Names(), ", "))
		l.con.sayf("rawtalk: tls: its pin is %s; clients check it with: rawtalk --tls --pin %s HOST PORT", srv.Pin(), srv.Pin())
	} else {
		l.con.verbosef("rawtalk: tls: certificate for %s, pin %s", strings.Join(srv.Names(), ", "), srv.Pin())
	}
	if l.opt.tls.ca != "" {
		l.con.verbosef("rawtalk: tls: clients must show a certificate signed by a CA in %s", l.opt.tls.ca)
	}
	return nil
}

// certHosts are the names and addresses a self-signed certificate is for:
// the host given and the bound address; for every address, localhost, the
// machine's name and the addresses of its interfaces.
func certHosts(host string, addr net.Addr) []string {
	var hosts []string
	add := func(h string) {
		for _, seen := range hosts {
			if seen == h {
				return
			}
		}
		hosts = append(hosts, h)
	}
	if host != "" {
		add(strings.Trim(host, "[]"))
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok { // a unix socket
		add("localhost")
		return hosts
	}
	if !tcp.IP.IsUnspecified() {
		if tcp.IP.IsLoopback() {
			add("localhost")
		}
		add(tcp.AddrPort().Addr().Unmap().String())
		return hosts
	}
	add("localhost")
	if name, err := os.Hostname(); err == nil && name != "" {
		add(name)
	}
	ips, _ := net.InterfaceAddrs()
	for _, a := range ips {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLinkLocalUnicast() {
			add(n.IP.String())
		}
	}
	return hosts
}

// handshakeTLS is the TLS handshake with an accepted client, described
// with -v; without --tls it returns conn.
func (l *listening) handshakeTLS(ctx context.Context, conn net.Conn, peer string) (net.Conn, error) {
	if l.tlsServer == nil {
		return conn, nil
	}
	tc, err := l.tlsServer.Handshake(ctx, conn, peer)
	if err != nil {
		return nil, err
	}
	for _, line := range l.tlsServer.DescribeClient(tc.ConnectionState()) {
		l.con.verbosef("rawtalk: tls: %s", line)
	}
	return tc, nil
}

// describe is the interactive `status` of a TLS connection: the server
// it dialled, or the client a listener accepted.
func (s *tlsSetup) describe(tc *tls.Conn, host string) []string {
	if s.server != nil {
		return s.server.DescribeClient(tc.ConnectionState())
	}
	return s.client.Describe(tc.ConnectionState(), host)
}

// certs is the escape prompt's `certs`: the chain the server sent, or
// for a listener the client's certificate as status describes it.
func (s *tlsSetup) certs(tc *tls.Conn, host string) []string {
	if s.server != nil {
		return s.server.DescribeClient(tc.ConnectionState())
	}
	return s.client.Certs(tc.ConnectionState(), host)
}
