package session

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// pipeSize is what growPipe makes stdout's pipe hold: Linux's default
// limit for an unprivileged process (/proc/sys/fs/pipe-max-size).
const pipeSize = 1 << 20

// growPipe enlarges the pipe that stdout writes into, if it is one. With the
// default 64 KiB each splice from the socket moves at most 64 KiB and wakes
// the reader for every piece; with 1 MiB a 1 GiB download into
// `| cat >/dev/null` measured about 18% faster with 28% less CPU (see
// bench/). Best effort: a pipe that is already larger, or a limit that
// refuses, leaves things as they were.
func growPipe(w io.Writer) {
	f, ok := w.(*os.File)
	if !ok {
		return
	}
	// Control, not Fd: Fd would switch a non-blocking stdout to blocking.
	raw, err := f.SyscallConn()
	if err != nil {
		return
	}
	raw.Control(func(fd uintptr) {
		var st unix.Stat_t
		if unix.Fstat(int(fd), &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
			return
		}
		if size, err := unix.FcntlInt(fd, unix.F_GETPIPE_SZ, 0); err != nil || size >= pipeSize {
			return
		}
		unix.FcntlInt(fd, unix.F_SETPIPE_SZ, pipeSize)
	})
}
