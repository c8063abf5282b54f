package telnet

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// b builds a byte string from strings and single bytes, so that tests can
// write b(IAC, DO, OptTTYPE, "login: ").
func b(parts ...any) []byte {
	var out []byte
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			out = append(out, v...)
		case int:
			out = append(out, byte(v))
		case rune:
			out = append(out, byte(v))
		case byte:
			out = append(out, v)
		case []byte:
			out = append(out, v...)
		default:
			panic(fmt.Sprintf("b: %T", p))
		}
	}
	return out
}

// decoded is everything a Client produced for one input.
type decoded struct {
	data, reply []byte
	log         []string
	modes       []Mode
}

// decodeChunks feeds the chunks to a new Client in turn and collects what
// it produced. The user data is decoded in place, into each chunk's own
// copy, as Conn does.
func decodeChunks(cfg Config, chunks [][]byte) (decoded, *Client) {
	var out decoded
	cfg.Log = func(line string) { out.log = append(out.log, line) }
	cfg.OnModeChange = func(m Mode) { out.modes = append(out.modes, m) }
	c := NewClient(cfg)
	for _, chunk := range chunks {
		in := bytes.Clone(chunk)
		var data []byte
		data, out.reply = c.Decode(in[:0], out.reply, in)
		out.data = append(out.data, data...)
	}
	return out, c
}

// splits returns the input whole, split in two at every byte boundary, and
// byte by byte.
func splits(in []byte) [][][]byte {
	all := [][][]byte{{in}}
	for i := 1; i < len(in); i++ {
		all = append(all, [][]byte{in[:i], in[i:]})
	}
	var bytewise [][]byte
	for i := range in {
		bytewise = append(bytewise, in[i:i+1])
	}
	return append(all, bytewise)
}

func sameDecoded(a, b decoded) bool {
	return bytes.Equal(a.data, b.data) && bytes.Equal(a.reply, b.reply) &&
		slices.Equal(a.log, b.log) && slices.Equal(a.modes, b.modes)
}

var xterm = Config{TermType: "xterm", Cols: 80, Rows: 24}

