// Package safefile opens the files rawtalk writes on the user's behalf,
// the history file and --log transcripts, without following a symbolic
// link at their name: a link planted there would send what was typed,
// passwords too, to a file of someone else's choosing (or create it),
// and rawtalk would chmod or append to whatever it points at.
package safefile

import (
	"errors"
	"io/fs"
	"os"
)

// SymlinkError is a path whose last component is a symbolic link, which
// rawtalk refuses to follow.
type SymlinkError struct {
	Path string
}

func (e *SymlinkError) Error() string {
	return e.Path + " is a symbolic link; refusing to follow it"
}

// OpenAppend opens path for writing at its end, creating it with perm if
// it does not exist. If the last component of path is a symbolic link,
// dangling or not, nothing is opened or created and the error is a
// *SymlinkError. Links in the directories above it are followed, as the
// user may keep their files behind one.
func OpenAppend(path string, perm fs.FileMode) (*os.File, error) {
	f, err := openNoFollow(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, perm)
	if err != nil && isSymlink(path) {
		return nil, &SymlinkError{Path: path}
	}
	return f, err
}

func isSymlink(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}

// IsSymlink tells a refused symbolic link from other failures to open.
func IsSymlink(err error) bool {
	var se *SymlinkError
	return errors.As(err, &se)
}
