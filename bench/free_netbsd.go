package main

import "golang.org/x/sys/unix"

// free is the space left on dir's file system, or 0 if unknown: NetBSD
// has statvfs, not statfs.
func free(dir string) int64 {
	var st unix.Statvfs_t
	if unix.Statvfs(dir, &st) != nil {
		return 0
	}
	return int64(st.Bavail) * int64(st.Frsize)
}
