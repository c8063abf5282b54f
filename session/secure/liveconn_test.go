package secure

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/tlstest"
)

// manualServer answers "STARTTLS\r\n" with reply and, when upgrade is
// set, then runs TLS and echoes. replied is closed once the reply is
// written; the plain-text bytes it received arrive on plain.
func manualServer(t *testing.T, pki *tlstest.PKI, reply string, upgrade bool) (addr string, replied <-chan struct{}, plain <-chan string) {
	got := make(chan string, 1)
	wrote := make(chan struct{})
	addr = listen(t, func(c net.Conn) {
		var seen bytes.Buffer
		defer func() { got <- seen.String() }()
		b := make([]byte, 1)
		for !bytes.HasSuffix(seen.Bytes(), []byte("STARTTLS\r\n")) {
			if _, err := c.Read(b); err != nil {
				return
			}
			seen.WriteByte(b[0])
		}
		io.WriteString(c, reply)
		close(wrote)
		if !upgrade {
			for {
				if _, err := c.Read(b); err != nil {
					return
				}
				seen.WriteByte(b[0])
			}
		}
		tc := tls.Server(c, pki.ServerConfig(pki.Good))
		if tc.Handshake() != nil {
			return
		}
		io.Copy(tc, tc)
		tc.CloseWrite()
	})
	return addr, wrote, got
}

// screen is the interactive session's reader: it reads the LiveConn in
// its own goroutine, as the lead's renderer does, and collects the bytes.
type screen struct {
	mu      sync.Mutex
	text    bytes.Buffer
	changed chan struct{} // gets a token after each read
	done    chan error
}

func watch(live *LiveConn) *screen {
	s := &screen{changed: make(chan struct{}, 1), done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := live.Read(buf)
			s.mu.Lock()
			s.text.Write(buf[:n])
			s.mu.Unlock()
			select {
			case s.changed <- struct{}{}:
			default:
			}
			if err != nil {
				s.done <- err
				return
			}
		}
	}()
	return s
}

// waitFor waits until the screen shows want, for up to five seconds.
func (s *screen) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		s.mu.Lock()
		got := s.text.String()
		s.mu.Unlock()
		if strings.Contains(got, want) {
			return
		}
		select {
		case <-s.changed:
		case <-deadline:
			t.Fatalf("screen shows %q, want %q", got, want)
		}
	}
}

