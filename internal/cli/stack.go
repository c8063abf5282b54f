package cli

// The connection stack: what is put around a made connection, dialled or
// accepted, before the session reads it. From the socket up:
//
//	dial (connect.go; the proxy is inside the dialer)
//	TLS at once or after STARTTLS (tls.go, upgrade; interactive: the
//	    live wrapper a typed starttls upgrades, tlsSetup.interactive)
//	transcript (--log), then the view's timing (--timestamps) (learn.go)
//	telnet (--telnet, or port 23); without it by default, interactive
//	    mode peeks at the first read for the try --telnet hint
//
// The view's layer sees only what is sent (it times --timestamps from the
// last send, and dumps sent bytes on a terminal). Piped mode puts telnet
// over it, so it sees the bytes as they go on the wire; interactive mode
// puts it over telnet, so it sees what the user typed.

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/pump"
	"github.com/rawtalk/rawtalk/session/telnet"
	"github.com/rawtalk/rawtalk/term"
)

// converse is the session on a made connection, dialed or accepted:
// a --script, interactive on a terminal, piped otherwise. ts is nil for
// an accepted connection.
func (a *app) converse(conn net.Conn, target dial.Target, ts *tlsSetup) error {
	o := &a.opt
	if ts == nil {
		ts = &tlsSetup{flags: &o.tls}
	}
	ignoreSIGPIPE()

	if o.learn.script != "" {
		return a.learn.runScript(conn, target, a.stdout, o.wait, a.con)
	}
	if a.interactive() {
		var resume *term.Handoff
		for {
			if o.idle > 0 {
				conn = pump.WithIdleTimeout(conn, time.Duration(o.idle))
			}
			handoff, err := a.talk(conn, target, ts, resume)
			if !errors.Is(err, term.ErrReconnect) || a.redial == nil {
				return a.idleEnding(err)
			}
			// reconnect at the escape prompt: the same target again,
			// going on with the history and the transcript.
			if conn, err = a.redial(); err != nil {
				return err
			}
			resume = handoff
		}
	}
	return a.idleEnding(a.pipe(conn, target, ts))
}

// pipe is piped mode, nc's: stdin to the connection, the connection to
// stdout, unchanged but for the layers the flags ask for.
func (a *app) pipe(conn net.Conn, target dial.Target, ts *tlsSetup) error {
	o := &a.opt
	popt := pump.PipeOptions{
		CRLF:         o.crlf,
		HalfClose:    halfCloseAtEOF(o),
		QuitDatagram: o.quit >= 0,
		QuitAfterEOF: seconds(o.quit),
		IdleTimeout:  idleTimeout(o),
	}
	conn, stdout, err := a.learn.piped(conn, target, a.stdout)
	if err != nil {
		return err
	}
	conn = a.pipedTelnet(target, conn, &popt)
	counts, err := pump.Pipe(conn, a.stdin, stdout, popt)
	err = ts.after(err, target, counts, a.con)
	a.sayCounts(counts)
	return err
}

// talk is the interactive session on a terminal: the line editor, the
// escape prompt, and under it the protocol layers the flags asked for
// (TLS now or by starttls later, telnet).
func (a *app) talk(conn net.Conn, target dial.Target, ts *tlsSetup, resume *term.Handoff) (*term.Handoff, error) {
	o := &a.opt
	tty := terminal(a.stdin.(*os.File), a.stdout)
	history := ""
	if !o.noHistory {
		history = term.HistoryPath(os.Getenv)
	}
	eol, _ := term.ParseEOL(o.eol) // checked by checkSessionFlags
	var sess *term.Session         // set below; telnet's hooks run only once it runs
	opt := term.Options{
		EOL:         eol,
		HistoryFile: history,
		RawOutput:   o.rawOutput,
		Peer:        target.Host,
		Banner:      "Escape character is '^]'.",
		Reconnect:   a.redial != nil,
		Resume:      resume,
	}
	telnetMode := o.telnet.on(target.Port)
	if _, isTLS := conn.(*tls.Conn); isTLS || !telnetMode {
		// Not the live STARTTLS wrapper under telnet: telnet needs the
		// TCP socket itself, for urgent data (SO_OOBINLINE).
		conn = ts.interactive(conn, target, &opt)
	}
	conn, err := a.learn.interactive(conn, target, &opt, resume == nil)
	if err != nil {
		return nil, err
	}
	a.learn.explainHint(opt.Proto, a.con)
	if !telnetMode && o.telnet == telnetByPort {
		conn = peekFirstRead(conn, func(first []byte) {
			if telnet.Negotiating(first) {
				sess.Note("rawtalk: hint: " + telnetHint)
			}
		})
	}
	if telnetMode {
		cols, rows := tty.Size()
		cfg := a.telnetConfig(func(line string) { sess.Note(line) })
		cfg.Cols, cfg.Rows = cols, rows
		cfg.OnModeChange = func(m telnet.Mode) { sess.ServerMode(m.CharacterMode(), m.LocalEcho()) }
		tc := telnet.NewConn(conn, cfg)
		conn = tc
		opt.Telnet = telnetControl{tc}
	}
	sess = term.New(tty, opt)
	a.learn.warn.onScreen(sess.Note) // the screen is the session's now
	counts, err := sess.Run(a.learn.watch(conn))
	a.learn.warn.onScreen(nil)
	a.sayCounts(pump.Counts(counts))
	return sess.Handoff(), err
}

