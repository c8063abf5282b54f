package telnet

import (
	"fmt"
	"strings"
)

// EscapeChar is the key that opens rawtalk's prompt, Ctrl-], as in telnet.
// `send escape` sends it to the server itself.
const EscapeChar = 0x1d

// sendCommands are the escape prompt's `send NAME` commands, in the order
// help lists them, with the bytes each puts on the wire.
var sendCommands = []struct {
	name  string
	bytes []byte
	what  string
}{
	{"ayt", []byte{IAC, AYT}, "are you there"},
	{"brk", []byte{IAC, BRK}, "break"},
	{"ip", []byte{IAC, IP}, "interrupt process"},
	{"ao", []byte{IAC, AO}, "abort output"},
	{"ec", []byte{IAC, EC}, "erase character"},
	{"el", []byte{IAC, EL}, "erase line"},
	{"eof", []byte{IAC, EOF}, "end of file"},
	{"nop", []byte{IAC, NOP}, "no operation"},
	{"synch", []byte{IAC, DM}, "discard output up to here (the DM byte goes as TCP urgent data)"},
	{"escape", []byte{EscapeChar}, "the escape character ^] itself"},
}

// Commands lists the names `send` accepts, with a few words on each, for
// the escape prompt's help.
func Commands() [][2]string {
	list := make([][2]string, len(sendCommands))
	for i, c := range sendCommands {
		list[i] = [2]string{c.name, c.what}
	}
	return list
}

// SendCommand returns the bytes for the escape prompt's `send NAME`. The
// bytes of synch are IAC DM; telnet also marks the DM as TCP urgent data so
// the server can skip ahead to it, which Conn.Send does.
func SendCommand(name string) ([]byte, error) {
	for _, c := range sendCommands {
		if c.name == strings.ToLower(name) {
			return append([]byte(nil), c.bytes...), nil
		}
	}
	var names []string
	for _, c := range sendCommands {
		names = append(names, c.name)
	}
	list := strings.Join(names, ", ")
	if name == "" {
		return nil, fmt.Errorf("send what? one of: %s", list)
	}
	return nil, fmt.Errorf("unknown send command %q; known: %s", name, list)
}

// Negotiating tells whether the first bytes a server sent are telnet option
// negotiation (IAC followed by WILL, WONT, DO, DONT or SB), for the hint to
// try --telnet when telnet mode is off.
func Negotiating(first []byte) bool {
	return len(first) >= 2 && first[0] == IAC && first[1] >= SB && first[1] <= DONT
}
