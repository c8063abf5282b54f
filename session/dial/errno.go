package dial

import (
	"errors"
	"syscall"
)

// IsErrno reports whether err is, or wraps, the system error target, named
// as POSIX names it (syscall.ECONNREFUSED, syscall.EADDRINUSE...), on
// every system. On Windows, Winsock reports its own numbers
// (WSAECONNREFUSED is 10061) and Go's syscall.ECONNREFUSED is a value no
// call returns, so errors.Is alone never matches there (errno_windows.go).
func IsErrno(err error, target syscall.Errno) bool {
	if errors.Is(err, target) {
		return true
	}
	if !errnosDiffer {
		return false // Unix: errors.Is has said it all
	}
	errno, ok := Errno(err)
	return ok && errno == target
}

// IsRefused reports whether err is a refused connection: nothing listens.
func IsRefused(err error) bool { return IsErrno(err, syscall.ECONNREFUSED) }

// Errno is the system error in err, as POSIX names it, and whether err
// holds one at all.
func Errno(err error) (syscall.Errno, bool) {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return 0, false
	}
	return posixErrno(errno), true
}
