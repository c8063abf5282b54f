package term

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/chzyer/readline"
	"github.com/mattn/go-runewidth"
)

// This file is the only one in rawtalk that imports chzyer/readline
// (v1.5.1). The rest of the session sees an editor: a prompt, a line read,
// a history, and the few keys below. Each workaround for one of readline's
// defects is here, next to the call it corrects, saying why.

// Keys as readline names them, for the session's filter and listener.
const (
	keyInterrupt = readline.CharInterrupt // Ctrl-C: makes Readline return
	keyBell      = readline.CharBell      // Ctrl-G: does nothing but reach the listener
	keyTab       = readline.CharTab       // Tab: completion
	keyCtrlZ     = readline.CharCtrlZ     // Ctrl-Z: suspend
	keyLineStart = readline.CharLineStart // Ctrl-A: Home
	keyLineEnd   = readline.CharLineEnd   // Ctrl-E: End
	keyDelete    = readline.CharDelete    // Ctrl-D: delete under the cursor, or EOF on an empty line
	keyWordLeft  = readline.MetaBackward  // Alt-b: back a word
	keyWordRight = readline.MetaForward   // Alt-f: forward a word
)

// editor is the line editor: the line being typed, its prompt, history,
// completion. Readline, ReadlineWithDefault, SetPrompt, Clean and
// SaveHistory are readline's own; the others wrap what needs care.
type editor struct {
	rl *readline.Instance
	in io.Closer // the editor's stdin, which only the session writes
}

// editorConfig is what the session gives the editor: where keys come
// from, where it draws, and the hooks it calls on its own goroutine.
type editorConfig struct {
	// in gives keystrokes and the session's sentinel runes. readline's
	// Close while Readline runs hangs until Enter and leaks goroutines
	// reading the real stdin; so the editor never reads the terminal,
	// only this, which the session closes to end it (see stop).
	in  io.ReadCloser
	out io.Writer
	// historyFile keeps lines across sessions; "" keeps them in memory.
	historyFile string
	// width is the terminal's width; onWidthChanged is handed readline's
	// reaction to a new width, which the session calls on SIGWINCH.
	width          func() int
	onWidthChanged func(redraw func())
	// filter sees every key before the editor acts on it; listener sees
	// the line after each key and may replace it (FuncListener).
	filter   func(r rune) (rune, bool)
	listener func(line []rune, pos int, key rune) ([]rune, int, bool)
	// completer is what Tab completes (readline's AutoCompleter).
	completer interface {
		Do(line []rune, pos int) ([][]rune, int)
	}
}

// newEditor starts the line editor.
func newEditor(c editorConfig) (*editor, error) {
	cfg := &readline.Config{
		Prompt:       "",
		Stdin:        c.in,
		Stdout:       c.out,
		Stderr:       c.out,
		HistoryFile:  c.historyFile,
		HistoryLimit: 1000,
		// readline's history is not safe from two goroutines, and its
		// editor goroutine touches it on every key: the session saves
		// lines itself, on that goroutine (history.go).
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		// No prompt after Ctrl-C: the session shows ^C or ^] itself
		// (markKey), since Ctrl-C also stands for Ctrl-] and for the
		// session's own interrupts, and the config is not ours to change
		// while Readline runs.
		InterruptPrompt: "\n",
		EOFPrompt:       "^D",
		// The terminal is raw for the whole session (tty.go); readline
		// switching modes per line would echo keys typed between lines.
		// It cannot tell that its stdin (an inbox) is a terminal.
		FuncIsTerminal:      func() bool { return true },
		FuncMakeRaw:         func() error { return nil },
		FuncExitRaw:         func() error { return nil },
		ForceUseInteractive: true,
		FuncGetWidth:        c.width,
		FuncOnWidthChanged:  c.onWidthChanged,
		FuncFilterInputRune: c.filter,
		AutoComplete:        c.completer,
		Listener:            readline.FuncListener(c.listener),
		Painter:             cursorPainter{},
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot start the line editor: %w", err)
	}
	if c.historyFile != "" {
		// readline rewrites a history file longer than its limit as a new
		// file, readable by all: make it private again.
		os.Chmod(c.historyFile, 0o600)
	}
	return &editor{rl: rl, in: c.in}, nil
}

func (e *editor) Readline() (string, error) { return e.rl.Readline() }

// ReadlineWithDefault replaces the editor's buffer with line, dropping any
// keys typed ahead: use it only to put back an interrupted line.
func (e *editor) ReadlineWithDefault(line string) (string, error) {
	return e.rl.ReadlineWithDefault(line)
}

func (e *editor) SetPrompt(prompt string) { e.rl.SetPrompt(prompt) }

// Clean erases the input row, so other text can be written there.
func (e *editor) Clean() { e.rl.Clean() }

func (e *editor) SaveHistory(line string) error { return e.rl.SaveHistory(line) }

// searching reports whether the editor is in history search (Ctrl-R),
// where readline takes the keys the session uses to signal it.
func (e *editor) searching() bool { return e.rl.Operation.IsSearchMode() }

// leaveModes ends readline's completion and history-search modes before a
// key the session gives a meaning of its own. In those modes readline
// takes Ctrl-C (which also stands for Ctrl-], the session's end and a mode
// change) and the paste marker as "leave the mode", so the session would
// not hear them: the end would wait for a keypress, and the Ctrl-C
// recorded for the filter would discard the next line sent. It runs on the
// editor's goroutine, from the filter.
func (e *editor) leaveModes(r rune) {
	op := e.rl.Operation
	switch r {
	case keyInterrupt: // Ctrl-C, Ctrl-], the end, a mode change
		if op.IsSearchMode() {
			op.ExitSearchMode(false)
		}
		fallthrough
	case runePaste: // (a paste is ignored in search mode)
		if op.IsInCompleteMode() {
			op.ExitCompleteMode(false)
		}
	}
}

// stop ends the editor's goroutine, while no Readline runs. readline's
// own Close leaves one blocked for good (it queues an EOF that its loop
// then cannot send), so the editor is first given the end of its input
// and a last read to take the EOF. The caller's filter must let the end of
// input (rune 0) through.
func (e *editor) stop() {
	e.rl.SetPrompt("")
	e.in.Close()
	for range 4 {
		if _, err := e.rl.Operation.String(); errors.Is(err, io.EOF) {
			break
		}
	}
}

// close frees the editor, after stop.
func (e *editor) close() { e.rl.Close() }

// cursorPainter corrects where readline leaves the cursor. chzyer/readline
// moves back over the text right of the cursor with one backspace per rune,
// but emoji and CJK take two columns and combining marks none; the painter
// appends the difference, as more backspaces or a cursor-forward, so the
// cursor lands where the next typed character will go.
type cursorPainter struct{}

func (cursorPainter) Paint(line []rune, pos int) []rune {
	if pos >= len(line) {
		return line
	}
	cols := 0
	for _, r := range line[pos:] {
		if r == '\t' {
			cols += readline.TabWidth // readline draws a tab as spaces
			continue
		}
		cols += runewidth.RuneWidth(r)
	}
	extra := cols - (len(line) - pos)
	if extra == 0 {
		return line
	}
	out := make([]rune, len(line), len(line)+extra+8)
	copy(out, line)
	if extra > 0 {
		for ; extra > 0; extra-- {
			out = append(out, '\b')
		}
		return out
	}
	return append(out, []rune("\x1b["+strconv.Itoa(-extra)+"C")...)
}