var decodeTests = []struct {
	name      string
	cfg       Config
	in        []byte
	wantData  []byte
	wantReply []byte
	wantLog   []string // checked when not nil
	wantModes []Mode   // checked when not nil
}{
	{
		name:     "plain text passes unchanged",
		in:       b("220 hello\r\nline two\n"),
		wantData: b("220 hello\r\nline two\n"),
	},
	{
		name:     "IAC IAC is one 0xFF",
		in:       b("a", IAC, IAC, "b", IAC, IAC, IAC, IAC),
		wantData: b("a", 0xff, "b", 0xff, 0xff),
	},
	{
		name:     "CR NUL is a bare CR, CR LF stays",
		in:       b("a\r", 0, "b\r\nc"),
		wantData: b("a\rb\r\nc"),
	},
	{
		name:     "NUL not after CR, and CR before other bytes, pass",
		in:       b("a", 0, "b\rc\r\r", 0),
		wantData: b("a", 0, "b\rc\r\r"),
	},
	{
		name:     "commands are dropped from the data",
		in:       b("a", IAC, NOP, "b", IAC, GA, IAC, DM, IAC, AYT, IAC, BRK, IAC, EOR, IAC, SE, "c"),
		wantData: b("abc"),
		wantLog:  []string{"RCVD IAC NOP", "RCVD IAC GA", "RCVD IAC DMARK", "RCVD IAC AYT", "RCVD IAC BRK", "RCVD IAC EOR", "RCVD IAC SE"},
	},
	{
		name:     "IAC before a byte that is no command drops both",
		in:       b("a", IAC, 'x', "b", IAC, 200, "c"),
		wantData: b("abc"),
		wantLog:  []string{"RCVD IAC 120", "RCVD IAC 200"},
	},
	{
		name:      "a telnetd greeting: answers, mode, then data",
		cfg:       xterm,
		in:        b(IAC, DO, OptTTYPE, IAC, DO, OptNAWS, IAC, WILL, OptEcho, IAC, WILL, OptSGA, IAC, SB, OptTTYPE, ttypeSEND, IAC, SE, "login: "),
		wantData:  b("login: "),
		wantReply: b(IAC, WILL, OptTTYPE, IAC, WILL, OptNAWS, IAC, SB, OptNAWS, 0, 80, 0, 24, IAC, SE, IAC, DO, OptEcho, IAC, DO, OptSGA, IAC, SB, OptTTYPE, ttypeIS, "XTERM", IAC, SE),
		wantLog: []string{
			"RCVD DO TERMINAL TYPE", "SENT WILL TERMINAL TYPE",
			"RCVD DO NAWS", "SENT WILL NAWS", "SENT IAC SB NAWS 0 80 (80) 0 24 (24)",
			"RCVD WILL ECHO", "SENT DO ECHO",
			"RCVD WILL SUPPRESS GO AHEAD", "SENT DO SUPPRESS GO AHEAD",
			"RCVD IAC SB TERMINAL-TYPE SEND", `SENT IAC SB TERMINAL-TYPE IS "XTERM"`,
		},
		wantModes: []Mode{{RemoteEcho: true}, {RemoteEcho: true, SuppressGoAhead: true}},
	},
	{
		name:      "no terminal type and no window: both refused, SEND ignored",
		in:        b(IAC, DO, OptTTYPE, IAC, DO, OptNAWS, IAC, SB, OptTTYPE, ttypeSEND, IAC, SE),
		wantReply: b(IAC, WONT, OptTTYPE, IAC, WONT, OptNAWS),
		wantLog:   []string{"RCVD DO TERMINAL TYPE", "SENT WONT TERMINAL TYPE", "RCVD DO NAWS", "SENT WONT NAWS", "RCVD IAC SB TERMINAL-TYPE SEND"},
	},
	{
		name:      "SEND before DO TERMINAL-TYPE is not answered",
		cfg:       xterm,
		in:        b(IAC, SB, OptTTYPE, ttypeSEND, IAC, SE),
		wantReply: nil,
	},
	{
		name:      "0xFF in the window size is doubled",
		cfg:       Config{Cols: 255, Rows: 0x1ff},
		in:        b(IAC, DO, OptNAWS),
		wantReply: b(IAC, WILL, OptNAWS, IAC, SB, OptNAWS, 0, IAC, IAC, 1, IAC, IAC, IAC, SE),
	},
	{
		name:      "the server asks rawtalk to echo: refused",
		in:        b(IAC, DO, OptEcho),
		wantReply: b(IAC, WONT, OptEcho),
	},
	{
		name:      "rawtalk suppresses go-ahead when asked",
		in:        b(IAC, DO, OptSGA),
		wantReply: b(IAC, WILL, OptSGA),
		wantModes: []Mode{},
	},
	{
		name:      "options rawtalk does not implement are refused",
		in:        b(IAC, WILL, OptBinary, IAC, DO, OptBinary, IAC, DO, 6, IAC, WILL, 200, IAC, DO, 34),
		wantReply: b(IAC, DONT, OptBinary, IAC, WONT, OptBinary, IAC, WONT, 6, IAC, DONT, 200, IAC, WONT, 34),
		wantLog: []string{"RCVD WILL BINARY", "SENT DONT BINARY", "RCVD DO BINARY", "SENT WONT BINARY",
			"RCVD DO TIMING MARK", "SENT WONT TIMING MARK", "RCVD WILL 200", "SENT DONT 200", "RCVD DO LINEMODE", "SENT WONT LINEMODE"},
	},
	{
		name:      "a repeated request is answered once",
		cfg:       xterm,
		in:        b(IAC, WILL, OptEcho, IAC, WILL, OptEcho, IAC, DO, OptTTYPE, IAC, DO, OptTTYPE, IAC, DO, 99, IAC, DO, 99, IAC, WILL, 99, IAC, WILL, 99),
		wantReply: b(IAC, DO, OptEcho, IAC, WILL, OptTTYPE, IAC, WONT, 99, IAC, DONT, 99),
		wantModes: []Mode{{RemoteEcho: true}},
	},
	{
		name:      "switching off is acknowledged once; off when off is ignored",
		cfg:       xterm,
		in:        b(IAC, WILL, OptEcho, IAC, WONT, OptEcho, IAC, WONT, OptEcho, IAC, DO, OptTTYPE, IAC, DONT, OptTTYPE, IAC, DONT, OptTTYPE, IAC, DONT, OptSGA, IAC, WONT, OptSGA),
		wantReply: b(IAC, DO, OptEcho, IAC, DONT, OptEcho, IAC, WILL, OptTTYPE, IAC, WONT, OptTTYPE),
		wantModes: []Mode{{RemoteEcho: true}, {}},
	},
	{
		name:      "an option switched off can be switched on again",
		in:        b(IAC, WILL, OptSGA, IAC, WONT, OptSGA, IAC, WILL, OptSGA),
		wantReply: b(IAC, DO, OptSGA, IAC, DONT, OptSGA, IAC, DO, OptSGA),
		wantModes: []Mode{{SuppressGoAhead: true}, {}, {SuppressGoAhead: true}},
	},
	{
		name:     "unknown subnegotiations are dropped, IAC IAC inside them too",
		in:       b("a", IAC, SB, 32, ttypeSEND, IAC, IAC, 7, IAC, SE, "b"),
		wantData: b("ab"),
		wantLog:  []string{"RCVD IAC SB TERMINAL-SPEED 1 255 7"},
	},
	{
		name:      "a subnegotiation longer than the cap is dropped whole",
		cfg:       xterm,
		in:        b(IAC, DO, OptTTYPE, IAC, SB, OptTTYPE, ttypeSEND, bytes.Repeat([]byte{'x'}, 2000), IAC, SE, "after"),
		wantData:  b("after"),
		wantReply: b(IAC, WILL, OptTTYPE),
	},
	{
		name:      "IAC and a command inside SB ends it, and the command counts",
		cfg:       xterm,
		in:        b(IAC, DO, OptTTYPE, IAC, SB, OptTTYPE, ttypeSEND, IAC, WILL, OptEcho, "x"),
		wantData:  b("x"),
		wantReply: b(IAC, WILL, OptTTYPE, IAC, SB, OptTTYPE, ttypeIS, "XTERM", IAC, SE, IAC, DO, OptEcho),
	},
	{
		name:      "data in a subnegotiation never reaches the screen",
		in:        b(IAC, SB, 99, "secret\r\n", IAC, SE, "shown"),
		wantData:  b("shown"),
		wantReply: nil,
	},
	{
		name:      "the terminal type is cleaned and capped at 40 characters",
		cfg:       Config{TermType: "vt 100\xff" + strings.Repeat("z", 50)},
		in:        b(IAC, DO, OptTTYPE, IAC, SB, OptTTYPE, ttypeSEND, IAC, SE),
		wantReply: b(IAC, WILL, OptTTYPE, IAC, SB, OptTTYPE, ttypeIS, "VT100", strings.Repeat("Z", 35), IAC, SE),
	},
	{
		name:      "every TERMINAL-TYPE SEND gets an answer (RFC 1091)",
		cfg:       xterm,
		in:        b(IAC, DO, OptTTYPE, IAC, SB, OptTTYPE, ttypeSEND, IAC, SE, IAC, SB, OptTTYPE, ttypeSEND, IAC, SE),
		wantReply: b(IAC, WILL, OptTTYPE, IAC, SB, OptTTYPE, ttypeIS, "XTERM", IAC, SE, IAC, SB, OptTTYPE, ttypeIS, "XTERM", IAC, SE),
	},
}

