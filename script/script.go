// Package script runs a send/expect script over a connection (rawtalk
// --script), to check a line-based service from a shell or CI:
//
//	# an SMTP server greets, and answers EHLO
//	expect ^220[ -]
//	send EHLO me
//	expect ^250 HELP$
//	timeout 2
//	send QUIT
//	expect ^221
//
// send sends its text and CRLF; sendraw sends its text with backslash
// escapes and nothing added; expect waits for a received line that its
// regular expression matches, skipping the lines before it; timeout sets
// how long an expect waits; eof half-closes the connection.
//
// An expect never passes on a fragment: a line without its LF yet may
// match only as a prompt, once the server has gone quiet for Quiet or has
// closed the connection. A long line that arrives in several reads is
// matched whole.
package script

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// DefaultTimeout is how long an expect waits until a timeout command or
// the caller says otherwise.
const DefaultTimeout = 10 * time.Second

// DefaultQuiet is how long the server must stay silent after an unfinished
// line before an expect may match it as a prompt. It is above Linux's
// smallest TCP retransmission timeout (200 ms), so a line held up by one
// lost segment is not taken for a prompt.
const DefaultQuiet = 300 * time.Millisecond

// Script is a parsed script.
type Script struct {
	// Name is the file the script came from, for messages.
	Name string
	// Timeout is how long an expect waits until a timeout command;
	// zero is DefaultTimeout.
	Timeout time.Duration
	// Quiet is how long the server must be silent before an unfinished
	// line may match as a prompt; zero is DefaultQuiet.
	Quiet time.Duration
	// Trace, if set, is told each step as it runs (for -v).
	Trace func(line string)

	steps []step
}

type opcode int

const (
	opSend    opcode = iota // send bytes
	opExpect                // wait for a line matching a regular expression
	opTimeout               // set how long an expect waits
	opEOF                   // half-close: nothing more will be sent
)

// step is one command of a script.
type step struct {
	line    int            // line number in the file, from 1
	op      opcode         // what to do
	data    []byte         // send: the bytes, line ending included
	re      *regexp.Regexp // expect: what a line must match
	timeout time.Duration  // timeout: the new wait
}

