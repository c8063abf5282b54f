//go:build !unix

package safefile

import (
	"io/fs"
	"os"
)

// openNoFollow checks with Lstat, then opens: Windows has no O_NOFOLLOW
// for os.OpenFile. A link made between the two is not caught.
func openNoFollow(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if isSymlink(path) {
		return nil, &SymlinkError{Path: path}
	}
	return os.OpenFile(path, flag, perm)
}

// ReadableByOthers is always false here: Windows file modes do not say
// who may read a file (its ACL does), and 0666 is what Stat reports for
// any writable file.
func ReadableByOthers(f *os.File) (fs.FileMode, bool) {
	return 0, false
}
