//go:build !windows

package telnet

// defaultTermType is empty: on Unix an unset TERM means an unknown
// terminal, and TERMINAL-TYPE is refused, as telnet does.
const defaultTermType = ""
