//go:build unix

package cli

import (
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// unprivilegedRawtalk is a command that runs rawtalk as a user who may not
// bind low ports. Run as root (as in CI containers), it runs a copy of the
// test binary as uid/gid 65534 (nobody); otherwise as the current user.
func unprivilegedRawtalk(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	data, err := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start")
	if err != nil {
		t.Skip("cannot tell which ports need privilege here:", err)
	}
	if start, err := strconv.Atoi(strings.TrimSpace(string(data))); err != nil || start <= 1 {
		t.Skip("this machine lets every user bind low ports")
	}
	if os.Geteuid() != 0 {
		return exec.Command(rawtalkPath(t), args...)
	}
	// nobody must be able to reach and run the binary: a copy in a
	// directory anyone may enter, outside t.TempDir (mode 0700).
	dir, err := os.MkdirTemp("", "rawtalk-unprivileged")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	bin := filepath.Join(dir, "rawtalk")
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return cmd
}

// runStatus runs cmd and returns its exit status and stderr.
func runStatus(t *testing.T, cmd *exec.Cmd) (int, string) {
	t.Helper()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stderr.String()
	case errors.Is(err, syscall.EPERM):
		t.Skip("cannot drop privileges here:", err)
	}
	t.Fatal(err)
	return -1, ""
}

// Listening on, or sending from, a port below 1024 without the privilege:
// the system's reason, a hint, exit 1.
func TestLowPortNeedsPrivilege(t *testing.T) {
	code, stderr := runStatus(t, unprivilegedRawtalk(t, "-l", "127.0.0.1", "1"))
	want := "rawtalk: cannot listen on 127.0.0.1 port 1 (tcp): Permission denied\n" +
		"rawtalk: hint: ports below 1024 need root (or CAP_NET_BIND_SERVICE); pick a port above 1023\n"
	if code != 1 || stderr != want {
		t.Errorf("listen: status %d, stderr %q; want 1, %q", code, stderr, want)
	}

	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	code, stderr = runStatus(t, unprivilegedRawtalk(t, "-p", "1", "127.0.0.1", port))
	want = "rawtalk: cannot send from source port 1: Permission denied\n" +
		"rawtalk: hint: ports below 1024 need root (or CAP_NET_BIND_SERVICE)\n"
	if code != 1 || stderr != want {
		t.Errorf("-p 1: status %d, stderr %q; want 1, %q", code, stderr, want)
	}
}
