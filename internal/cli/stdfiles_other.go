//go:build !unix

package cli

// ProtectStdFiles has nothing to do where a new socket cannot take the
// number of a closed standard file (Windows handles are not small integers).
func ProtectStdFiles() {}
