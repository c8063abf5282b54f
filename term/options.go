// What an interactive session is given (Options, Terminal, Telnet) and
// what it returns (Counts, SignalError, LostError).

package term

import (
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/transcript"
)

// Options configure an interactive session.
type Options struct {
	// EOL is what Enter sends after a line: CRLF unless --eol says otherwise.
	EOL []byte
	// HistoryFile keeps typed lines across sessions; "" keeps them in memory.
	HistoryFile string
	// RawOutput shows the server's bytes unfiltered (--raw-output).
	RawOutput bool
	// Peer is the host as the user named it, for status.
	Peer string
	// Status, if set, adds lines to the escape prompt's status (TLS state).
	Status func() []string
	// StartTLS, if set, upgrades the live connection to TLS for the escape
	// prompt's starttls command, and describes the result (with an error,
	// what there is to show of the refused certificate).
	StartTLS func(serverName string) ([]string, error)
	// Certs, if set, describes the certificates the server sent, for the
	// escape prompt's certs command.
	Certs func() []string
	// Telnet, if set, is the telnet protocol under the session: its
	// commands for send, its options for status, the window size.
	Telnet Telnet
	// Reconnect offers the escape prompt's reconnect: Run then ends with
	// ErrReconnect, and Handoff has what the next session goes on with.
	Reconnect bool
	// Resume is what the session before this one handed on (reconnect).
	Resume *Handoff
	// Banner is printed once the terminal is ready for keys, so that
	// nothing typed after it is echoed by the kernel or lost.
	Banner string
	// View, if set, shows the conversation as a hex dump, with visible
	// line endings or with timestamps (view.go), and takes the escape
	// prompt's hex command.
	View *View
	// Transcript, if set, takes the escape prompt's log command.
	Transcript *transcript.Transcript
	// Proto names the protocol whose commands Tab completes (Protocols);
	// "" completes nothing but the escape prompt's commands.
	Proto string
	// Explain adds a note under each reply line of Proto that the
	// explain tables know (--explain; the escape prompt's explain).
	Explain bool
}

// Telnet is what the session uses of a telnet connection.
type Telnet interface {
	Send(command string) error   // ayt, brk, ip, ao, ec, el, eof, nop, synch, escape
	IsCommand(name string) bool  // whether send NAME means a telnet command
	Options() []string           // the options in effect, for status
	Resize(cols, rows int) error // the window changed size (NAWS)
}

// Terminal is the user's side of a session.
type Terminal struct {
	// In gives the keystrokes. If it has SetReadDeadline (a terminal
	// opened for polling), the session stops reading it when it ends;
	// otherwise one read stays blocked until the next key or exit.
	In io.Reader
	// Out is the screen.
	Out io.Writer
	// Fd is the terminal's file descriptor, for raw mode and window size.
	Fd int
}

// Counts is what a session moved.
type Counts struct {
	Sent, Received int64
	Elapsed        time.Duration
}

// SignalError is a session ended by SIGINT, SIGTERM or SIGHUP.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string { return "ended by signal " + e.Signal.String() }

// LostError is a connection that failed mid-session (reset, timeout).
type LostError struct {
	Peer net.Addr
	Err  error
}

func (e *LostError) Error() string {
	return fmt.Sprintf("connection to %s lost: %s", dial.AddrWords(e.Peer), dial.Strerror(e.Err))
}
func (e *LostError) Unwrap() error { return e.Err }
