//go:build unix && !linux

package term

// procTTYName is "": macOS and the BSDs have no /proc/self/fd, so
// KeyReader finds the terminal in /dev.
func procTTYName(fd int) string { return "" }
