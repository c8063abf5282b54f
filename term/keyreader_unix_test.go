//go:build unix

package term

import (
	"os"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// The terminal device is found in /dev by its number, the way macOS and
// the BSDs (no /proc) must find it, and KeyReader's file can be stopped
// with a deadline, which stdin (opened blocking) cannot.
func TestKeyReaderFindsTheDeviceInDev(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(slave.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	if got := findDevice(uint64(st.Rdev)); got != slave.Name() {
		t.Fatalf("findDevice = %q, want %q", got, slave.Name())
	}

	// A blocking descriptor, as a shell hands rawtalk its stdin.
	fd, err := unix.Dup(int(slave.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	unix.SetNonblock(fd, false)
	stdin := os.NewFile(uintptr(fd), "stdin")
	defer stdin.Close()
	if stdin.SetReadDeadline(time.Now()) == nil {
		t.Fatal("the blocking stdin takes a deadline: the test proves nothing")
	}
	keys := KeyReader(stdin)
	f, ok := keys.(*os.File)
	if !ok || f == stdin {
		t.Fatalf("KeyReader gave %T %v, want a second open of %s", keys, keys, slave.Name())
	}
	defer f.Close()
	// A deadline that passes while the read waits: a file in blocking
	// mode would stay in the kernel until a key.
	f.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	done := make(chan error, 1)
	go func() {
		_, err := f.Read(make([]byte, 1))
		done <- err
	}()
	select {
	case err := <-done:
		if !os.IsTimeout(err) {
			t.Fatalf("read ended with %v, want a timeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a deadline did not stop the blocked read")
	}
}