// sayCounts is -v's last line.
func (a *app) sayCounts(counts pump.Counts) {
	a.con.verbosef("rawtalk: %d bytes sent, %d bytes received in %.2f seconds",
		counts.Sent, counts.Received, counts.Elapsed.Seconds())
}

// telnetConfig is telnet mode's settings; negotiation is shown through
// note with -v or --show-negotiation.
func (a *app) telnetConfig(note func(string)) telnet.Config {
	cfg := telnet.Config{TermType: telnet.TermType(os.Getenv)}
	if a.opt.verbose || a.opt.negotiation {
		cfg.Log = note
	}
	return cfg
}

// pipedTelnet puts the connection in telnet mode when that is on: conn is
// wrapped so that the server's IAC sequences are answered and kept off
// stdout, and the user's 0xFF and CR bytes are sent the telnet way. That
// costs piped mode its zero-copy path. When telnet mode is off only by
// default, a server that opens with negotiation gets a hint to try it.
func (a *app) pipedTelnet(t dial.Target, conn net.Conn, popt *pump.PipeOptions) net.Conn {
	o := &a.opt
	if !o.telnet.on(t.Port) {
		if o.telnet == telnetByPort {
			popt.Peek = func(first []byte) {
				if telnet.Negotiating(first) {
					a.con.hintf("%s", telnetHint)
				}
			}
		}
		return conn
	}
	return telnet.NewConn(conn, a.telnetConfig(func(line string) { a.con.sayf("%s", line) }))
}

// telnetHint is for a server that opens with telnet negotiation while
// telnet mode is off only by default: piped and on a terminal alike.
const telnetHint = "the server is negotiating telnet options; try --telnet"

// peekFirstRead shows peek the first bytes read from conn, once, as
// piped mode's Peek does, keeping what conn can do (pump.Layer).
func peekFirstRead(conn net.Conn, peek func(first []byte)) net.Conn {
	p := &firstReadPeeker{Conn: conn, peek: peek}
	return pump.Layer(p, conn, func() error { return conn.(interface{ CloseWrite() error }).CloseWrite() })
}

type firstReadPeeker struct {
	net.Conn
	once sync.Once
	peek func(first []byte)
}

func (p *firstReadPeeker) Read(b []byte) (int, error) {
	n, err := p.Conn.Read(b)
	if n > 0 {
		p.once.Do(func() { p.peek(b[:n]) })
	}
	return n, err
}

// idleEnding reports a session that an idle timeout ended: -i says so and
// exits 1, like ncat; -w (nc's) says so only with -v and exits 0.
func (a *app) idleEnding(err error) error {
	var idle *pump.IdleError
	if !errors.As(err, &idle) {
		return err
	}
	if a.opt.idle > 0 {
		return fmt.Errorf("idle timeout: %w", idle)
	}
	a.con.verbosef("rawtalk: %s", idle)
	return nil
}

// idleTimeout is piped mode's idle limit: -i, else -w (nc's).
func idleTimeout(o *options) time.Duration {
	if o.idle > 0 {
		return time.Duration(o.idle)
	}
	return seconds(o.wait)
}

// terminal describes the user's terminal to the session. Keys are read
// through a reader the session can cancel at its end (term.KeyReader: a
// second, pollable open of the terminal device on Unix, found without
// /proc too; a console reader with a cancel event on Windows), instead of
// leaving a read blocked until the next keypress.
func terminal(stdin *os.File, stdout io.Writer) term.Terminal {
	return term.Terminal{In: term.KeyReader(stdin), Out: stdout, Fd: int(stdin.Fd())}
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
