// Package term is the person at the keyboard: the line editor, the screen
// that shows the server's text without garbling the line being typed, safe
// display of hostile bytes, the escape prompt, character mode, and the
// promise that the terminal is restored on every way out.
package term

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/chzyer/readline"
	"github.com/mattn/go-runewidth"
	"golang.org/x/sys/unix"

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
	// prompt's starttls command, and describes the result.
	StartTLS func(serverName string) ([]string, error)
	// Telnet, if set, is the telnet protocol under the session: its
	// commands for send, its options for status, the window size.
	Telnet Telnet
	// Banner is printed once the terminal is ready for keys, so that
	// nothing typed after it is echoed by the kernel or lost.
	Banner string
	// PanicOn makes the named place panic, to test that the terminal is
	// restored: "render" or "key".
	PanicOn string
	// View, if set, shows the conversation as a hex dump, with visible
	// line endings or with timestamps (view.go), and takes the escape
	// prompt's hex command.
	View *View
	// Transcript, if set, takes the escape prompt's log command.
	Transcript *transcript.Transcript
	// Proto names the protocol whose commands Tab completes (Protocols);
	// "" completes nothing but the escape prompt's commands.
	Proto string
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

// Sentinel runes: Unicode noncharacters, which no keyboard or paste sends,
// written into the editor's input to make it act on its own goroutine, the
// only one that may redraw the input line.
const (
	runeDraw   = '\uFDD0' // draw the server text queued on the screen
	runeResize = '\uFDD2' // the window changed size
	runePaste  = '\uFDD3' // insert the next pasted text in one redraw
)

// Why the editor returned, set on its goroutine by the filter.
const (
	whyNone int32 = iota
	whyCtrlC
	whyEscape
	whyEnd
	whyMode
)

// How the session ended.
const (
	endNone = iota
	endServer
	endQuit
	endSignal
	endTerminal
)

const ctrlBracket = 0x1d // Ctrl-], the escape key

// Session is one interactive conversation with a server.
type Session struct {
	conn  net.Conn
	term  Terminal
	opt   Options
	tty   *ttyState
	scr   *screen
	snd   *sender
	rl    *readline.Instance
	in    *inbox
	start time.Time

	received atomic.Int64 // bytes from the server
	why      atomic.Int32 // why Readline returned (whyNone...)
	closing  atomic.Bool  // the editor is being stopped: ignore its keys
	// editorWidth is the width the editor wraps lines at, for status.
	editorWidth atomic.Int32

	mu         sync.Mutex    // guards charMode, wantChar, pastes and interrupts
	charMode   bool          // keys go to charKeys instead of the editor
	wantChar   bool          // the mode the server last asked for (telnet)
	pastes     [][]byte      // pasted text waiting for its runePaste
	interrupts []int32       // what each Ctrl-C given to the editor stands for
	pasting    []byte        // the paste being inserted: set by filter, used by onChange
	redraw     bool          // filter drew server text: onChange redraws the line
	bigPaste   []byte        // a paste too long for the editor, shown as a placeholder
	pasteRun   int           // runes just before the cursor that the current paste inserted
	lastPaste  bool          // the last thing given to the editor was a paste
	toRemember []string      // sent lines for the history, saved by the filter
	charKeys   chan []byte   // keystrokes in character mode
	modeChange chan struct{} // poked when the server asks for another mode
	localEcho  atomic.Bool   // character mode: show typed keys

	endOnce   sync.Once
	ended     chan struct{} // closed when the session must end
	endReason int           // set before ended is closed
	endErr    error         // the server's read error, or the signal

	resize func() // readline's reaction to a new width, set at start

	// The fields below are used by Run's goroutine only.
	eol         []byte
	secrets     secretFilter
	ctrlC       bool        // the last key was Ctrl-C on an empty line
	resume      string      // half-typed text to put back after the escape prompt
	modeRequest int         // what the escape prompt's mode command asked for
	mode        bool        // character mode (true) or line mode, apart from the escape prompt
	warned      atomic.Bool // the history warning was shown
}