func TestDecode(t *testing.T) {
	for _, tt := range decodeTests {
		t.Run(tt.name, func(t *testing.T) {
			whole, _ := decodeChunks(tt.cfg, [][]byte{tt.in})
			if !bytes.Equal(whole.data, tt.wantData) {
				t.Errorf("data = %q, want %q", whole.data, tt.wantData)
			}
			if !bytes.Equal(whole.reply, tt.wantReply) {
				t.Errorf("reply = % x\nwant    % x", whole.reply, tt.wantReply)
			}
			if tt.wantLog != nil && !slices.Equal(whole.log, tt.wantLog) {
				t.Errorf("log = %q\nwant  %q", whole.log, tt.wantLog)
			}
			if tt.wantModes != nil && !slices.Equal(whole.modes, tt.wantModes) && !(len(whole.modes) == 0 && len(tt.wantModes) == 0) {
				t.Errorf("modes = %+v, want %+v", whole.modes, tt.wantModes)
			}
			for _, chunks := range splits(tt.in) {
				got, _ := decodeChunks(tt.cfg, chunks)
				if !sameDecoded(got, whole) {
					t.Fatalf("split into %d chunks (first %d bytes) decodes differently:\ndata %q reply % x log %q\nwhole: data %q reply % x log %q",
						len(chunks), len(chunks[0]), got.data, got.reply, got.log, whole.data, whole.reply, whole.log)
				}
			}
		})
	}
}

