//go:build !windows

package dial

import "syscall"

// errnosDiffer is false: the system's error numbers are POSIX's.
const errnosDiffer = false

// posixErrno is errno itself: the system's numbers are POSIX's.
func posixErrno(errno syscall.Errno) syscall.Errno { return errno }
