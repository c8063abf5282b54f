//go:build unix

package term

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// KeyReader gives the keystrokes of the terminal on stdin through a second
// open of the same terminal device, which Go's poller can wait on: the
// session can then stop reading when it ends (SetReadDeadline), instead of
// leaving a read blocked until the next keypress. The shell's own file
// stays as it was (blocking). The device is named by /proc where there is
// one (Linux), else found in /dev by its device number: macOS and the BSDs
// have no /proc, and their kqueue cannot poll /dev/tty, only the real
// device (/dev/ttys003, /dev/pts/2). If no device is found, stdin is
// returned and the last read stays blocked until a key or exit.
func KeyReader(stdin *os.File) io.Reader {
	rdev, ok := charDevice(stdin)
	if !ok {
		return stdin
	}
	for _, name := range ttyNames(fdOf(stdin), rdev) {
		if f := openPollable(name, rdev); f != nil {
			return f
		}
	}
	return stdin
}

// charDevice is the device number of f, if f is a character device. It
// stays off f.Fd(), which would put a pollable file in blocking mode.
func charDevice(f *os.File) (rdev uint64, ok bool) {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Rdev), true
}

// fdOf is f's descriptor number, -1 if unknown, read without f.Fd().
func fdOf(f *os.File) int {
	n := -1
	if raw, err := f.SyscallConn(); err == nil {
		raw.Control(func(fd uintptr) { n = int(fd) })
	}
	return n
}

// ttyNames are the candidate device names of the terminal on fd, whose
// device number is rdev: the name /proc gives first, where there is one,
// then what /dev holds under that number.
func ttyNames(fd int, rdev uint64) []string {
	var names []string
	if name := procTTYName(fd); name != "" {
		names = append(names, name)
	}
	if name := findDevice(rdev); name != "" {
		names = append(names, name)
	}
	return names
}

// openPollable opens the terminal device name for reading, if it is still
// the device rdev and Go's poller accepts it; otherwise it returns nil.
func openPollable(name string, rdev uint64) *os.File {
	f, err := os.OpenFile(name, os.O_RDONLY|unix.O_NOCTTY, 0)
	if err != nil {
		return nil
	}
	if got, ok := charDevice(f); !ok || got != rdev ||
		f.SetReadDeadline(time.Time{}) != nil { // not pollable: os.ErrNoDeadline
		f.Close()
		return nil
	}
	return f
}

// deviceDirs are where terminal devices live: /dev/pts on Linux, FreeBSD
// and NetBSD; /dev itself on macOS (ttysNNN) and OpenBSD (ttypN).
var deviceDirs = []string{"/dev/pts", "/dev"}

// findDevice is the path of the character device rdev under deviceDirs,
// or "". Links are skipped: /dev/stdin and /dev/fd lead back through /proc
// or to the file we already have.
func findDevice(rdev uint64) string {
	for _, dir := range deviceDirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.Type()&os.ModeCharDevice == 0 || e.Type()&os.ModeSymlink != 0 {
				continue
			}
			path := filepath.Join(dir, e.Name())
			var st unix.Stat_t
			if unix.Lstat(path, &st) == nil && uint64(st.Rdev) == rdev {
				return path
			}
		}
	}
	return ""
}
