package telnet

// TermType is the terminal type to offer a server for TERMINAL-TYPE: $TERM
// as getenv gives it, or where TERM is not set by convention (Windows),
// the type its console emulates (termtype_windows.go).
func TermType(getenv func(string) string) string {
	if t := getenv("TERM"); t != "" {
		return t
	}
	return defaultTermType
}