func liveClient(t *testing.T, pki *tlstest.PKI, addr string) (*LiveConn, *TLSClient) {
	t.Helper()
	dir := writeFiles(t, map[string][]byte{"ca.pem": pki.CA.CertPEM()})
	client, err := NewTLSClient(TLSOptions{CAFile: filepath.Join(dir, "ca.pem"), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	live := NewLiveConn(conn)
	t.Cleanup(func() { live.Close() })
	return live, client
}

// TestLiveStartTLS: the user types STARTTLS, sees the go-ahead and
// upgrades; the reader that was blocked on the plain connection goes on
// reading inside TLS, and the next line goes out encrypted.
func TestLiveStartTLS(t *testing.T) {
	pki := tlstest.New()
	addr, _, plain := manualServer(t, pki, "220 2.0.0 Ready to start TLS\r\n", true)
	live, client := liveClient(t, pki, addr)
	s := watch(live)
	io.WriteString(live, "STARTTLS\r\n")
	s.waitFor(t, "220 2.0.0 Ready to start TLS\r\n")
	tc, err := live.StartTLS(context.Background(), client, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if live.TLS() != tc || tc.ConnectionState().Version != tls.VersionTLS13 {
		t.Fatal("not upgraded")
	}
	io.WriteString(live, "secret\n")
	s.waitFor(t, "Ready to start TLS\r\nsecret\n")
	live.CloseWrite()
	if err := <-s.done; err != io.EOF {
		t.Fatalf("reader ended with %v", err)
	}
	if got := <-plain; got != "STARTTLS\r\n" {
		t.Errorf("sent in clear %q", got)
	}
}

// TestLiveStartTLSRefusals: each case where upgrading would lose bytes or
// speak TLS to a server that did not agree is refused, the plain session
// goes on, and no byte is lost.
func TestLiveStartTLSRefusals(t *testing.T) {
	pki := tlstest.New()
	tests := []struct {
		name    string
		reply   string
		command string // typed before the upgrade; "" for none
		watch   bool   // a reader runs, as in the interactive session
		seen    string // what the reader has shown before the upgrade
		want    string
	}{
		{"bytes not yet read", "220 go ahead\r\n", "STARTTLS\r\n", false, "",
			`starttls: the server sent 14 bytes you have not seen yet ("220 go ahead\r\n"); not upgrading`},
		{"nothing since the last line", "", "", true, "",
			"starttls: nothing has come from the server since your last line; not upgrading"},
		{"a refusal", "454 4.7.0 TLS not available\r\n", "STARTTLS\r\n", true, "454 4.7.0 TLS not available\r\n",
			`starttls: the server did not agree: "454 4.7.0 TLS not available"`},
		{"more after the go-ahead", "220 go ahead\r\n250 injected", "STARTTLS\r\n", true, "250 injected",
			`starttls: the server sent more after its go-ahead ("250 injected"); not upgrading: those bytes may have been injected`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, replied, plain := manualServer(t, pki, tt.reply, false)
			live, client := liveClient(t, pki, addr)
			var s *screen
			if tt.watch {
				s = watch(live)
			}
			io.WriteString(live, tt.command)
			if tt.command == "" {
				// The server answers STARTTLS only; here nothing was typed.
				io.WriteString(live, "NOOP\r\n")
			}
			if s != nil {
				s.waitFor(t, tt.seen)
			} else {
				<-replied // on loopback, written is as good as arrived
			}
			_, err := live.StartTLS(context.Background(), client, "127.0.0.1")
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v\nwant %s", err, tt.want)
			}
			if live.TLS() != nil {
				t.Fatal("upgraded anyway")
			}
			// The session goes on in plain text, and nothing is lost.
			if s == nil {
				s = watch(live)
			}
			s.waitFor(t, tt.reply)
			io.WriteString(live, "after\r\n")
			live.CloseWrite()
			got := <-plain
			if want := tt.command + strings.Repeat("NOOP\r\n", btoi(tt.command == "")) + "after\r\n"; got != want {
				t.Errorf("server got %q, want %q", got, want)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestLiveStartTLSFailedHandshake: after a failed handshake nothing more
// goes out, in clear or otherwise.
func TestLiveStartTLSFailedHandshake(t *testing.T) {
	pki := tlstest.New()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	received := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, len("STARTTLS\r\n"))
		io.ReadFull(c, buf)
		io.WriteString(c, "220 go ahead\r\n")
		// Serve an expired certificate, then keep all that comes after.
		tc := tls.Server(c, pki.ServerConfig(pki.Expired))
		tc.Handshake()
		rest, _ := io.ReadAll(c)
		received <- rest
	}()
	live, client := liveClient(t, pki, ln.Addr().String())
	s := watch(live)
	io.WriteString(live, "STARTTLS\r\n")
	s.waitFor(t, "220 go ahead\r\n")
	_, err = live.StartTLS(context.Background(), client, "127.0.0.1")
	if err == nil || !strings.Contains(err.Error(), "expired on") {
		t.Fatalf("got %v", err)
	}
	if _, werr := io.WriteString(live, "PASSWORD hunter2\r\n"); werr == nil {
		t.Fatal("a write after a failed upgrade succeeded")
	}
	// The reader ends with words of its own: the handshake's error and
	// hint were StartTLS's to report, and are not reported twice.
	var tlsErr *TLSError
	if rerr := <-s.done; !errors.Is(rerr, ErrUpgradeFailed) || errors.As(rerr, &tlsErr) {
		t.Errorf("the reader ended with %v, want ErrUpgradeFailed and no *TLSError", rerr)
	}
	if rest := <-received; bytes.Contains(rest, []byte("hunter2")) {
		t.Fatalf("sent after the failed upgrade: %q", rest)
	}
	if _, err := live.StartTLS(context.Background(), client, "127.0.0.1"); err == nil {
		t.Fatal("a second StartTLS on a broken connection succeeded")
	}
}

// TestLiveStartTLSHintsAtPrompt: at the escape prompt a name mismatch is
// answered with the prompt's own words, starttls NAME, not a flag.
func TestLiveStartTLSHintsAtPrompt(t *testing.T) {
	pki := tlstest.New()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, len("STARTTLS\r\n"))
		io.ReadFull(c, buf)
		io.WriteString(c, "220 go ahead\r\n")
		tls.Server(c, pki.ServerConfig(pki.WrongName)).Handshake()
	}()
	live, client := liveClient(t, pki, ln.Addr().String())
	s := watch(live)
	io.WriteString(live, "STARTTLS\r\n")
	s.waitFor(t, "220 go ahead\r\n")
	_, err = live.StartTLS(context.Background(), client, "127.0.0.1")
	var tlsErr *TLSError
	if !errors.As(err, &tlsErr) {
		t.Fatalf("got %v, want a *TLSError", err)
	}
	if want := "starttls NAME checks another name: starttls wrong.example"; !strings.HasPrefix(tlsErr.Hint, want) || strings.Contains(tlsErr.Hint, "--servername") {
		t.Errorf("hint %q, want it to start %q and name no --servername", tlsErr.Hint, want)
	}
}

func TestJudgeGoAhead(t *testing.T) {
	tests := []struct {
		heard           string
		refused, extras string
	}{
		{"220 2.0.0 Ready to start TLS\r\n", "", ""},
		{"234 AUTH TLS successful\r\n", "", ""},
		{"+OK Begin TLS\r\n", "", ""},
		{"* CAPABILITY IMAP4rev1\r\na1 OK Begin TLS negotiation now\r\n", "", ""},
		{"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "", ""},
		{"some unknown protocol's yes\n", "", ""},
		{"454 4.7.0 TLS not available\r\n", "454 4.7.0 TLS not available", ""},
		{"-ERR no\r\n", "-ERR no", ""},
		{"a1 NO not now\r\n", "a1 NO not now", ""},
		{"a1 BAD what\r\n", "a1 BAD what", ""},
		{"<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", ""},
		{"220 go\r\n250 injected\r\n", "", "250 injected\r"},
		{"220 go\r\nhalf", "", "half"},
		{"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><message/>", "", "<message/>"},
		{"* OK untagged is not a go-ahead\r\n", "", ""},
		{"382 Continue with TLS negotiation\r\n", "", ""},
		{"382 go\r\n200 injected\r\n", "", "200 injected\r"},
		{"OK \"Begin TLS negotiation now.\"\r\n", "", ""},
		{"NO \"TLS not configured\"\r\n", "NO \"TLS not configured\"", ""},
		{":irc.test 670 * :STARTTLS successful, go ahead\r\n", "", ""},
		{":irc.test 670 * :go\r\n:irc.test NOTICE * :injected\r\n", "", ":irc.test NOTICE * :injected\r"},
		{":irc.test 691 * :STARTTLS failure\r\n", ":irc.test 691 * :STARTTLS failure", ""},
		{":irc.test 451 * STARTTLS :You have not registered\r\n", ":irc.test 451 * STARTTLS :You have not registered", ""},
		{"580 Can not initiate TLS negotiation\r\n", "580 Can not initiate TLS negotiation", ""},
	}
	for _, tt := range tests {
		refused, extra := judgeGoAhead([]byte(tt.heard))
		if refused != tt.refused || extra != tt.extras {
			t.Errorf("judgeGoAhead(%q) = %q, %q; want %q, %q", tt.heard, refused, extra, tt.refused, tt.extras)
		}
	}
}
