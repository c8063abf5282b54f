package cli

// Connecting: the one dialer builder every mode starts from (newDialer,
// and listenConfig for listeners), the client's additions (-u, -x, -s, -p
// and the words of each try), and the clients themselves, for HOST PORT
// and -U PATH. What runs over the connection is stack.go's.

import (
	"context"
	"fmt"
	"net"

	"github.com/rawtalk/rawtalk/session/dial"
)

// family is the network -4 and -6 ask for: base ("tcp" or "udp"), base4
// or base6.
func family(o *options, base string) string {
	switch {
	case o.ipv4:
		return base + "4"
	case o.ipv6:
		return base + "6"
	}
	return base
}

// newDialer is the dialer of every mode that connects or looks names up
// (the client, the scanner): -4/-6, -w, -n and --dns.
func newDialer(o *options) *dial.Dialer {
	return &dial.Dialer{
		Family:      family(o, "tcp"),
		Timeout:     seconds(o.wait),
		NumericOnly: o.numeric,
		Resolver:    resolver(o.dnsServer),
		DNSServer:   o.dnsServer,
	}
}

// listenConfig is newDialer for -l: where and how to listen.
func listenConfig(o *options, args []string) (dial.ListenConfig, error) {
	network := "tcp"
	if o.udp {
		network = "udp"
	}
	cfg := dial.ListenConfig{
		Network:     family(o, network),
		NumericOnly: o.numeric,
		Resolver:    resolver(o.dnsServer),
	}
	host, port, err := listenArgs(o, args)
	if err != nil {
		return cfg, err
	}
	cfg.Host, cfg.Port = host, port
	return cfg, nil
}

// resolver returns a resolver that asks only the DNS server at addr, or nil
// for the system's.
func resolver(addr string) *net.Resolver {
	if addr == "" {
		return nil
	}
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
}

// clientDialer is the client's dialer: newDialer with -u, the proxy, -s
// and -p, saying each try on a terminal and each failure there or with -v.
func (a *app) clientDialer(target dial.Target) (*dial.Dialer, error) {
	o := &a.opt
	d := newDialer(o)
	if o.udp {
		d.Family = family(o, "udp")
	}
	if o.proxy != "" {
		kind := dial.SOCKS5
		if o.proxyType != "" {
			k, err := dial.ParseProxyKind(o.proxyType)
			if err != nil {
				return nil, err
			}
			kind = k
		}
		p, err := dial.ParseProxy(o.proxy, kind)
		if err != nil {
			return nil, err
		}
		if o.proxyAuth != "" {
			if err := p.SetAuth(o.proxyAuth); err != nil {
				return nil, err // a usage error, before anything is dialled
			}
		}
		d.Proxy = p
	}
	if o.source != "" {
		ip, err := sourceIP(o, target)
		if err != nil {
			return nil, err
		}
		d.Source = ip
	}
	if o.sourcePort != "" {
		port, err := portArg(o.sourcePort)
		if err != nil {
			return nil, err
		}
		d.SourcePort = port
	}
	interactive := a.interactive()
	if interactive {
		d.OnTry = func(addr net.IPAddr) { a.con.sayf("Trying %s...", &addr) }
	}
	d.OnFail = func(e *dial.ConnectError) {
		if interactive || o.verbose {
			a.con.errorf("%s", e)
		}
	}
	return d, nil
}

// connect is the client for HOST PORT: dial, say so in telnet's or nc's
// words, start TLS if asked, and hold the session.
func (a *app) connect(args []string, ts *tlsSetup) error {
	target, err := dial.ParseTarget(args)
	if err != nil {
		return err
	}
	dialer, err := a.clientDialer(target)
	if err != nil {
		return err
	}
	raw, err := a.reach(dialer, target)
	if err != nil {
		return err
	}
	defer raw.Close()
	conn, err := ts.upgrade(raw, target, a.stdout, a.con)
	if err != nil {
		return err
	}
	// The escape prompt's reconnect (stack.go): the same dialer, TLS and
	// STARTTLS again, with the same words.
	a.redial = func() (net.Conn, error) {
		raw, err := a.reach(dialer, target)
		if err != nil {
			return nil, err
		}
		conn, err := ts.upgrade(raw, target, a.stdout, a.con)
		if err != nil {
			raw.Close()
		}
		return conn, err
	}
	return a.converse(conn, target, ts)
}

// reach dials target and says so, in telnet's words on a terminal and
// nc's with -v.
func (a *app) reach(dialer *dial.Dialer, target dial.Target) (net.Conn, error) {
	ctx, stop := untilInterrupt()
	conn, err := dialer.Dial(ctx, target)
	stop()
	if err != nil {
		return nil, err
	}
	if a.interactive() {
		a.con.sayf("Connected to %s.", target.Host)
	} else {
		a.con.verbosef("%s", connectedWords(&a.opt, target, conn))
	}
	return conn, nil
}

// talkUnix is the client for -U PATH.
func (a *app) talkUnix(path string) error {
	ctx, stop := untilInterrupt()
	conn, err := dial.DialUnix(ctx, path, seconds(a.opt.wait))
	stop()
	if err != nil {
		return err
	}
	defer conn.Close()
	if a.terminal {
		a.con.sayf("Connected to %s.", path)
	} else {
		a.con.verbosef("Connection to %s succeeded!", path)
	}
	return a.converse(conn, dial.Target{Host: path}, nil)
}

// connectedWords is nc -v's line for a made connection, also for UDP
// (which "succeeds" without a word from the peer, as in nc) and through a
// proxy (whose address is not the peer's).
func connectedWords(o *options, t dial.Target, conn net.Conn) string {
	network := "tcp"
	if o.udp {
		network = "udp"
	}
	name := t.Host
	if host, _, err := net.SplitHostPort(conn.RemoteAddr().String()); err == nil && o.proxy == "" && host != t.Host {
		name = fmt.Sprintf("%s (%s)", t.Host, host)
	}
	service := dial.ServiceName(t.Port)
	if service == "" {
		service = "*"
	}
	line := fmt.Sprintf("Connection to %s %d port [%s/%s] succeeded!", name, t.Port, network, service)
	if o.proxy != "" {
		if host, port, err := net.SplitHostPort(conn.RemoteAddr().String()); err == nil {
			line += fmt.Sprintf(" (through proxy %s port %s)", host, port)
		}
	}
	return line
}
