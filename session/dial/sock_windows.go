package dial

import "syscall"

// sockHandle is how syscall names a socket: a Windows handle.
type sockHandle = syscall.Handle
