//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package cli

import "golang.org/x/sys/unix"

// ioctlGetTermios reads a terminal's mode: TIOCGETA on macOS and the BSDs.
const ioctlGetTermios = unix.TIOCGETA
