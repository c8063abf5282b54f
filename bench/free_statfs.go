//go:build linux || darwin || freebsd || dragonfly

package main

import "golang.org/x/sys/unix"

// free is the space left on dir's file system, or 0 if unknown. The
// statfs fields' types differ between systems and architectures.
func free(dir string) int64 {
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil {
		return 0
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
