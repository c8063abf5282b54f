package main

import "golang.org/x/sys/unix"

// free is the space left on dir's file system, or 0 if unknown.
func free(dir string) int64 {
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil {
		return 0
	}
	return int64(st.F_bavail) * int64(st.F_bsize)
}
