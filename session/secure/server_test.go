package secure

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"
)

// handshakePair runs s's handshake against a client with cfg over a pipe
// and returns the server's error and the client's.
func handshakePair(t *testing.T, s *TLSServer, client func(net.Conn) error) (srvErr, cliErr error) {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	done := make(chan error, 1)
	go func() {
		done <- client(b)
		b.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, srvErr = s.Handshake(ctx, a, "127.0.0.1 5555")
	a.Close()
	return srvErr, <-done
}

// TestSelfSignedServer: the certificate is for the hosts given, and a
// client that pins Pin() completes the handshake.
func TestSelfSignedServer(t *testing.T) {
	s, err := NewTLSServer(ServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.NeedsCertificate() {
		t.Fatal("a server without --cert has a certificate before SelfSign")
	}
	if err := s.SelfSign([]string{"localhost", "127.0.0.1", "::1"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Names(), ", "); got != "localhost, 127.0.0.1, ::1" {
		t.Errorf("names %q", got)
	}
	pin, err := ParsePin(s.Pin())
	if err != nil {
		t.Fatal(err)
	}
	srvErr, cliErr := handshakePair(t, s, func(c net.Conn) error {
		tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true, VerifyConnection: func(cs tls.ConnectionState) error {
			sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if string(sum[:]) != string(pin) {
				t.Error("the served certificate is not the pinned one")
			}
			return nil
		}})
		return tc.Handshake()
	})
	if srvErr != nil || cliErr != nil {
		t.Fatalf("server %v, client %v", srvErr, cliErr)
	}
}

// TestServerHandshakeWords: a plain-text client is told apart, with its
// first bytes escaped.
func TestServerHandshakeWords(t *testing.T) {
	s, _ := NewTLSServer(ServerOptions{})
	s.SelfSign([]string{"localhost"})
	srvErr, _ := handshakePair(t, s, func(c net.Conn) error {
		_, err := c.Write([]byte("\x1b[2Jhello\r\n"))
		return err
	})
	e, ok := srvErr.(*TLSError)
	if !ok {
		t.Fatalf("error %T %v, want *TLSError", srvErr, srvErr)
	}
	if want := `tls: 127.0.0.1 5555 did not speak TLS: its first bytes were "\x1b[2Jh"`; e.Error() != want {
		t.Errorf("got %s\nwant %s", e.Error(), want)
	}
	if !strings.Contains(e.Hint, "--tls") {
		t.Errorf("hint %q", e.Hint)
	}
}
