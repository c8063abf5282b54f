package cli

import (
	"crypto/tls"
	"io"
	"net"
	"os"
	"strings"

	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/telnet"
	"github.com/rawtalk/rawtalk/term"
)

// talk is the interactive session on a terminal: the line editor, the
// escape prompt, and under it the protocol layers the flags asked for
// (TLS now or by starttls later, telnet).
func talk(o *options, conn net.Conn, target dial.Target, stdin *os.File, stdout io.Writer, eol []byte, tlsSetup *tlsSetup, con *console) error {
	tty := terminal(stdin, stdout)
	history := ""
	if !o.noHistory {
		history = term.HistoryPath(os.Getenv)
	}
	var sess *term.Session // set below; telnet's hooks run only once it runs
	opt := term.Options{
		EOL:         eol,
		HistoryFile: history,
		RawOutput:   o.rawOutput,
		Peer:        target.Host,
		Banner:      "Escape character is '^]'.",
	}
	telnetMode := o.telnet.on(target.Port)
	if _, isTLS := conn.(*tls.Conn); isTLS || !telnetMode {
		// Not the live STARTTLS wrapper under telnet: telnet needs the
		// TCP socket itself, for urgent data (SO_OOBINLINE).
		conn = tlsSetup.interactive(conn, target, &opt)
	}
	conn, err := o.learn.interactive(conn, target, &opt)
	if err != nil {
		return err
	}
	if telnetMode {
		cols, rows := tty.Size()
		cfg := telnet.Config{
			TermType:     os.Getenv("TERM"),
			Cols:         cols,
			Rows:         rows,
			OnModeChange: func(m telnet.Mode) { sess.ServerMode(m.CharacterMode(), m.LocalEcho()) },
		}
		if o.verbose || o.negotiation {
			cfg.Log = func(line string) { sess.Note(line) }
		}
		tc := telnet.NewConn(conn, cfg)
		conn = tc
		opt.Telnet = telnetControl{tc}
	}
	sess = term.New(tty, opt)
	counts, err := sess.Run(o.learn.watch(conn))
	con.verbosef("rawtalk: %d bytes sent, %d bytes received in %.2f seconds",
		counts.Sent, counts.Received, counts.Elapsed.Seconds())
	return err
}

// telnetControl is a telnet connection as the session's escape prompt
// uses it.
type telnetControl struct{ c *telnet.Conn }

func (t telnetControl) Send(name string) error { return t.c.Send(name) }
func (t telnetControl) Resize(cols, rows int) error {
	return t.c.Resize(cols, rows)
}

func (t telnetControl) IsCommand(name string) bool {
	_, err := telnet.SendCommand(strings.ToLower(name))
	return err == nil
}

func (t telnetControl) Options() []string {
	var out []string
	for _, o := range t.c.Options() {
		out = append(out, o.String())
	}
	return out
}
