package telnet

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// maxSubnegotiation bounds one SB ... IAC SE. The subnegotiations rawtalk
// answers are a few bytes long; a longer one is dropped whole, so a server
// cannot make rawtalk hold more than this.
const maxSubnegotiation = 1024

// maxTermType is RFC 1091's limit on a terminal type name.
const maxTermType = 40

// Config is how rawtalk presents itself to a telnet server.
type Config struct {
	// TermType is sent when the server asks for TERMINAL-TYPE, usually
	// $TERM; telnet sends it upper-cased and so does rawtalk. Empty refuses
	// the option.
	TermType string
	// Cols and Rows are the window size reported with NAWS; zero refuses
	// NAWS (piped mode has no window).
	Cols, Rows int
	// Log, if set, receives each negotiation step in the words of telnet's
	// `toggle options`: "RCVD DO TERMINAL TYPE", "SENT WILL TERMINAL TYPE".
	Log func(line string)
	// OnModeChange, if set, is called when the server starts or stops
	// echoing or suppressing go-ahead, with the new mode.
	OnModeChange func(Mode)
}

// Mode is what the negotiation means for the person at the keyboard.
type Mode struct {
	// RemoteEcho: the server echoes what it receives (it said WILL ECHO and
	// rawtalk agreed), so the terminal must not echo keys itself.
	RemoteEcho bool
	// SuppressGoAhead: the server said WILL SUPPRESS-GO-AHEAD; telnet then
	// sends each key as it is typed instead of a line at a time.
	SuppressGoAhead bool
}

// CharacterMode tells whether keys go to the server one at a time, as
// telnet decides it: once the server suppresses go-ahead.
func (m Mode) CharacterMode() bool { return m.SuppressGoAhead }

// LocalEcho tells whether the terminal should show what is typed: only
// while the server does not echo it.
func (m Mode) LocalEcho() bool { return !m.RemoteEcho }

// Option is one telnet option in effect.
type Option struct {
	Code   byte
	Remote bool // the server performs it; otherwise rawtalk does
}

// String is the option for `status`: "ECHO (server)", "NAWS (rawtalk)".
func (o Option) String() string {
	if o.Remote {
		return OptionName(o.Code) + " (server)"
	}
	return OptionName(o.Code) + " (rawtalk)"
}

// decodeState is where the decoder is inside the telnet grammar; it is
// carried across Decode calls, so input may be split anywhere.
type decodeState uint8

const (
	stData   decodeState = iota // user data
	stIAC                       // after IAC
	stVerb                      // after IAC WILL/WONT/DO/DONT, expecting the option
	stSB                        // after IAC SB, expecting the option
	stSBData                    // inside a subnegotiation
	stSBIAC                     // after IAC inside a subnegotiation
)

// optState holds what rawtalk knows about one option, as bits.
type optState uint8

const (
	usOn       optState = 1 << iota // rawtalk performs the option (the server said DO, rawtalk WILL)
	himOn                           // the server performs it (it said WILL, rawtalk DO)
	usRefused                       // rawtalk answered DO with WONT once: never again
	himRefused                      // rawtalk answered WILL with DONT once: never again
)

// Client is the protocol state of the client side of one telnet connection:
// Decode takes the server's bytes apart and answers negotiation. It is not
// safe for concurrent use; Conn adds the locking.
//
// Negotiation is RFC 1143's Q method reduced to what a client that never
// starts a negotiation needs: an option is on or off, and only a request to
// change that state is answered. A refusal is sent once per option: RFC 1143
// would refuse each repeated request, but a peer that asks again after a
// refusal is the one kind that could loop, and no real server needs more.
type Client struct {
	cfg        Config
	termType   string // cfg.TermType made safe to send: printable, upper case, at most 40 bytes
	cols, rows int    // the window size for NAWS

	state     decodeState
	afterCR   bool   // the last data byte was CR: a NUL next is its padding (RFC 854)
	verb      byte   // WILL, WONT, DO or DONT, in stVerb
	sbOpt     byte   // the option of the subnegotiation being read
	sb        []byte // its body so far, at most maxSubnegotiation bytes
	sbTooLong bool   // the body outgrew maxSubnegotiation: drop it at its end

	opts  [256]optState
	mode  Mode
	reply []byte // answers being built during one Decode
}

// NewClient returns the protocol state of a new connection.
func NewClient(cfg Config) *Client {
	return &Client{cfg: cfg, termType: cleanTermType(cfg.TermType), cols: cfg.Cols, rows: cfg.Rows}
}

// cleanTermType keeps what RFC 1091 allows in a terminal type: printable
// ASCII without spaces, at most 40 characters, in upper case as telnet
// sends it.
func cleanTermType(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < maxTermType; i++ {
		if c := s[i]; c > ' ' && c < 0x7f {
			b.WriteByte(c)
		}
	}
	return strings.ToUpper(b.String())
}