// Run holds an interactive session on conn until the server closes, the
// user quits, or a signal arrives, and restores the terminal on every way
// out, panics included.
func Run(conn net.Conn, t Terminal, opt Options) (counts Counts, err error) {
	return New(t, opt).Run(conn)
}

// New prepares a session, so that a protocol layer (telnet) can be given
// its Note and ServerMode before the session runs.
func New(t Terminal, opt Options) *Session {
	s := &Session{
		term:       t,
		opt:        opt,
		tty:        newTTYState(t.Fd),
		scr:        newScreen(t.Out, !opt.RawOutput),
		in:         newInbox(),
		charKeys:   make(chan []byte, 64),
		modeChange: make(chan struct{}, 1),
		ended:      make(chan struct{}),
		eol:        opt.EOL,
	}
	s.localEcho.Store(true)
	s.scr.wantDraw = func() { s.in.writeRune(runeDraw) }
	s.scr.setView(opt.View)
	if s.eol == nil {
		s.eol = []byte("\r\n")
	}
	return s
}

// Note shows one of rawtalk's own lines (telnet's negotiation trace) above
// the line being typed. Any goroutine may call it.
func (s *Session) Note(line string) {
	s.scr.note(line + "\r\n")
}

// ServerMode is what the server asked for through telnet negotiation:
// character mode when it suppresses go-ahead, and no local echo when it
// echoes. Any goroutine may call it; the session switches at once, keeping
// a half-typed line for when line mode comes back.
func (s *Session) ServerMode(character, localEcho bool) {
	s.localEcho.Store(localEcho)
	s.mu.Lock()
	change := character != s.wantChar
	s.wantChar = character
	s.mu.Unlock()
	if !change {
		return
	}
	select {
	case s.modeChange <- struct{}{}:
	default:
	}
	s.interrupt(whyMode)
}

// Run holds the session on conn until the server closes, the user quits,
// or a signal arrives.
func (s *Session) Run(conn net.Conn) (counts Counts, err error) {
	s.conn = conn
	s.snd = newSender(conn)
	s.start = time.Now()
	defer s.guard()
	defer s.tty.restore()
	if err := s.tty.raw(); err != nil {
		return counts, fmt.Errorf("cannot set up the terminal: %w", err)
	}
	if err := s.startEditor(); err != nil {
		return counts, err
	}
	s.scr.editor = s.rl
	s.editorWidth.Store(int32(s.tty.width()))

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGWINCH)
	defer signal.Stop(sigs)
	if s.opt.Banner != "" {
		s.notef("%s", s.opt.Banner)
	}

	var wg sync.WaitGroup
	wg.Add(4)
	go func() { defer wg.Done(); s.readServer() }()
	go func() { defer wg.Done(); s.readKeys() }()
	go func() { defer wg.Done(); defer s.guard(); s.snd.run() }()
	stopSignals := make(chan struct{})
	go func() { defer wg.Done(); s.watchSignals(sigs, stopSignals) }()

	err = s.loop()

	// Shut down: no editor is reading now.
	s.scr.drainAll()
	s.finalWords(err)
	close(stopSignals)
	s.snd.stop()
	conn.Close()
	s.closeEditor()
	s.stopKeys()
	s.tty.restore()
	wg.Wait()
	return Counts{Sent: s.snd.sent.Load(), Received: s.received.Load(), Elapsed: time.Since(s.start)}, err
}

// guard restores the terminal when a goroutine panics, then lets the panic
// go on: the crash report lands on a sane terminal.
func (s *Session) guard() {
	if r := recover(); r != nil {
		s.tty.restore()
		fmt.Fprintf(s.term.Out, "\r\n")
		panic(r)
	}
}

