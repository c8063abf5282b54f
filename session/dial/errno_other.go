//go:build !windows

package dial

import "syscall"

// posixErrno is errno itself: the system's numbers are POSIX's.
func posixErrno(errno syscall.Errno) syscall.Errno { return errno }
