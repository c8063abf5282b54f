//go:build !windows

package term

// platformStateDir is "": on Unix the state directory comes from
// XDG_STATE_HOME or HOME alone.
func platformStateDir(getenv func(string) string) string { return "" }