func (s *Session) startEditor() error {
	cfg := &readline.Config{
		Prompt:                 "",
		Stdin:                  s.in,
		Stdout:                 s.term.Out,
		Stderr:                 s.term.Out,
		HistoryFile:            "",
		HistoryLimit:           1000,
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		InterruptPrompt:        "\n", // none: markKey shows ^C or ^] (the config is not ours to change while it runs)
		EOFPrompt:              "^D",
		FuncIsTerminal:         func() bool { return true },
		FuncMakeRaw:            func() error { return nil }, // raw for the whole session
		FuncExitRaw:            func() error { return nil },
		FuncGetWidth:           s.tty.width,
		FuncOnWidthChanged:     func(f func()) { s.resize = f },
		FuncFilterInputRune:    s.filter,
		AutoComplete:           completer{s},
		Listener:               readline.FuncListener(s.onChange),
		Painter:                cursorPainter{},
		ForceUseInteractive:    true,
	}
	if s.opt.HistoryFile != "" {
		if err := prepareHistoryFile(s.opt.HistoryFile); err != nil {
			s.warnHistory(err)
		} else {
			cfg.HistoryFile = s.opt.HistoryFile
		}
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return fmt.Errorf("cannot start the line editor: %w", err)
	}
	if cfg.HistoryFile != "" {
		// readline rewrites a history file longer than its limit as a new
		// file, readable by all: make it private again.
		os.Chmod(cfg.HistoryFile, 0o600)
	}
	s.rl = rl
	return nil
}

// closeEditor stops the line editor's goroutines. readline's own Close
// leaves one blocked for good (it queues an EOF that its loop then cannot
// send), so the editor is first given the end of its input and a last
// Readline to take the EOF, and closed only then.
func (s *Session) closeEditor() {
	s.closing.Store(true)
	s.rl.SetPrompt("")
	s.in.Close()
	for range 4 {
		if _, err := s.rl.Operation.String(); errors.Is(err, io.EOF) {
			break
		}
	}
	s.saveHistory()
	s.rl.Close()
}

// filter sees every key before the editor acts on it, on the editor's
// goroutine. It draws server text (so drawing never races the editor's own
// redraws), turns Ctrl-] into a return from Readline, and suspends on Ctrl-Z.
func (s *Session) filter(r rune) (rune, bool) {
	defer s.guard()
	if s.closing.Load() {
		if r == 0 {
			return 0, true // the end of the editor's input: let it stop
		}
		return 0, false
	}
	s.saveHistory()
	s.scr.render()
	s.leaveEditorModes(r) // complete.go
	if s.opt.PanicOn == "render" && r == runeDraw {
		panic("rawtalk: panic requested by test hook")
	}
	switch r {
	case runeDraw, runeResize:
		if r == runeResize && s.resize != nil {
			s.resize()
			s.editorWidth.Store(int32(s.tty.width()))
		}
		if s.rl.Operation.IsSearchMode() {
			return 0, false
		}
		// Not (0, false): that makes readline read on, ahead of the next
		// Readline. Ctrl-G does nothing but reach onChange, which redraws.
		s.redraw = true
		return readline.CharBell, true
	case runePaste:
		if s.rl.Operation.IsSearchMode() {
			return 0, false
		}
		s.mu.Lock()
		if len(s.pastes) > 0 {
			s.pasting, s.pastes = s.pastes[0], s.pastes[1:]
		}
		s.mu.Unlock()
		// Ctrl-G does nothing in the editor but still reaches onChange,
		// which inserts the text with a single redraw.
		return readline.CharBell, true
	case readline.CharInterrupt: // Ctrl-C, or Ctrl-], the end, a mode change in disguise
		why := whyCtrlC
		s.mu.Lock()
		if len(s.interrupts) > 0 {
			why, s.interrupts = s.interrupts[0], s.interrupts[1:]
		}
		s.mu.Unlock()
		if why == whyMode && s.wantCharMode() == s.isCharMode() {
			return 0, false // already there
		}
		s.why.Store(why)
		return r, true
	case readline.CharCtrlZ:
		s.suspend()
		return 0, false
	}
	return r, true
}

