package cli

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"sync"

	"github.com/rawtalk/rawtalk/internal/safefile"
	"github.com/rawtalk/rawtalk/script"
	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/transcript"
	"github.com/rawtalk/rawtalk/term"
)

// learning are the learning aids: a transcript (--log), the hex dump,
// visible line endings and timestamps (the view), Tab completion of a
// protocol's commands, and send/expect scripts. prepareLearning opens
// their files before anything is dialled (flags.go checks the flags); the
// mode's method (piped, interactive, runScript) puts them around the
// connection.
type learning struct {
	*learnFlags

	logTo *transcript.Log // the --log file, opened by prepare, shared by every session (-k)
	warn  *logWarning     // says once that the --log file cannot be written
	steps *script.Script  // the --script, parsed by prepare
	view  *term.View      // hex, show-ends, timestamps
	out   io.WriteCloser  // piped: the view on stdout, closed at the end
}

// prepareLearning reads the --script and opens the --log file, so that a
// mistake is reported before anything is dialled.
func prepareLearning(f *learnFlags, stdin io.Reader, con *console) (*learning, error) {
	l := &learning{learnFlags: f}
	if l.script != "" {
		if err := l.readScript(stdin); err != nil {
			return nil, err
		}
	}
	if l.log != "" {
		if err := l.openLog(con); err != nil {
			return nil, err
		}
	}
	if l.hex || l.showEnds || l.timestamps {
		l.view = term.NewView(term.ViewOptions{Hex: l.hex, ShowEnds: l.showEnds, Timestamps: l.timestamps})
	}
	return l, nil
}

func (l *learning) readScript(stdin io.Reader) error {
	name, r := l.script, stdin
	if l.script == "-" {
		name = "stdin"
	} else {
		f, err := os.Open(l.script)
		if err != nil {
			return &dial.ArgError{Arg: l.script, What: "--script file", Reason: dial.Strerror(unwrapPath(err))}
		}
		defer f.Close()
		r = f
	}
	s, err := script.Parse(name, r)
	if err != nil {
		return err
	}
	l.steps = s
	return nil
}

// openLog opens the --log file once, for every session of the run: a
// symbolic link at its name is refused (it could send what is typed,
// passwords too, to a file of someone else's choosing), and a file others
// can read gets a warning. A write that fails later costs the transcript,
// not the session: one warning, and close's non-zero status.
func (l *learning) openLog(con *console) error {
	f, err := transcript.OpenLog(l.log)
	switch {
	case safefile.IsSymlink(err):
		return fmt.Errorf("--log: %w", err)
	case err != nil:
		return &dial.ArgError{Arg: l.log, What: "--log file", Reason: dial.Strerror(unwrapPath(err))}
	}
	if mode, open := safefile.ReadableByOthers(f); open {
		con.errorf("warning: the transcript %s can be read by other users (mode %04o), and it holds what you type, passwords too", l.log, mode)
		con.hintf("chmod 600 %s", l.log)
	}
	l.warn = &logWarning{con: con}
	l.logTo = transcript.NewLog(f, l.log)
	l.logTo.OnFail = l.warn.say
	return nil
}

// logWarning says that the transcript cannot be written (the Log calls
// it once): on stderr, or, once an interactive session owns the terminal,
// above the line being typed.
type logWarning struct {
	con  *console
	mu   sync.Mutex
	note func(string) // the session's Note while it runs
}

func (w *logWarning) say(err *transcript.LogError) {
	line := fmt.Sprintf("warning: %s; the session goes on without it", err)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.note != nil {
		w.note("rawtalk: " + line)
		return
	}
	w.con.errorf("%s", line)
}

// onScreen sends the warning to note (the session's Note) from now on,
// or back to stderr with nil.
func (w *logWarning) onScreen(note func(string)) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.note = note
	w.mu.Unlock()
}

