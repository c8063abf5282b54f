package secure

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/tlstest"
)

// TestStartTLSAgainstDovecot: --starttls lmtp and sieve against a real
// Dovecot (with its LMTP and ManageSieve servers), run by the test on
// 127.0.0.1 with the test certificate. Skipped where Dovecot is not
// installed (Debian: dovecot-lmtpd, dovecot-managesieved).
func TestStartTLSAgainstDovecot(t *testing.T) {
	bin := findDovecot(t)
	pki := tlstest.New()
	ports := startDovecot(t, bin, pki)

	t.Run("lmtp", func(t *testing.T) {
		greeting, conn, err := upgradeWith(t, pki, ports["lmtp"], "lmtp", 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(greeting, "220 ") {
			t.Errorf("greeting %q, want a 220", greeting)
		}
		// Inside TLS the session starts again with LHLO.
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(conn, "LHLO rawtalk.test\r\n")
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "250") {
			t.Errorf("LHLO inside TLS: %q, %v", line, err)
		}
	})
	t.Run("sieve", func(t *testing.T) {
		greeting, conn, err := upgradeWith(t, pki, ports["sieve"], "sieve", 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(greeting, `"STARTTLS"`) || !strings.Contains(greeting, "\r\nOK ") {
			t.Errorf("greeting %q, want capabilities with STARTTLS, then OK", greeting)
		}
		// Inside TLS the server lists its capabilities again, unasked.
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, `"IMPLEMENTATION"`) {
			t.Errorf("first line inside TLS: %q, %v", line, err)
		}
	})
}

// findDovecot is the dovecot binary, or skips the test.
func findDovecot(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("dovecot is a Unix server") // and Wine's Z: drive would find Linux's /usr/sbin/dovecot
	}
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		bin = "/usr/sbin/dovecot"
		if _, err := os.Stat(bin); err != nil {
			t.Skip("dovecot is not installed")
		}
	}
	libs, _ := exec.Command(bin, "--build-options").Output()
	for _, service := range []string{"lmtp", "managesieve"} {
		if _, err := os.Stat(filepath.Join("/usr/lib/dovecot", service)); err != nil && !strings.Contains(string(libs), service) {
			t.Skipf("dovecot's %s server is not installed", service)
		}
	}
	return bin
}

// startDovecot runs Dovecot in the foreground with a configuration of its
// own (nothing from /etc), listening on 127.0.0.1 only, and returns the
// address of its lmtp and sieve listeners once they accept.
func startDovecot(t *testing.T, bin string, pki *tlstest.PKI) map[string]string {
	t.Helper()
	dir, err := os.MkdirTemp("", "rawtalk-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// Dovecot's own users read it when it runs as root.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"cert.pem": append(pki.Good.CertPEM(), pki.CA.CertPEM()...), "key.pem": pki.Good.KeyPEM()} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ports := map[string]string{"lmtp": freePort(t), "sieve": freePort(t)}
	internal, login := "dovecot", "dovenull"
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	if me.Uid != "0" {
		internal, login = me.Username, me.Username
	}
	config := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = lmtp sieve
listen = 127.0.0.1
ssl = yes
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
default_internal_user = %[2]s
default_internal_group = %[2]s
default_login_user = %[3]s
mail_location = maildir:%[1]s/mail/%%u
passdb {
  driver = static
  args = password=unused
}
userdb {
  driver = static
  args = uid=%[2]s gid=%[2]s home=%[1]s/home/%%u
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = %[4]s
  }
}
service managesieve-login {
  chroot =
  inet_listener sieve {
    address = 127.0.0.1
    port = %[5]s
  }
}
service anvil {
  chroot =
}
`, dir, internal, login, portOf(ports["lmtp"]), portOf(ports["sieve"]))
	if me.Uid == "0" {
		if g, err := user.LookupGroup("dovecot"); err != nil || g == nil {
			t.Skip("dovecot's user and group are missing")
		}
	}
	conf := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(conf, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-F", "-c", conf)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		exec.Command(bin, "-c", conf, "stop").Run()
		cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(15 * time.Second)
	for _, addr := range ports {
		for {
			c, err := net.DialTimeout("tcp4", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-exited:
				log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
				t.Fatalf("dovecot exited (%v):\n%s", waitErr, log)
			case <-time.After(20 * time.Millisecond): // polling for the listener, bounded by deadline
			}
			if time.Now().After(deadline) {
				log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
				t.Fatalf("dovecot did not listen on %s:\n%s", addr, log)
			}
		}
	}
	return ports
}

// freePort is a loopback address whose port was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func portOf(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}
