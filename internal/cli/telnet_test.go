package cli

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// serveTelnetd is a scripted telnetd for the scripts. Like Debian's, it
// asks for the terminal type and the window size and offers to echo and to
// suppress go-ahead; if the client agreed to send its terminal type, it
// asks for it. Then it prompts for a login and a password and reports what
// it got: the client's answers in order, with option numbers, and the two
// lines quoted. Its data has IAC commands and a CR NUL mixed in, which a
// telnet client must not show. It does not rely on the order in which
// answers and typed lines arrive, since piped input goes out at once.
func serveTelnetd(c *net.TCPConn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	in := &telnetdReader{r: bufio.NewReader(c)}
	c.Write([]byte{iac, do, 24, iac, do, 31, iac, will, 1, iac, will, 3})
	var answers []string
	for len(answers) < 4 {
		a, ok := in.command()
		if !ok {
			break
		}
		answers = append(answers, a)
	}
	if slices.Contains(answers, "WILL 24") {
		c.Write([]byte{iac, sb, 24, 1, iac, se})
		if a, ok := in.command(); ok {
			answers = append(answers, a)
		}
	}
	if len(answers) == 0 {
		answers = []string{"none"}
	}
	io.WriteString(c, "login: ")
	user := in.line()
	io.WriteString(c, "Password: ")
	password := in.line()
	io.WriteString(c, "ok\r\nwel\xff\xf1come\xff\xf9\r\x00\n") // IAC NOP, IAC GA, CR NUL
	fmt.Fprintf(c, "answers: %s\r\n", strings.Join(answers, ", "))
	fmt.Fprintf(c, "lines: %q %q\r\n", user, password)
}

const (
	iac  = 255
	sb   = 250
	se   = 240
	will = 251
	wont = 252
	do   = 253
	dont = 254
)

// telnetdReader takes the client's stream apart on its own, without the
// package under test: commands in words with option numbers ("WILL 24",
// "SB 24 IS XTERM"), data bytes into lines.
type telnetdReader struct {
	r        *bufio.Reader
	commands []string
	data     []byte
	eof      bool
}

// command returns the client's next command, reading on as needed.
func (t *telnetdReader) command() (string, bool) {
	for len(t.commands) == 0 && t.next() {
	}
	if len(t.commands) == 0 {
		return "", false
	}
	c := t.commands[0]
	t.commands = t.commands[1:]
	return c, true
}

// line returns the client's next line of data with its line end, or what
// is left at EOF.
func (t *telnetdReader) line() string {
	for {
		if i := strings.IndexByte(string(t.data), '\n'); i >= 0 {
			l := string(t.data[:i+1])
			t.data = t.data[i+1:]
			return l
		}
		if !t.next() {
			l := string(t.data)
			t.data = nil
			return l
		}
	}
}

// next reads one data byte or one command.
func (t *telnetdReader) next() bool {
	if t.eof {
		return false
	}
	b, err := t.r.ReadByte()
	if err != nil {
		t.eof = true
		return false
	}
	if b != iac {
		t.data = append(t.data, b)
		return true
	}
	verb, err := t.r.ReadByte()
	if err != nil {
		t.eof = true
		return false
	}
	switch verb {
	case iac:
		t.data = append(t.data, iac)
	case will, wont, do, dont:
		opt, _ := t.r.ReadByte()
		t.commands = append(t.commands, fmt.Sprintf("%s %d", map[byte]string{will: "WILL", wont: "WONT", do: "DO", dont: "DONT"}[verb], opt))
	case sb:
		body, _ := t.r.ReadBytes(se)
		body = body[:max(0, len(body)-2)] // IAC SE
		if len(body) > 2 && body[1] == 0 {
			t.commands = append(t.commands, fmt.Sprintf("SB %d IS %s", body[0], body[2:]))
		} else {
			t.commands = append(t.commands, fmt.Sprintf("SB % x", body))
		}
	default:
		t.commands = append(t.commands, fmt.Sprintf("IAC %d", verb))
	}
	return true
}

func TestTelnetByPort(t *testing.T) {
	for _, tt := range []struct {
		choice telnetChoice
		port   int
		want   bool
	}{
		{telnetByPort, 23, true},
		{telnetByPort, 2323, false},
		{telnetOn, 80, true},
		{telnetOff, 23, false},
	} {
		if got := tt.choice.on(tt.port); got != tt.want {
			t.Errorf("choice %d, port %d: on = %v, want %v", tt.choice, tt.port, got, tt.want)
		}
	}
}

func TestTelnetFlagsLastWins(t *testing.T) {
	for args, want := range map[string]telnetChoice{
		"":                     telnetByPort,
		"--telnet":             telnetOn,
		"--no-telnet":          telnetOff,
		"--telnet --no-telnet": telnetOff,
		"--no-telnet --telnet": telnetOn,
		"--telnet=false":       telnetOff,
		"--no-telnet=false":    telnetOn,
	} {
		var o options
		if err := newFlagSet(&o).Parse(strings.Fields(args)); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if o.telnet != want {
			t.Errorf("%q: choice %d, want %d", args, o.telnet, want)
		}
	}
}
