//go:build unix

package dial

// sockHandle is how syscall names a socket: a file descriptor.
type sockHandle = int