// onChange inserts pasted text at the cursor, so a paste costs one redraw
// instead of one per character. It runs on the editor's goroutine right
// after filter, except for one call from Readline itself with key 0.
//
// A paste that would make the line longer than maxEditLine is kept aside
// and shown as one placeholder ("[1048576 pasted bytes]"), which Enter
// replaces with the bytes: the editor redraws the whole line on every
// change, so a megabyte in it would cost a megabyte per keystroke.
func (s *Session) onChange(line []rune, pos int, key rune) ([]rune, int, bool) {
	if key == 0 {
		return nil, 0, false // Readline's own call, on another goroutine
	}
	if key != readline.CharBell {
		s.pasteRun = 0
		if key == readline.CharTab {
			return s.afterTab(line, pos) // complete.go
		}
		return nil, 0, false
	}
	if s.redraw {
		s.redraw = false
		return line, pos, true // the same line, drawn again under the new text
	}
	if s.pasting == nil {
		return nil, 0, false
	}
	text := s.pasting
	s.pasting = nil
	pos = min(pos, len(line))
	var paste []rune
	switch {
	case s.bigPaste != nil:
		old := []rune(s.bigPasteMark())
		s.bigPaste = append(s.bigPaste, text...)
		mark := []rune(s.bigPasteMark())
		if i := runesIndex(line, old); i >= 0 {
			out := append(append(append([]rune(nil), line[:i]...), mark...), line[i+len(old):]...)
			if pos >= i+len(old) {
				pos += len(mark) - len(old)
			}
			return out, pos, true
		}
		paste = mark
	case len(line)+len(text) > maxEditLine:
		// The part of this paste already in the line goes aside too, so
		// the line left to redraw is short.
		run := min(s.pasteRun, pos)
		s.bigPaste = append([]byte(string(line[pos-run:pos])), text...)
		line = append(append([]rune(nil), line[:pos-run]...), line[pos:]...)
		pos -= run
		paste = []rune(s.bigPasteMark())
	default:
		paste = []rune(string(text))
		s.pasteRun += len(paste)
	}
	out := make([]rune, 0, len(line)+len(paste))
	out = append(append(append(out, line[:pos]...), paste...), line[pos:]...)
	return out, pos + len(paste), true
}

// maxEditLine is the longest line the editor holds as text.
const maxEditLine = 4 << 10

// bigPasteMark is the placeholder for the paste kept aside, or "".
func (s *Session) bigPasteMark() string {
	if s.bigPaste == nil {
		return ""
	}
	return fmt.Sprintf("[%d pasted bytes]", len(s.bigPaste))
}

// expandBigPaste puts the paste kept aside back in place of its
// placeholder, and forgets it.
func (s *Session) expandBigPaste(line string) string {
	if s.bigPaste == nil {
		return line
	}
	mark := s.bigPasteMark()
	big := s.bigPaste
	s.bigPaste = nil
	if !strings.Contains(line, mark) {
		s.notef("rawtalk: the %d pasted bytes were edited out of the line", len(big))
		return line
	}
	return strings.Replace(line, mark, string(big), 1)
}

