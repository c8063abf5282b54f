//go:build unix

package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// ProtectStdFiles puts /dev/null on a closed stdin, stdout or stderr
// (`rawtalk host port <&-`), so that the socket rawtalk opens next cannot
// take its number and be read or written by mistake.
func ProtectStdFiles() {
	for fd, flag := range []int{os.O_RDONLY, os.O_WRONLY, os.O_WRONLY} {
		var st unix.Stat_t
		if unix.Fstat(fd, &st) != unix.EBADF {
			continue
		}
		if null, err := unix.Open(os.DevNull, flag, 0); err == nil && null != fd {
			unix.Dup2(null, fd)
			unix.Close(null)
		}
	}
}
