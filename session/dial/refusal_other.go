//go:build !windows

package dial

import "syscall"

// FastRefusal does nothing where a closed loopback port refuses at once;
// see refusal_windows.go.
func FastRefusal(network, address string, c syscall.RawConn) error { return nil }