func runesIndex(s, sub []rune) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if slices.Equal(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// suspend stops rawtalk like Ctrl-Z stops any program, with the terminal
// restored, and takes up where it was on fg.
func (s *Session) suspend() {
	if unix.Getpgrp() == os.Getpid() && os.Getpid() == mustGetsid() {
		// A session leader has no shell to stop it for: Ctrl-Z would hang.
		s.rl.Clean()
		s.notef("rawtalk: no job control here; Ctrl-Z does nothing")
		return
	}
	s.rl.Clean()
	s.tty.cooked()
	cont := make(chan os.Signal, 1)
	signal.Notify(cont, syscall.SIGCONT)
	unix.Kill(os.Getpid(), syscall.SIGTSTP)
	select {
	case <-cont:
	case <-s.ended:
	}
	signal.Stop(cont)
	s.tty.raw()
}

func mustGetsid() int {
	sid, err := unix.Getsid(0)
	if err != nil {
		return -1
	}
	return sid
}

// readServer is the download loop: server bytes to the screen.
func (s *Session) readServer() {
	defer s.guard()
	buf := make([]byte, 32<<10)
	for {
		n, err := s.conn.Read(buf)
		if n > 0 {
			s.received.Add(int64(n))
			s.scr.push(buf[:n])
		}
		if err != nil {
			s.scr.flushStream()
			s.end(endServer, err)
			return
		}
	}
}

// readKeys is the keyboard loop: keys to the editor, or to the server in
// character mode.
func (s *Session) readKeys() {
	defer s.guard()
	buf := make([]byte, 4096)
	for {
		n, err := s.term.In.Read(buf)
		if n > 0 {
			if s.opt.PanicOn == "key" && bytes.IndexByte(buf[:n], '!') >= 0 {
				panic("rawtalk: panic requested by test hook")
			}
			s.routeKeys(append([]byte(nil), buf[:n]...))
		}
		if err != nil {
			select {
			case <-s.ended: // we stopped it
			default:
				s.end(endTerminal, err)
			}
			return
		}
	}
}

// routeKeys hands a chunk of keystrokes to whoever reads keys now.
func (s *Session) routeKeys(p []byte) {
	s.mu.Lock()
	if s.charMode {
		s.mu.Unlock()
		select {
		case s.charKeys <- p:
		case <-s.ended:
		}
		return
	}
	s.mu.Unlock()
	s.toEditor(p)
}

// toEditor gives keys to the line editor. Ctrl-] is handed over as Ctrl-C,
// remembered as an escape: readline stops reading after Ctrl-C, so keys
// typed after Ctrl-] wait for the escape prompt instead of landing in the
// line being left.
func (s *Session) toEditor(p []byte) {
	if len(p) == 0 {
		return
	}
	// A NUL (Ctrl-Space, or what the kernel leaves of an EOF typed before
	// raw mode) would make readline stop reading for good: drop it.
	p = bytes.ReplaceAll(p, []byte{0}, nil)
	if len(p) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var raw []byte
	flushRaw := func() {
		if len(raw) > 0 {
			s.in.write(raw) // under s.mu: interrupts stay in the order of their bytes
			s.lastPaste = false
			raw = nil
		}
	}
	for len(p) > 0 {
		// Two or more characters of text are a paste (or fast typing,
		// which inserts the same way); one character right after a paste
		// is its end, cut off by a read.
		if n := textRun(p); n >= 2 || n == 1 && s.lastPaste {
			flushRaw()
			s.queuePaste(p[:n])
			p = p[n:]
			continue
		}
		n := max(keyLen(p), 1)
		for _, b := range p[:n] {
			switch b {
			case ctrlBracket:
				b = readline.CharInterrupt
				s.interrupts = append(s.interrupts, whyEscape)
			case readline.CharInterrupt:
				s.interrupts = append(s.interrupts, whyCtrlC)
			}
			raw = append(raw, b)
		}
		p = p[n:]
	}
	flushRaw()
}

// queuePaste hands plain text to the editor to insert in one go. Text that
// follows a paste the editor has not taken yet joins it (a paste comes in
// many reads): one redraw for all. Called with s.mu held.
func (s *Session) queuePaste(text []byte) {
	if n := len(s.pastes); n > 0 && s.lastPaste {
		s.pastes[n-1] = append(s.pastes[n-1], text...)
		return
	}
	s.pastes = append(s.pastes, append([]byte(nil), text...))
	s.lastPaste = true
	s.in.writeRune(runePaste)
}

// textRun is the length of the plain text at the start of p: no control
// keys, whole UTF-8 characters.
func textRun(p []byte) int {
	n := 0
	for n < len(p) && p[n] >= 0x20 && p[n] != 0x7f {
		n++
	}
	for n > 0 && !utf8.Valid(p[:n]) {
		n-- // a character cut by the read: leave it to the editor
	}
	return n
}

// keyLen is the length of the key at the start of p that is not plain
// text: an escape sequence (arrows, Home, End...) or one control byte.
func keyLen(p []byte) int {
	if len(p) < 2 || p[0] != 0x1b {
		return 1
	}
	switch p[1] {
	case '[': // CSI: parameters, intermediates, one final byte
		i := 2
		for i < len(p) && p[i] >= 0x20 && p[i] <= 0x3f {
			i++
		}
		return min(i+1, len(p))
	case 'O': // SS3: one more byte
		return min(3, len(p))
	}
	return 2
}

// interrupt makes Readline return, with why. It goes to the editor as a
// Ctrl-C: after a Ctrl-C readline stops reading keys until the next
// Readline, so its goroutine is idle whenever no Readline runs.
func (s *Session) interrupt(why int32) {
	s.mu.Lock()
	s.interrupts = append(s.interrupts, why)
	s.in.write([]byte{readline.CharInterrupt})
	s.mu.Unlock()
}

// stopKeys ends readKeys if the terminal lets a read be interrupted.
func (s *Session) stopKeys() {
	if d, ok := s.term.In.(interface{ SetReadDeadline(time.Time) error }); ok {
		d.SetReadDeadline(time.Now())
	}
}

func (s *Session) watchSignals(sigs <-chan os.Signal, stop <-chan struct{}) {
	defer s.guard()
	for {
		select {
		case <-stop:
			return
		case sig := <-sigs:
			if sig == syscall.SIGWINCH {
				s.in.writeRune(runeResize)
				if s.opt.Telnet != nil {
					cols, rows := s.tty.size()
					s.opt.Telnet.Resize(cols, rows)
				}
				continue
			}
			s.end(endSignal, &SignalError{Signal: sig})
		}
	}
}

// end records why the session must end, once, and wakes whoever waits.
func (s *Session) end(reason int, err error) {
	s.endOnce.Do(func() {
		s.endReason = reason
		s.endErr = err
		close(s.ended)
		s.interrupt(whyEnd)
	})
}

// loop is the session as the user drives it: read a line, send it.
func (s *Session) loop() error {
	for {
		if s.isCharMode() {
			if done, err := s.charLoop(); done {
				return err
			}
			continue
		}
		// ReadlineWithDefault replaces the editor's buffer, which would drop
		// keys typed ahead while the last line was being sent: use it only
		// to put back a line the escape prompt interrupted.
		readLine := s.rl.Readline
		if s.resume != "" {
			resume := s.resume
			readLine = func() (string, error) { return s.rl.ReadlineWithDefault(resume) }
		}
		line, err := readLine()
		s.resume = ""
		why := s.why.Swap(whyNone)
		s.markKey(s.scr.prompt(), line, why)
		switch why {
		case whyEnd:
			if line != "" {
				s.notef("rawtalk: the line you were typing was not sent: %s", line)
			} else if s.scr.prompt() == "" {
				// Nothing was on the input row: take back the editor's
				// newline, so the last words follow the server's last line.
				s.scr.up()
			}
			return s.endError()
		case whyEscape:
			s.resume = line
			if done, err := s.escape(); done {
				return err
			}
			continue
		case whyMode:
			// Keep the half-typed line for line mode, and take back the
			// newline the editor wrote on leaving: the server's prompt
			// row goes on where it was.
			s.resume = line
			s.scr.backToPartialRow()
			s.setCharMode(s.wantCharMode())
			continue
		case whyCtrlC:
			s.bigPaste = nil
			if line != "" {
				s.ctrlC = false
				continue // discarded, as in a shell
			}
			if s.ctrlC {
				s.endWith(endQuit)
				s.notef("Connection closed.")
				return nil
			}
			s.ctrlC = true
			s.notef("rawtalk: to leave, press Ctrl-] and type quit, or press Ctrl-C again")
			continue
		}
		s.ctrlC = false
		if errors.Is(err, io.EOF) { // Ctrl-D on an empty line
			s.sendEOF()
			continue
		}
		if err != nil {
			return err
		}
		s.scr.lineEntered()
		big := s.bigPaste != nil
		line = s.expandBigPaste(line)
		if err := s.snd.send(append([]byte(line), s.eol...)); err != nil {
			s.notef("rawtalk: not sent: %v", err)
			continue
		}
		if !big {
			s.remember(line)
		}
	}
}

func (s *Session) wantCharMode() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wantChar
}