// unwrapPath drops the path from a file error: the message names it.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// transcript wraps conn in a Transcript, logging to --log's file if
// given, under a header of its own: each -k client's session goes in the
// same file. It returns the transcript and the connection to use over it,
// whose Close writes the session's end line.
func (l *learning) transcript(conn net.Conn, target dial.Target, startLog bool) (*transcript.Transcript, net.Conn) {
	t := transcript.New(conn)
	if target.Port != 0 { // dialled: the host as the user named it; accepted: the address says it
		t.Peer = target.Host
	}
	if l.logTo != nil && startLog {
		t.StartLog(l.logTo)
	}
	return t, t.Conn()
}

// piped puts the learning aids around piped mode's connection and stdout.
// Each costs the zero-copy path of the direction it wraps.
func (l *learning) piped(conn net.Conn, target dial.Target, stdout io.Writer) (net.Conn, io.Writer, error) {
	if l.logTo != nil {
		_, conn = l.transcript(conn, target, true)
	}
	if l.view != nil {
		if l.timestamps {
			conn = l.view.Conn(conn)
		}
		l.out = l.view.Writer(stdout)
		stdout = l.out
	}
	return conn, stdout, nil
}

// interactive gives the session the learning aids: a transcript it can
// start and stop (log), the view (hex), and the protocol Tab completes.
// The transcript starts on --log's file unless startLog is false: after a
// reconnect the session goes on with the log the last one was writing.
func (l *learning) interactive(conn net.Conn, target dial.Target, opt *term.Options, startLog bool) (net.Conn, error) {
	t, conn := l.transcript(conn, target, startLog)
	if l.view == nil {
		l.view = term.NewView(term.ViewOptions{})
	}
	opt.Transcript = t
	opt.View = l.view
	opt.Explain = l.explain
	switch l.proto {
	case "none":
	case "":
		opt.Proto = term.ProtocolForPort(target.Port)
	default:
		opt.Proto = l.proto
	}
	return conn, nil
}

// explainHint says, before an interactive session with --explain, when
// there will be no notes because the protocol is unknown.
func (l *learning) explainHint(proto string, con *console) {
	if l.explain && term.ExplainProtocol(proto) == "" {
		con.hintf("--explain needs --proto: %s", term.OrList(term.ExplainProtocols()))
	}
}

// watch is the connection the interactive session writes to, seen by the
// view: it times --timestamps and dumps what is sent.
func (l *learning) watch(conn net.Conn) net.Conn {
	if l.view == nil {
		return conn
	}
	return l.view.Conn(conn)
}

// runScript is --script: the script instead of a session.
func (l *learning) runScript(conn net.Conn, target dial.Target, stdout io.Writer, wait float64, con *console) error {
	conn, stdout, err := l.piped(conn, target, stdout)
	if err != nil {
		return err
	}
	defer conn.Close()
	l.steps.Timeout = seconds(wait)
	if con.verbose {
		l.steps.Trace = func(line string) { con.sayf("rawtalk: script: %s", line) }
	}
	if err := l.steps.Run(conn, stdout); err != nil {
		return err
	}
	con.verbosef("rawtalk: script: %s: every expect matched", l.steps.Name)
	return nil
}

// close finishes what prepare opened: the view's last row on stdout, and
// the --log file. err is how the run ended; close returns it, or, if the
// run went well but the transcript the user asked for is incomplete,
// errLogIncomplete: the warning has been said, and the status is 1.
func (l *learning) close(err error) error {
	if l.out != nil {
		l.out.Close()
	}
	if l.logTo != nil && l.logTo.Close() != nil && err == nil {
		return errLogIncomplete
	}
	return err
}

// demoProto is what Tab completes in a --demo session: the practice
// server's protocol, unless --proto said.
func demoProto(kind, proto string) string {
	if proto != "" {
		return proto
	}
	if slices.Contains(term.Protocols(), kind) {
		return kind
	}
	return "none"
}
