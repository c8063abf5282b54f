package cli

// Tests of TLS listeners and the hub beyond the scripts
// (testdata/script/listen_tls*.txtar, broker*.txtar): the interactive
// session of a TLS listener, openssl s_client as its client, and the
// script commands they use.

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rawtalk/rawtalk/internal/tlstest"
)

// cmdSetFrom sets $VAR to the first group of REGEXP in FILE:
//
//	setfrom VAR FILE REGEXP
func cmdSetFrom(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: setfrom VAR FILE REGEXP")
	}
	m := regexp.MustCompile(args[2]).FindStringSubmatch(readFile(ts.MkAbs(args[1])))
	if len(m) < 2 {
		ts.Fatalf("no match for %q in %s", args[2], args[1])
	}
	ts.Setenv(args[0], m[1])
	ts.Setenv(args[0]+"_RE", regexp.QuoteMeta(m[1]))
}

// cmdServerFiles writes the good server certificate and its key into DIR
// as server.pem and server.key, for -l --tls --cert:
//
//	serverfiles DIR
func cmdServerFiles(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: serverfiles DIR")
	}
	pki := pkiOf(ts)
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	ts.Check(os.WriteFile(filepath.Join(dir, "server.pem"), pki.Good.CertPEM(), 0o644))
	ts.Check(os.WriteFile(filepath.Join(dir, "server.key"), pki.Good.KeyPEM(), 0o600))
}

// cmdUnescape turns the Go escapes in each FILE (\x1b, \r, \a) into the
// bytes, since txtar archives hold text:
//
//	unescape FILE...
func cmdUnescape(ts *testscript.TestScript, neg bool, args []string) {
	for _, name := range args {
		file := ts.MkAbs(name)
		text, err := strconv.Unquote(`"` + strings.ReplaceAll(readFile(file), "\n", `\n`) + `"`)
		ts.Check(err)
		ts.Check(os.WriteFile(file, []byte(text), 0o644))
	}
}

// TestTLSListenerOpenSSL: openssl s_client, checking the certificate
// against the CA and sending a client certificate that --ca checks, talks
// with rawtalk -l --tls both ways. Skipped without openssl.
func TestTLSListenerOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed")
	}
	pki := tlstest.New()
	dir := t.TempDir()
	files := map[string][]byte{
		"server.pem": pki.Good.CertPEM(), "server.key": pki.Good.KeyPEM(),
		"client.pem": pki.Client.CertPEM(), "client.key": pki.Client.KeyPEM(), "ca.pem": pki.CA.CertPEM(),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := func(name string) string { return filepath.Join(dir, name) }

	srv := exec.Command(rawtalkPath(t), "-lv", "--tls", "--cert", path("server.pem"), "--key", path("server.key"),
		"--ca", path("ca.pem"), "127.0.0.1", "0")
	srv.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	srv.Stdin = strings.NewReader("hello from rawtalk\n")
	srvOut, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	lines := bufio.NewScanner(stderr)
	port := ""
	listening := regexp.MustCompile(`^Listening on 127\.0\.0\.1 (\d+)$`)
	var said []string
	for port == "" && lines.Scan() {
		said = append(said, lines.Text())
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			port = m[1]
		}
	}
	if port == "" {
		t.Fatalf("no listening line; stderr: %q", said)
	}
	go func() {
		for lines.Scan() {
		}
	}()

	// openssl quits at the end of its input: it is closed only once each
	// side has seen the other's line.
	client := exec.Command(openssl, "s_client", "-connect", "127.0.0.1:"+port, "-CAfile", path("ca.pem"),
		"-verify_return_error", "-verify_ip", "127.0.0.1", "-cert", path("client.pem"), "-key", path("client.key"),
		"-no_ign_eof", "-brief")
	clientIn, err := client.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	clientOut, err := client.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Process.Kill(); client.Wait() })
	io.WriteString(clientIn, "hello from openssl\n")
	waitLine(t, "openssl", clientOut, "hello from rawtalk")
	waitLine(t, "the listener", srvOut, "hello from openssl")
	clientIn.Close()
	waitDone := make(chan error, 1)
	go func() { waitDone <- srv.Wait() }()
	select {
	case err := <-waitDone:
		if err != nil {
			t.Errorf("listener: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the listener did not end after openssl left")
	}
}

// waitLine reads r until a line holds want, or fails the test after the
// deadline.
func waitLine(t *testing.T, who string, r io.Reader, want string) {
	t.Helper()
	found := make(chan bool, 1)
	go func() {
		lines := bufio.NewScanner(r)
		for lines.Scan() {
			if strings.Contains(lines.Text(), want) {
				found <- true
				return
			}
		}
		found <- false
	}()
	select {
	case ok := <-found:
		if !ok {
			t.Fatalf("%s ended without %q", who, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not say %q in time", who, want)
	}
}