func (s *Session) isCharMode() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.charMode
}

func (s *Session) endWith(reason int) { s.end(reason, nil) }

// endError is what Run returns for the recorded ending.
func (s *Session) endError() error {
	<-s.ended
	switch s.endReason {
	case endServer:
		if errors.Is(s.endErr, io.EOF) || errors.Is(s.endErr, net.ErrClosed) {
			return nil
		}
		return &LostError{Peer: s.conn.RemoteAddr(), Err: s.endErr}
	case endSignal, endTerminal:
		return s.endErr
	}
	return nil
}

// LostError is a connection that failed mid-session (reset, timeout).
type LostError struct {
	Peer net.Addr
	Err  error
}

func (e *LostError) Error() string {
	return fmt.Sprintf("connection to %s lost: %s", dial.AddrWords(e.Peer), dial.Strerror(e.Err))
}
func (e *LostError) Unwrap() error { return e.Err }

// finalWords are telnet's words for how the session ended.
func (s *Session) finalWords(err error) {
	select {
	case <-s.ended:
	default:
		return
	}
	if s.endReason == endServer && err == nil {
		s.notef("Connection closed by foreign host.")
	}
}

func (s *Session) sendEOF() {
	if _, ok := s.conn.(interface{ CloseWrite() error }); !ok { // UDP
		s.notef("rawtalk: UDP has no end-of-data signal; nothing was sent")
		return
	}
	if err := s.snd.closeWrite(); err != nil {
		s.notef("rawtalk: %v", err)
		return
	}
	s.notef("rawtalk: sent EOF (half-close); the session ends when the server closes")
}

