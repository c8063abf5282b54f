//go:build aix || linux || solaris || zos

package term

import "golang.org/x/sys/unix"

// Linux and the System V family name the termios ioctls TCGETS and TCSETS.
const (
	ioctlGetTermios = unix.TCGETS
	ioctlSetTermios = unix.TCSETS
)