// SyntaxError is a malformed script: exit 2.
type SyntaxError struct {
	File string
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Parse reads a script. Lines are commands; blank lines and lines whose
// first non-blank character is # are skipped. A command's argument is
// everything after the single space or tab that follows its name, kept
// exactly, trailing spaces included (a CR before the line's LF is not
// part of it).
func Parse(name string, r io.Reader) (*Script, error) {
	s := &Script{Name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		text := strings.TrimSuffix(sc.Text(), "\r")
		text = strings.TrimLeft(text, " \t")
		if text == "" || text[0] == '#' {
			continue
		}
		st, err := parseLine(text)
		if err != nil {
			return nil, &SyntaxError{File: name, Line: n, Msg: err.Error()}
		}
		st.line = n
		s.steps = append(s.steps, st)
	}
	if err := sc.Err(); err != nil {
		return nil, &SyntaxError{File: name, Line: n + 1, Msg: readError(err)}
	}
	return s, nil
}

// maxLine bounds a script's line, so that a file that is not a script
// (one huge line) is refused rather than read whole.
const maxLine = 1 << 20

// readError says in words why the script could not be read: bufio's and
// os's texts name Go's internals and repeat the file's name.
func readError(err error) string {
	var pe *os.PathError
	switch {
	case errors.Is(err, bufio.ErrTooLong):
		return "line longer than 1 MiB; is this a script? (a big send can be split over several sendraw lines)"
	case errors.As(err, &pe):
		return "cannot read the script: " + pe.Err.Error()
	}
	return "cannot read the script: " + err.Error()
}

func parseLine(text string) (step, error) {
	name, arg := text, ""
	if i := strings.IndexAny(text, " \t"); i >= 0 {
		name, arg = text[:i], text[i+1:]
	}
	switch name {
	case "send":
		return step{op: opSend, data: []byte(arg + "\r\n")}, nil
	case "sendraw":
		if arg == "" {
			return step{}, errors.New(`sendraw needs text: sendraw TEXT (escapes: \r \n \t \e \0 \xNN \\)`)
		}
		data, err := quote.Unescape(arg)
		if err != nil {
			return step{}, err
		}
		return step{op: opSend, data: data}, nil
	case "expect":
		if arg == "" {
			return step{}, errors.New("expect needs a regular expression: expect ^250 ")
		}
		re, err := regexp.Compile(arg)
		if err != nil {
			return step{}, fmt.Errorf("bad regular expression: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
		return step{op: opExpect, re: re}, nil
	case "eof":
		if arg != "" {
			return step{}, errors.New("eof takes no argument")
		}
		return step{op: opEOF}, nil
	case "timeout":
		d, err := parseSeconds(strings.TrimSpace(arg))
		if err != nil {
			return step{}, err
		}
		return step{op: opTimeout, timeout: d}, nil
	}
	return step{}, fmt.Errorf("unknown command %q; a script has send, sendraw, expect, timeout, eof and # comments", name)
}

// parseSeconds reads timeout's argument: seconds (5, 0.5) or a Go
// duration (500ms).
func parseSeconds(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		secs, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return 0, fmt.Errorf("timeout needs seconds (5, 0.5) or a duration (500ms), not %q", s)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("timeout must be more than zero, not %q", s)
	}
	return d, nil
}

// MismatchError is an expect that no received line matched: exit 1.
type MismatchError struct {
	File    string
	Line    int
	Want    string        // the regular expression
	Got     []string      // the lines that arrived instead, without line endings
	Closed  bool          // the server closed the connection
	Timeout time.Duration // how long the expect waited, if it timed out
}

func (e *MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: expected /%s/ but ", e.File, e.Line, e.Want)
	switch {
	case len(e.Got) == 0 && e.Closed:
		b.WriteString("the server closed the connection")
		return b.String()
	case len(e.Got) == 0:
		fmt.Fprintf(&b, "got nothing in %v", e.Timeout)
		return b.String()
	}
	fmt.Fprintf(&b, "got %s", quote.Quote(shorten(e.Got[0])))
	switch more := len(e.Got) - 1; more {
	case 0:
	case 1:
		b.WriteString(" (and 1 more line)")
	default:
		fmt.Fprintf(&b, " (and %d more lines)", more)
	}
	if e.Closed {
		b.WriteString(", then the server closed the connection")
	} else {
		fmt.Fprintf(&b, " in %v", e.Timeout)
	}
	return b.String()
}

// shorten keeps a line in an error message to a readable length.
func shorten(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

// StepError is a send or a read that failed on the connection: exit 1.
type StepError struct {
	File string
	Line int
	Op   string // "send" or "expect"
	Err  error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Op, e.Err)
}
func (e *StepError) Unwrap() error { return e.Err }

// Run runs the script over conn, writing every byte received to out. It
// returns nil when every expect matched, a *MismatchError for the first
// that did not, and a *StepError when the connection failed.
func (s *Script) Run(conn net.Conn, out io.Writer) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	lr := &lineReader{conn: conn, out: out, quiet: s.Quiet}
	if lr.quiet <= 0 {
		lr.quiet = DefaultQuiet
	}
	for _, st := range s.steps {
		switch st.op {
		case opTimeout:
			timeout = st.timeout
		case opSend:
			s.trace(st.line, "> %q", st.data)
			conn.SetWriteDeadline(time.Now().Add(timeout))
			if _, err := conn.Write(st.data); err != nil {
				return &StepError{File: s.Name, Line: st.line, Op: "send", Err: err}
			}
		case opEOF:
			s.trace(st.line, "> EOF (half-close)")
			cw, ok := conn.(interface{ CloseWrite() error })
			if !ok {
				return &StepError{File: s.Name, Line: st.line, Op: "eof", Err: errors.ErrUnsupported}
			}
			if err := cw.CloseWrite(); err != nil {
				return &StepError{File: s.Name, Line: st.line, Op: "eof", Err: err}
			}
		case opExpect:
			line, err := lr.expect(st.re, timeout)
			var miss *MismatchError
			if errors.As(err, &miss) {
				miss.File, miss.Line, miss.Want = s.Name, st.line, st.re.String()
				return miss
			}
			if err != nil {
				return &StepError{File: s.Name, Line: st.line, Op: "expect", Err: err}
			}
			s.trace(st.line, "< %s matches /%s/", quote.Quote(line), st.re)
		}
	}
	return nil
}

func (s *Script) trace(line int, format string, args ...any) {
	if s.Trace != nil {
		s.Trace(fmt.Sprintf("%s:%d: ", s.Name, line) + fmt.Sprintf(format, args...))
	}
}

// lineReader cuts what the server sends into lines for expect.
type lineReader struct {
	conn     net.Conn
	out      io.Writer     // gets every byte received
	quiet    time.Duration // the silence after which an unfinished line is a prompt
	buf      []byte        // received and not yet consumed by an expect
	lastData time.Time     // when bytes last arrived
	// partialUsed: an expect matched the unfinished line at the start of
	// buf (a prompt such as "Password: "), so the rest of that line is
	// not tried again.
	partialUsed bool
	closed      bool // the server closed the connection
}

// minPoll is the shortest read made before a fragment is taken for a
// prompt, so that bytes already waiting in the socket are seen first.
const minPoll = 5 * time.Millisecond

// expect consumes received lines until one matches re, and returns it.
// Lines that do not match are skipped; if none matches before the
// timeout or the server's close, the error is a *MismatchError listing
// them. An unfinished last line can match too, as a prompt, but only once
// nothing more has arrived for r.quiet, or the server has closed: until
// then it may be the first part of a longer line. A matching fragment
// gets its quiet time even if that runs past the timeout.
func (r *lineReader) expect(re *regexp.Regexp, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	var skipped []string
	chunk := make([]byte, 32<<10)
	for {
		for {
			i := bytes.IndexByte(r.buf, '\n')
			if i < 0 {
				break
			}
			line := string(trimEOL(r.buf[:i+1]))
			r.buf = r.buf[i+1:]
			if r.partialUsed {
				r.partialUsed = false
				continue
			}
			if re.MatchString(line) {
				return line, nil
			}
			skipped = append(skipped, line)
		}
		prompt := len(r.buf) > 0 && !r.partialUsed && re.Match(r.buf)
		if prompt && r.closed {
			r.partialUsed = true
			return string(r.buf), nil
		}
		if r.closed {
			return "", &MismatchError{Got: r.withPartial(skipped), Closed: true}
		}
		wait := deadline
		if prompt {
			wait = r.lastData.Add(r.quiet)
			if poll := time.Now().Add(minPoll); wait.Before(poll) {
				wait = poll
			}
			if limit := deadline.Add(r.quiet); wait.After(limit) {
				wait = limit
			}
		}
		r.conn.SetReadDeadline(wait)
		n, err := r.conn.Read(chunk)
		if n > 0 {
			r.lastData = time.Now()
			if _, werr := r.out.Write(chunk[:n]); werr != nil {
				return "", werr
			}
			r.buf = append(r.buf, chunk[:n]...)
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			r.closed = true
		case errors.Is(err, os.ErrDeadlineExceeded) && n > 0:
			// Look at what arrived; the next read sees the deadline.
		case errors.Is(err, os.ErrDeadlineExceeded) && prompt && !time.Now().Before(r.lastData.Add(r.quiet)):
			// Quiet after a fragment that matches: the server waits for
			// an answer, so the fragment is a prompt.
			r.partialUsed = true
			return string(r.buf), nil
		case errors.Is(err, os.ErrDeadlineExceeded) && prompt && time.Now().Before(deadline.Add(r.quiet)):
			// Woken early (a poll): wait out the rest of the quiet time.
		case errors.Is(err, os.ErrDeadlineExceeded):
			return "", &MismatchError{Got: r.withPartial(skipped), Timeout: timeout}
		default:
			return "", err
		}
	}
}

// withPartial adds the unfinished line, if any, to the lines skipped.
func (r *lineReader) withPartial(skipped []string) []string {
	if len(r.buf) > 0 && !r.partialUsed {
		skipped = append(skipped, string(trimEOL(r.buf)))
	}
	return skipped
}

// trimEOL drops a line's LF or CRLF.
func trimEOL(line []byte) []byte {
	return bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
}