// remember adds a sent line to the history, unless it carries a secret.
//
// readline's history is not safe to touch from two goroutines, and its
// editor goroutine updates it on every key, even between Readline calls;
// so the line waits in toRemember for the filter, on that goroutine, to
// save it before the next key.
func (s *Session) remember(line string) {
	if strings.TrimSpace(line) == "" || s.secrets.secret(line) {
		return
	}
	s.mu.Lock()
	s.toRemember = append(s.toRemember, line)
	s.mu.Unlock()
}

// saveHistory saves the lines remember queued. It runs on the editor's
// goroutine, or after the editor has stopped.
func (s *Session) saveHistory() {
	s.mu.Lock()
	lines := s.toRemember
	s.toRemember = nil
	s.mu.Unlock()
	for _, line := range lines {
		if err := s.rl.SaveHistory(line); err != nil {
			s.warnHistory(err)
		}
	}
}

// warnHistory says once that the history file cannot be written. It may
// run on the editor's goroutine, so it goes through the screen.
func (s *Session) warnHistory(err error) {
	if s.warned.Swap(true) {
		return
	}
	s.Note(fmt.Sprintf("rawtalk: warning: history will not be saved: %v", err))
}

// markKey shows the key that ended the line just left, ^C or ^], at its
// end, as a terminal's echo would have: the editor has already moved to the
// next row, so this goes back up to the end of the line and returns.
func (s *Session) markKey(prompt, line string, why int32) {
	mark := map[int32]string{whyCtrlC: "^C", whyEscape: "^]"}[why]
	if mark == "" {
		return
	}
	col := runewidth.StringWidth(prompt+line) % s.tty.width()
	s.scr.writeLine(fmt.Sprintf("\x1b[A\x1b[%dG%s", col+1, mark))
}

// notef writes one of rawtalk's own lines. It is called only while no
// editor is reading, so the cursor is at the start of an empty row.
func (s *Session) notef(format string, args ...any) {
	s.scr.writeLine(fmt.Sprintf(format, args...))
}
