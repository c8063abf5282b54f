//go:build unix

package safefile

import (
	"io/fs"
	"os"
	"syscall"
)

// openNoFollow opens with O_NOFOLLOW, so the kernel itself refuses a link
// in the last component (ELOOP on Linux, EMLINK on FreeBSD, EFTYPE on
// NetBSD): there is no moment between a check and the open for a link to
// appear in.
func openNoFollow(path string, flag int, perm fs.FileMode) (*os.File, error) {
	return os.OpenFile(path, flag|syscall.O_NOFOLLOW, perm)
}

// ReadableByOthers reports whether f's permissions let its group or other
// users read it.
func ReadableByOthers(f *os.File) (fs.FileMode, bool) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return 0, false
	}
	return fi.Mode().Perm(), fi.Mode().Perm()&0o044 != 0
}
