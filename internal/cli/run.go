// Package cli is rawtalk's command line: the flags (flags.go), the
// dispatch to a mode (interactive or piped client, listen, scan, demo,
// script), and the one place where an error becomes a message, a hint
// and an exit status (errors.go). It is the only package that knows about
// os.Stdin and the process's exit code; the work is done by session/ (the
// network), term/ (the keyboard and screen), scan/, practice/ and script/.
package cli

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/pflag"

	"github.com/rawtalk/rawtalk/internal/version"
	"github.com/rawtalk/rawtalk/term"
)

// app is one run of rawtalk: the parsed options and what the run talks
// through. Every mode is a method on it.
type app struct {
	opt      options
	stdin    io.Reader
	stdout   io.Writer
	con      *console  // stderr: rawtalk's own words
	terminal bool      // stdin is a terminal: telnet's ways, not nc's
	learn    *learning // the learning aids, ready once dispatch has checked them
	// redial connects to the client's target again, for the escape
	// prompt's reconnect; nil where there is none (-l, -U).
	redial func() (net.Conn, error)
}

// interactive is whether the session is the interactive one: on a
// terminal, unless a --script talks instead of the user.
func (a *app) interactive() bool {
	return a.terminal && a.opt.learn.script == ""
}

// Run is rawtalk: it parses args, runs the mode they ask for and returns
// the exit status. main exits with it.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Windows consoles interpret escape sequences only when asked to; the
	// modes are put back on the way out. Elsewhere this does nothing.
	defer term.EnableVirtualTerminal(osFiles(stdout, stderr)...)()
	return run(args, stdin, stdout, stderr)
}

// osFiles keeps the writers that are the process's own files.
func osFiles(ws ...io.Writer) []*os.File {
	var fs []*os.File
	for _, w := range ws {
		if f, ok := w.(*os.File); ok {
			fs = append(fs, f)
		}
	}
	return fs
}

// run is rawtalk without os.Exit: it returns the exit status, and is where
// every error becomes a message and a status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, con: &console{w: stderr}, terminal: isTerminal(stdin)}
	fs := newFlagSet(&a.opt)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printHelp(stdout, fs.FlagUsages())
			return 0
		}
		return exitCode(commandLineError(err), a.con)
	}
	a.con.verbose = a.opt.verbose
	if a.opt.help {
		printHelp(stdout, fs.FlagUsages())
		return 0
	}
	if a.opt.showVersion {
		fmt.Fprintf(stdout, "rawtalk %s\n", version.Get())
		return 0
	}
	if a.opt.completion != "" {
		return exitCode(printCompletion(stdout, a.opt.completion, fs.Args()), a.con)
	}
	if err := checkScanFlags(&a.opt); err != nil {
		return exitCode(err, a.con)
	}
	if a.opt.scan {
		return exitCode(a.scan(fs.Args()), a.con)
	}
	return exitCode(a.dispatch(fs.Args()), a.con)
}

// dispatch checks the flags of a session and runs the mode they ask for:
// a practice server, a listener, a unix socket client or a network client.
func (a *app) dispatch(args []string) (err error) {
	o := &a.opt
	if err := checkCommonFlags(o); err != nil {
		return err
	}
	if o.demo != "" || o.demoServe != "" || o.demoPort != 0 {
		return a.demo(args)
	}
	if err := checkListenFlags(o); err != nil {
		return err
	}
	if err := checkSessionFlags(o, args); err != nil {
		return err
	}
	if err := checkLearnFlags(&o.learn); err != nil {
		return err
	}
	learn, err := prepareLearning(&o.learn, a.stdin, a.con)
	if err != nil {
		return err
	}
	a.learn = learn
	defer func() { err = learn.close(err) }()
	if o.listen {
		return a.listen(args) // TLS: listen_tls.go
	}
	ts, err := newTLSSetup(&o.tls, o.wait, o.verbose, a.interactive())
	if err != nil {
		return err
	}
	ts.rawOutput = o.rawOutput
	if o.unix {
		return a.talkUnix(args[0])
	}
	return a.connect(args, ts)
}

func seconds(s float64) time.Duration {
	if s < 0 {
		return -1
	}
	return time.Duration(s * float64(time.Second))
}

// isTerminal is whether stdin (or stderr) is a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && (isatty.IsTerminal(file.Fd()) || isatty.IsCygwinTerminal(file.Fd()))
}