// Decode consumes in, the next bytes from the server, appends the user data
// they hold to data and the bytes to send back to reply, and returns both.
// IAC sequences never reach data: IAC IAC becomes one 0xFF, a CR's NUL
// padding is dropped, everything else is protocol. in may end anywhere, even
// inside a command; the rest is understood on the next call.
//
// data may be in[:0]: the user data is never longer than the input it came
// from, so decoding in place is safe and copies nothing on plain text.
func (c *Client) Decode(data, reply, in []byte) ([]byte, []byte) {
	c.reply = reply
	for len(in) > 0 {
		switch c.state {
		case stData:
			i := bytes.IndexByte(in, IAC)
			if i < 0 {
				data = c.appendText(data, in)
				in = nil
				continue
			}
			data = c.appendText(data, in[:i])
			c.afterCR = false
			c.state = stIAC
			in = in[i+1:]
			continue
		case stSBData:
			i := bytes.IndexByte(in, IAC)
			if i < 0 {
				c.addSB(in)
				in = nil
				continue
			}
			c.addSB(in[:i])
			c.state = stSBIAC
			in = in[i+1:]
			continue
		}
		b := in[0]
		in = in[1:]
		switch c.state {
		case stIAC:
			data = c.command(data, b)
		case stVerb:
			c.state = stData
			c.negotiate(c.verb, b)
		case stSB:
			if c.sb == nil {
				c.sb = make([]byte, 0, maxSubnegotiation) // never grows past this
			}
			c.sbOpt, c.sb, c.sbTooLong = b, c.sb[:0], false
			c.state = stSBData
		case stSBIAC:
			switch b {
			case IAC:
				c.addSB([]byte{IAC})
				c.state = stSBData
			case SE:
				c.state = stData
				c.subnegotiation()
			default:
				// IAC and anything but SE or IAC ends a subnegotiation
				// badly; like BSD telnet, take what came as complete and
				// read this byte as the command it introduces, so that a
				// broken server cannot swallow the rest of the session.
				c.subnegotiation()
				data = c.command(data, b)
			}
		}
	}
	reply, c.reply = c.reply, nil
	return data, reply
}

// appendText appends plain bytes to data, dropping the NUL after a CR
// (RFC 854 sends a bare CR as CR NUL). CR LF passes unchanged.
func (c *Client) appendText(data, text []byte) []byte {
	if len(text) == 0 {
		return data
	}
	if c.afterCR && text[0] == 0 {
		text = text[1:]
	}
	c.afterCR = false
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\r')
		if i < 0 {
			return append(data, text...)
		}
		data = append(data, text[:i+1]...)
		text = text[i+1:]
		if len(text) == 0 {
			c.afterCR = true
		} else if text[0] == 0 {
			text = text[1:]
		}
	}
	return data
}

// command handles the byte after an IAC outside a subnegotiation.
func (c *Client) command(data []byte, b byte) []byte {
	c.state = stData
	switch b {
	case IAC:
		return append(data, IAC)
	case WILL, WONT, DO, DONT:
		c.verb = b
		c.state = stVerb
	case SB:
		c.state = stSB
	default:
		// NOP, GA, DM and the rest mean nothing to a client reading a
		// stream; they are dropped, and shown in the trace.
		if c.cfg.Log != nil {
			c.trace("RCVD IAC", CommandName(b))
		}
	}
	return data
}

func (c *Client) addSB(p []byte) {
	if room := maxSubnegotiation - len(c.sb); len(p) > room {
		p = p[:room]
		c.sbTooLong = true
	}
	c.sb = append(c.sb, p...)
}

// negotiate answers one WILL, WONT, DO or DONT.
func (c *Client) negotiate(verb, opt byte) {
	if c.cfg.Log != nil {
		c.trace("RCVD", CommandName(verb), OptionName(opt))
	}
	st := &c.opts[opt]
	switch verb {
	case WILL:
		switch {
		case *st&himOn != 0:
		case acceptRemote(opt):
			*st |= himOn
			c.send(DO, opt)
		case *st&himRefused == 0:
			*st |= himRefused
			c.send(DONT, opt)
		}
	case WONT:
		if *st&himOn != 0 {
			*st &^= himOn
			c.send(DONT, opt)
		}
	case DO:
		switch {
		case *st&usOn != 0:
		case c.acceptLocal(opt):
			*st |= usOn
			c.send(WILL, opt)
			if opt == OptNAWS {
				c.sendWindowSize()
			}
		case *st&usRefused == 0:
			*st |= usRefused
			c.send(WONT, opt)
		}
	case DONT:
		if *st&usOn != 0 {
			*st &^= usOn
			c.send(WONT, opt)
		}
	}
	c.noteMode()
}

// acceptRemote lists what the server may do: echo for us, and not send GA.
func acceptRemote(opt byte) bool { return opt == OptEcho || opt == OptSGA }

