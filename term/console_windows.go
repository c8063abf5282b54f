package term

import (
	"os"

	"golang.org/x/sys/windows"
)

// EnableVirtualTerminal lets the console understand escape sequences
// written to files that are the console (stdout, stderr), with a bare LF
// still returning to column 0, and returns what puts their modes back.
// Files that are not the console are left alone.
func EnableVirtualTerminal(files ...*os.File) (restore func()) {
	type saved struct {
		h    windows.Handle
		mode uint32
	}
	var modes []saved
	for _, f := range files {
		h := windows.Handle(f.Fd())
		var mode uint32
		if windows.GetConsoleMode(h, &mode) != nil {
			continue
		}
		modes = append(modes, saved{h, mode})
		setOutputMode(h, mode)
	}
	return func() {
		for _, s := range modes {
			windows.SetConsoleMode(s.h, s.mode)
		}
	}
}
