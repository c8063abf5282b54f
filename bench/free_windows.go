package main

import "golang.org/x/sys/windows"

// free is the space left to this user on dir's volume, or 0 if unknown.
func free(dir string) int64 {
	name, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0
	}
	var avail, total, totalFree uint64
	if windows.GetDiskFreeSpaceEx(name, &avail, &total, &totalFree) != nil {
		return 0
	}
	return int64(avail)
}
