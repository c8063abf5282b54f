package cli

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"slices"

	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/pump"
	"github.com/rawtalk/rawtalk/session/secure"
	"github.com/rawtalk/rawtalk/term"
)

// tlsSetup is TLS for one run: checked before dialling, used after.
type tlsSetup struct {
	flags   *tlsFlags
	client  *secure.TLSClient // nil without --tls or --starttls
	manual  *secure.TLSClient // interactive without them: for the starttls command
	server  *secure.TLSServer // a -l --tls listener's, for status (listen_tls.go)
	verbose bool
	screen  bool // the session is interactive: peer bytes shown on the terminal before it are sanitized
	// rawOutput is --raw-output: the --starttls greeting goes to a
	// terminal unfiltered too.
	rawOutput bool
}

// newTLSSetup checks the TLS flags (checkTLSFlags) and reads the files
// they name, so that a mistake is a usage error before anything is
// dialled. On a terminal without --tls or --starttls the client is kept
// for a starttls typed at the escape prompt.
func newTLSSetup(f *tlsFlags, wait float64, verbose, interactive bool) (*tlsSetup, error) {
	if err := checkTLSFlags(f, interactive); err != nil {
		return nil, err
	}
	s := &tlsSetup{flags: f, verbose: verbose, screen: interactive}
	if !f.tls && f.starttls == "" {
		if !interactive {
			return s, nil
		}
		client, err := newTLSClient(f, wait)
		if err != nil {
			return nil, err
		}
		s.manual = client
		return s, nil
	}
	client, err := newTLSClient(f, wait)
	if err != nil {
		return nil, err
	}
	s.client = client
	return s, nil
}

func newTLSClient(f *tlsFlags, wait float64) (*secure.TLSClient, error) {
	return secure.NewTLSClient(secure.TLSOptions{
		ServerName: f.serverName,
		CAFile:     f.ca,
		Insecure:   f.insecure,
		CertFile:   f.cert,
		KeyFile:    f.key,
		ALPN:       f.alpn,
		Pin:        f.pin,
		Timeout:    seconds(wait),
	})
}

// interactive gives the interactive session what it needs of TLS: the
// state for status, and, on a plain connection, the escape prompt's
// starttls, which upgrades the live connection. It returns the connection
// the session must use.
func (s *tlsSetup) interactive(conn net.Conn, target dial.Target, opt *term.Options) net.Conn {
	if tc, ok := conn.(*tls.Conn); ok {
		opt.Status = func() []string { return s.describe(tc, target.Host) }
		opt.Certs = func() []string { return s.certs(tc, target.Host) }
		return conn
	}
	if _, stream := conn.(interface{ CloseWrite() error }); !stream {
		return conn // UDP: no TLS over datagrams here
	}
	if s.manual == nil {
		return conn // an accepted connection: no client side to start TLS from
	}
	live := secure.NewLiveConn(conn)
	// The client of this connection's starttls; not s.client, which is
	// the flags' (--tls, --starttls) for every connection of the run: a
	// reconnect starts plain again.
	var upgraded *secure.TLSClient
	opt.StartTLS = func(serverName string) ([]string, error) {
		client := s.manual
		if serverName != "" {
			client = client.WithServerName(serverName)
		}
		ctx, cancel := context.WithTimeout(context.Background(), client.Timeout())
		defer cancel()
		tc, err := live.StartTLS(ctx, client, target.Host)
		if err != nil {
			if s.flags.showCerts {
				return secure.FailedCerts(err), err
			}
			return nil, err
		}
		upgraded = client
		lines := client.Describe(tc.ConnectionState(), target.Host)
		if s.flags.showCerts {
			lines = append(lines, client.Certs(tc.ConnectionState(), target.Host)...)
		}
		if client.Insecure() {
			lines = append([]string{"warning: --insecure: the certificate was not checked"}, lines...)
		}
		return lines, nil
	}
	opt.Status = func() []string {
		if tc := live.TLS(); tc != nil {
			return upgraded.Describe(tc.ConnectionState(), target.Host)
		}
		return []string{"TLS: none (plain TCP); starttls at this prompt upgrades after the protocol's own STARTTLS"}
	}
	opt.Certs = func() []string {
		if tc := live.TLS(); tc != nil {
			return upgraded.Certs(tc.ConnectionState(), target.Host)
		}
		return []string{"?No certificates: the connection is plain TCP (starttls upgrades it after the protocol's own STARTTLS)"}
	}
	return live
}

// upgrade turns the fresh connection into TLS: at once with --tls, after
// the protocol's preamble with --starttls, whose greeting goes to stdout
// first: as the server sent it when piped, made safe as the session's
// own text is on a terminal (the session, which filters the rest, has
// not begun; shown). Without either it returns conn.
func (s *tlsSetup) upgrade(conn net.Conn, target dial.Target, stdout io.Writer, con *console) (net.Conn, error) {
	if s.client == nil {
		return conn, nil
	}
	ctx, stop := untilInterrupt()
	defer stop()
	if s.client.Insecure() {
		con.errorf("warning: --insecure: the certificate is not checked; anyone on the path can read and change this session")
	}
	if proto := s.flags.starttls; proto != "" {
		opt := secure.PreambleOptions{Domain: s.client.Name(target.Host), Timeout: s.client.Timeout()}
		if s.verbose {
			opt.Trace = func(sent bool, line string) {
				arrow := "<"
				if sent {
					arrow = ">"
				}
				con.sayf("rawtalk: starttls: %s %s", arrow, line)
			}
		}
		greeting, err := secure.StartTLSPreamble(ctx, conn, proto, opt)
		stdout.Write(s.shown(greeting, stdout))
		if err != nil {
			return nil, err
		}
	}
	tc, err := s.client.Handshake(ctx, conn, target.Host)
	if err != nil {
		if s.flags.showCerts {
			// What was refused, before the error says why.
			for _, line := range secure.FailedCerts(err) {
				con.sayf("rawtalk: certs: %s", line)
			}
		}
		return nil, err
	}
	if s.verbose {
		for _, line := range s.client.Describe(tc.ConnectionState(), target.Host) {
			con.sayf("rawtalk: tls: %s", line)
		}
	}
	if s.flags.showCerts {
		for _, line := range s.client.Certs(tc.ConnectionState(), target.Host) {
			con.sayf("rawtalk: certs: %s", line)
		}
	}
	return tc, nil
}

// shown is the server's greeting as it goes to stdout: through the safe
// display's filter on a terminal, as the session's text would be, and
// byte for byte to a pipe or with --raw-output.
func (s *tlsSetup) shown(greeting []byte, stdout io.Writer) []byte {
	if !s.screen || s.rawOutput || !isTerminal(stdout) {
		return greeting
	}
	var san term.Sanitizer
	return san.Flush(san.Append(nil, greeting))
}

// usualTLSPorts are ports that speak TLS from the first byte.
var usualTLSPorts = []int{443, 465, 563, 636, 853, 990, 992, 993, 995, 5061, 6697, 8443}

// after finishes a session: a TLS alert that ended it becomes a *TLSError.
// A plain session on a usual TLS port whose request got no answer at all
// gets a hint. (TLS servers sent plain text mostly just close: OpenSSL 3
// and Go send no alert, so there is nothing better to recognise.)
func (s *tlsSetup) after(err error, target dial.Target, counts pump.Counts, con *console) error {
	if s.client != nil {
		return s.client.Explain(err)
	}
	if err == nil && counts.Sent > 0 && counts.Received == 0 && slices.Contains(usualTLSPorts, target.Port) {
		con.hintf("no answer; port %d usually speaks TLS: try --tls", target.Port)
	}
	return err
}
