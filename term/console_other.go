//go:build !windows

package term

import "os"

// EnableVirtualTerminal has nothing to do where terminals understand escape
// sequences from the start; see console_windows.go.
func EnableVirtualTerminal(files ...*os.File) (restore func()) {
	return func() {}
}
