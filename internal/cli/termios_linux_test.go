package cli

import "golang.org/x/sys/unix"

// ioctlGetTermios and ioctlSetTermios read and set a terminal's mode:
// TCGETS and TCSETS on Linux.
const (
	ioctlGetTermios = unix.TCGETS
	ioctlSetTermios = unix.TCSETS
)