// TestDecodeIntoSeparateBuffer checks that decoding in place and into a
// buffer of its own give the same data.
func TestDecodeIntoSeparateBuffer(t *testing.T) {
	for _, tt := range decodeTests {
		c := NewClient(tt.cfg)
		data, _ := c.Decode(nil, nil, tt.in)
		if !bytes.Equal(data, tt.wantData) {
			t.Errorf("%s: data = %q, want %q", tt.name, data, tt.wantData)
		}
	}
}

func TestResize(t *testing.T) {
	var log []string
	c := NewClient(Config{Log: func(l string) { log = append(log, l) }})
	if got := c.Resize(nil, 100, 40); got != nil {
		t.Fatalf("Resize before NAWS is agreed sent % x", got)
	}
	_, reply := c.Decode(nil, nil, b(IAC, DO, OptNAWS))
	want := b(IAC, WILL, OptNAWS, IAC, SB, OptNAWS, 0, 100, 0, 40, IAC, SE)
	if !bytes.Equal(reply, want) {
		t.Fatalf("DO NAWS after Resize: % x, want % x", reply, want)
	}
	if got, want := c.Resize(nil, 132, 70000), b(IAC, SB, OptNAWS, 0, 132, IAC, IAC, IAC, IAC, IAC, SE); !bytes.Equal(got, want) {
		t.Fatalf("Resize: % x, want % x", got, want)
	}
	if got := log[len(log)-1]; got != "SENT IAC SB NAWS 0 132 (132) 255 255 (65535)" {
		t.Errorf("trace %q", got)
	}
	c.Decode(nil, nil, b(IAC, DONT, OptNAWS))
	if got := c.Resize(nil, 80, 24); got != nil {
		t.Fatalf("Resize after DONT NAWS sent % x", got)
	}
}

func TestModeAndOptions(t *testing.T) {
	c := NewClient(xterm)
	if m := c.Mode(); !m.LocalEcho() || m.CharacterMode() {
		t.Fatalf("a new session is line mode with local echo: %+v", m)
	}
	c.Decode(nil, nil, b(IAC, WILL, OptEcho, IAC, WILL, OptSGA, IAC, DO, OptNAWS, IAC, DO, OptTTYPE, IAC, DO, 99))
	if m := c.Mode(); m.LocalEcho() || !m.CharacterMode() {
		t.Fatalf("after WILL ECHO and WILL SGA: %+v", m)
	}
	var got []string
	for _, o := range c.Options() {
		got = append(got, o.String())
	}
	want := []string{"ECHO (server)", "SUPPRESS GO AHEAD (server)", "TERMINAL TYPE (rawtalk)", "NAWS (rawtalk)"}
	if !slices.Equal(got, want) {
		t.Errorf("Options = %q, want %q", got, want)
	}
}

// TestNoNegotiationLoop puts the client against a naive peer that agrees
// with everything it hears and asks again for whatever is refused, the
// kind of peer that makes careless implementations loop forever.
func TestNoNegotiationLoop(t *testing.T) {
	c := NewClient(xterm)
	in := b(IAC, DO, OptTTYPE, IAC, WILL, OptEcho, IAC, DO, OptEcho, IAC, WILL, OptBinary, IAC, DO, 99)
	for round := 0; ; round++ {
		if round == 10 {
			t.Fatalf("still negotiating after %d rounds: last input % x", round, in)
		}
		_, reply := c.Decode(nil, nil, in)
		if len(reply) == 0 {
			break
		}
		in = naivePeer(reply)
	}
}

// naivePeer answers each of rawtalk's WILL/WONT/DO/DONT: it acknowledges
// agreement, and on a refusal asks again.
func naivePeer(reply []byte) []byte {
	var out []byte
	for i := 0; i+2 < len(reply); i++ {
		if reply[i] != IAC {
			continue
		}
		opt := reply[i+2]
		switch reply[i+1] {
		case WILL:
			out = append(out, IAC, DO, opt)
		case DO:
			out = append(out, IAC, WILL, opt)
		case WONT:
			out = append(out, IAC, DONT, opt, IAC, DO, opt)
		case DONT:
			out = append(out, IAC, WONT, opt, IAC, WILL, opt)
		}
	}
	return out
}

func TestNames(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{OptionName(OptTTYPE), "TERMINAL TYPE"},
		{OptionName(OptSGA), "SUPPRESS GO AHEAD"},
		{OptionName(39), "NEW-ENVIRON"},
		{OptionName(40), "40"},
		{CommandName(DM), "DMARK"},
		{CommandName(IAC), "IAC"},
		{CommandName(7), "7"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
