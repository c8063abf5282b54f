//go:build !linux

package cli

import "net"

// fromUs takes every connection where /proc cannot tell whose it is.
func fromUs(net.Conn) bool { return true }
