// Package telnet is the client side of the telnet protocol (RFC 854, 855):
// a streaming decoder that takes the server's bytes apart into user data and
// commands and answers option negotiation as a good client does, an encoder
// for the user's bytes, and a Conn that does both around a net.Conn.
//
// rawtalk agrees to what it implements and refuses the rest: the server may
// ECHO and SUPPRESS GO AHEAD, and rawtalk will SUPPRESS GO AHEAD, send its
// TERMINAL TYPE and its window size (NAWS). Negotiation follows RFC 1143's
// rule of answering only changes of state, so it cannot loop.
package telnet

import "strconv"

// Command bytes (RFC 854, 1184, 885).
const (
	EOF   = 236 // end of file
	SUSP  = 237 // suspend process
	ABORT = 238 // abort process
	EOR   = 239 // end of record
	SE    = 240 // end of subnegotiation
	NOP   = 241 // no operation
	DM    = 242 // data mark, the end of a synch
	BRK   = 243 // break
	IP    = 244 // interrupt process
	AO    = 245 // abort output
	AYT   = 246 // are you there
	EC    = 247 // erase character
	EL    = 248 // erase line
	GA    = 249 // go ahead
	SB    = 250 // start of subnegotiation
	WILL  = 251
	WONT  = 252
	DO    = 253
	DONT  = 254
	IAC   = 255 // interpret as command
)

// Options rawtalk acts on; every other one is refused.
const (
	OptBinary = 0
	OptEcho   = 1  // RFC 857
	OptSGA    = 3  // suppress go ahead, RFC 858
	OptTTYPE  = 24 // terminal type, RFC 1091
	OptNAWS   = 31 // window size, RFC 1073
)

// Subnegotiation qualifiers of TERMINAL-TYPE.
const (
	ttypeIS   = 0
	ttypeSEND = 1
)

// commandNames are the words BSD telnet's `toggle options` prints for the
// commands 236-255 (arpa/telnet.h), so rawtalk's trace reads like telnet's.
var commandNames = [...]string{
	"EOF", "SUSP", "ABORT", "EOR", "SE", "NOP", "DMARK", "BRK", "IP", "AO",
	"AYT", "EC", "EL", "GA", "SB", "WILL", "WONT", "DO", "DONT", "IAC",
}

// CommandName is a command byte's name as telnet prints it, or its number.
func CommandName(b byte) string {
	if b >= EOF {
		return commandNames[b-EOF]
	}
	return strconv.Itoa(int(b))
}

// optionNames are telnet's names for options 0-39 (arpa/telnet.h).
var optionNames = [...]string{
	"BINARY", "ECHO", "RCP", "SUPPRESS GO AHEAD", "NAME", "STATUS",
	"TIMING MARK", "RCTE", "NAOL", "NAOP", "NAOCRD", "NAOHTS", "NAOHTD",
	"NAOFFD", "NAOVTS", "NAOVTD", "NAOLFD", "EXTEND ASCII", "LOGOUT",
	"BYTE MACRO", "DATA ENTRY TERMINAL", "SUPDUP", "SUPDUP OUTPUT",
	"SEND LOCATION", "TERMINAL TYPE", "END OF RECORD", "TACACS UID",
	"OUTPUT MARKING", "TTYLOC", "3270 REGIME", "X.3 PAD", "NAWS", "TSPEED",
	"LFLOW", "LINEMODE", "XDISPLOC", "OLD-ENVIRON", "AUTHENTICATION",
	"ENCRYPT", "NEW-ENVIRON",
}

// OptionName is an option's name as telnet prints it in negotiation
// ("TERMINAL TYPE"), or its number for options telnet has no name for.
func OptionName(opt byte) string {
	if int(opt) < len(optionNames) {
		return optionNames[opt]
	}
	return strconv.Itoa(int(opt))
}

// subOptionNames are the names telnet prints in subnegotiation traces,
// which differ from the negotiation names for a few options.
var subOptionNames = map[byte]string{
	OptTTYPE: "TERMINAL-TYPE",
	32:       "TERMINAL-SPEED",
	33:       "TOGGLE-FLOW-CONTROL",
	35:       "X-DISPLAY-LOCATION",
	36:       "OLD-ENVIRON",
}

func subOptionName(opt byte) string {
	if name, ok := subOptionNames[opt]; ok {
		return name
	}
	return OptionName(opt)
}