// acceptLocal lists what rawtalk does when asked. It never sends GA, so
// suppressing it costs nothing.
func (c *Client) acceptLocal(opt byte) bool {
	switch opt {
	case OptSGA:
		return true
	case OptTTYPE:
		return c.termType != ""
	case OptNAWS:
		return c.cols > 0 && c.rows > 0
	}
	return false
}

func (c *Client) send(verb, opt byte) {
	c.reply = append(c.reply, IAC, verb, opt)
	if c.cfg.Log != nil {
		c.trace("SENT", CommandName(verb), OptionName(opt))
	}
}

// subnegotiation acts on a complete SB ... IAC SE: only TERMINAL-TYPE SEND
// needs an answer; a body cut short by the size cap is dropped.
func (c *Client) subnegotiation() {
	if c.cfg.Log != nil {
		c.trace("RCVD IAC SB", describeSB(c.sbOpt, c.sb, c.sbTooLong))
	}
	if c.sbTooLong {
		return
	}
	if c.sbOpt == OptTTYPE && len(c.sb) == 1 && c.sb[0] == ttypeSEND && c.opts[OptTTYPE]&usOn != 0 {
		c.reply = append(c.reply, IAC, SB, OptTTYPE, ttypeIS)
		c.reply = append(c.reply, c.termType...)
		c.reply = append(c.reply, IAC, SE)
		if c.cfg.Log != nil {
			c.trace("SENT IAC SB TERMINAL-TYPE IS", strconv.Quote(c.termType))
		}
	}
}

// describeSB renders a received subnegotiation for the trace, the way
// telnet does for the ones rawtalk knows and as numbers otherwise.
func describeSB(opt byte, body []byte, tooLong bool) string {
	var b strings.Builder
	b.WriteString(subOptionName(opt))
	switch {
	case opt == OptTTYPE && len(body) == 1 && body[0] == ttypeSEND:
		b.WriteString(" SEND")
	default:
		const shown = 16
		for i, v := range body {
			if i == shown {
				b.WriteString(" ...")
				break
			}
			fmt.Fprintf(&b, " %d", v)
		}
	}
	if tooLong {
		fmt.Fprintf(&b, " (longer than %d bytes, dropped)", maxSubnegotiation)
	}
	return b.String()
}

// Resize records a new window size and appends to reply the NAWS report to
// send, if the server asked for NAWS; otherwise the size is kept for when it
// does. Call it whenever the terminal is resized.
func (c *Client) Resize(reply []byte, cols, rows int) []byte {
	c.cols, c.rows = clamp16(cols), clamp16(rows)
	c.reply = reply
	if c.opts[OptNAWS]&usOn != 0 {
		c.sendWindowSize()
	}
	reply, c.reply = c.reply, nil
	return reply
}

// sendWindowSize appends IAC SB NAWS WIDTH HEIGHT IAC SE, both 16-bit big
// endian with any 0xFF byte doubled (RFC 1073).
func (c *Client) sendWindowSize() {
	c.reply = append(c.reply, IAC, SB, OptNAWS)
	for _, v := range []int{c.cols, c.rows} {
		for _, b := range []byte{byte(v >> 8), byte(v)} {
			c.reply = append(c.reply, b)
			if b == IAC {
				c.reply = append(c.reply, IAC)
			}
		}
	}
	c.reply = append(c.reply, IAC, SE)
	if c.cfg.Log != nil {
		c.trace(fmt.Sprintf("SENT IAC SB NAWS %d %d (%d) %d %d (%d)",
			c.cols>>8, c.cols&0xff, c.cols, c.rows>>8, c.rows&0xff, c.rows))
	}
}

func clamp16(v int) int { return max(0, min(v, 0xffff)) }

// noteMode tells OnModeChange about a change of echo or go-ahead.
func (c *Client) noteMode() {
	m := Mode{
		RemoteEcho:      c.opts[OptEcho]&himOn != 0,
		SuppressGoAhead: c.opts[OptSGA]&himOn != 0,
	}
	if m != c.mode {
		c.mode = m
		if c.cfg.OnModeChange != nil {
			c.cfg.OnModeChange(m)
		}
	}
}

// Mode is the current echo and go-ahead state.
func (c *Client) Mode() Mode { return c.mode }

// Options lists the options in effect, the server's first, for `status`.
func (c *Client) Options() []Option {
	var list []Option
	for _, remote := range []bool{true, false} {
		bit := usOn
		if remote {
			bit = himOn
		}
		for code, st := range c.opts {
			if st&bit != 0 {
				list = append(list, Option{Code: byte(code), Remote: remote})
			}
		}
	}
	return list
}

// trace gives Log one line made of words. Callers check cfg.Log first, so
// that decoding without a trace builds no strings and allocates nothing.
func (c *Client) trace(words ...string) {
	c.cfg.Log(strings.Join(words, " "))
}
