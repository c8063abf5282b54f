package term

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// How the session ended.
const (
	endNone = iota
	endServer
	endQuit
	endSignal
	endTerminal
	endReconnect
)

// Session is one interactive conversation with a server. Its goroutines
// are the server reader (readServer), the keyboard reader (readKeys), the
// sender, the signal watcher, the line editor's own (which runs filter and
// onChange, and alone may redraw the input row), and Run's, which drives
// the editor (loop, charLoop, escape). Each field says who may touch it.
type Session struct {
	// Set before Run starts its goroutines, then only read.
	conn  net.Conn  // the connection, with the protocol layers under it
	term  Terminal  // the user's terminal: keys in, screen out
	opt   Options   // what the command line asked for
	tty   *ttyState // raw mode, restored once from every way out
	scr   *screen   // server text and rawtalk's lines, drawn around the typed line
	snd   *sender   // the user's bytes to the server, on their own goroutine
	ed    *editor   // the line editor (editor.go), driven by Run's goroutine
	in    *inbox    // the editor's stdin: keys and sentinel runes, in order
	start time.Time // when Run began, for status and Counts
	// resize is readline's reaction to a new width, set by the editor at
	// start and called by filter on the editor's goroutine.
	resize func()

	received    atomic.Int64 // bytes from the server, for status and Counts
	why         atomic.Int32 // why Readline returned (whyNone...): filter sets, Run's goroutine takes
	closing     atomic.Bool  // the editor is being stopped: filter ignores its keys
	editorWidth atomic.Int32 // the width the editor wraps lines at, for status
	localEcho   atomic.Bool  // character mode: show typed keys (the server does not echo)
	warned      atomic.Bool  // the history warning was shown
	lineLen     atomic.Int32 // runes in the line being typed: onChange and loop set, filter reads
	promptUp    atomic.Bool  // the escape prompt's Readline runs: escape sets, filter reads

	// mu guards the fields below it up to the next blank line: where keys
	// go (route.go), and what the keyboard goroutine hands the editor's.
	mu         sync.Mutex
	keysChar   bool     // keys go in character mode, apart from the escape prompt
	escaping   bool     // the escape prompt has the keys
	holding    bool     // the escape prompt's line has ended: keys wait in held
	held       []byte   // keys typed after it, until its command has run
	charKeys   []byte   // keys for charLoop to send
	charEscape bool     // Ctrl-] came after charKeys: charLoop opens the prompt
	wantChar   bool     // the mode the server last asked for (telnet)
	pastes     [][]byte // pasted text waiting for its runePaste
	interrupts []int32  // what each Ctrl-C given to the editor stands for
	lastPaste  bool     // the last thing given to the editor was a paste
	multiPaste bool     // the keys given to the editor are a multi-line paste
	pastedEnds int      // Enters that came inside a multi-line paste, not yet read as lines
	toRemember []string // sent lines for the history, saved by the filter

	// Channels between the goroutines.
	charReady  chan struct{} // poked when charKeys or charEscape is set
	modeChange chan struct{} // poked when the server asks for another mode

	// The end, recorded once by end; ended is closed after the other two
	// are set, so whoever sees it closed may read them.
	endOnce   sync.Once
	ended     chan struct{} // closed when the session must end
	endReason int           // endServer...
	endErr    error         // the server's read error, or the signal

	// Used on the editor's goroutine only (filter, onChange), and by Run's
	// while no Readline runs.
	pasting  []byte // the paste being inserted: set by filter, used by onChange
	redraw   bool   // filter drew server text: onChange redraws the line
	bigPaste []byte // a paste too long for the editor, shown as a placeholder
	pasteRun int    // runes just before the cursor that the current paste inserted

	// What a reconnect hands on (reconnect.go): typed is appended to by
	// saveHistory, on the editor's goroutine or after it has stopped, and
	// read by Handoff once Run has returned; handoff is set by the escape
	// prompt's reconnect.
	typed   []string
	handoff Handoff

	// Used by Run's goroutine only.
	eol        []byte       // what Enter sends after a line (eol command)
	secrets    secretFilter // which sent lines stay out of the history
	pastedKept int          // lines of the current multi-line paste seen by remember
	ctrlC      bool         // the last key was Ctrl-C on an empty line
	resume     string       // half-typed text to put back after the escape prompt
	mode       bool         // character mode (true) or line mode, apart from the escape prompt
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
		charReady:  make(chan struct{}, 1),
		modeChange: make(chan struct{}, 1),
		ended:      make(chan struct{}),
		eol:        opt.EOL,
	}
	s.localEcho.Store(true)
	s.scr.wantDraw = func() { s.in.writeRune(runeDraw) }
	s.scr.setView(opt.View)
	s.scr.notes = newExplainer(opt.Proto, opt.Explain)
	if s.eol == nil {
		s.eol = []byte("\r\n")
	}
	return s
}

// ServerMode is what the server asked for through telnet negotiation:
// character mode when it suppresses go-ahead, and no local echo when it
// echoes. Any goroutine may call it; keys typed from then on go in the new
// mode (route.go), and a half-typed line is kept for when line mode comes
// back. While the server echoes in character mode it owns the screen, and
// what it sends next is shown under the RemoteScreen policy (display.go),
// as telnet would draw it but for what could harm or read the terminal.
func (s *Session) ServerMode(character, localEcho bool) {
	s.localEcho.Store(localEcho)
	s.scr.setRemoteScreen(character && !localEcho)
	s.mu.Lock()
	change := character != s.wantChar
	s.wantChar = character
	if change {
		s.keysChar = character
		s.interruptLocked(whyMode) // after the keys typed before
	}
	s.mu.Unlock()
	if !change {
		return
	}
	select {
	case s.modeChange <- struct{}{}:
	default:
	}
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
	cols, rows := s.tty.size()           // before the editor reads it: see watchResize
	historyFile := s.editorHistoryFile() // history.go
	ed, err := newEditor(editorConfig{
		in:             s.in,
		out:            s.term.Out,
		historyFile:    historyFile,
		width:          s.tty.width,
		onWidthChanged: func(f func()) { s.resize = f },
		filter:         s.filter,   // keys.go
		listener:       s.onChange, // paste.go
		completer:      completer{s},
	})
	if err != nil {
		return counts, err
	}
	s.ed = ed
	s.scr.editor = ed
	s.takeResume(historyFile) // reconnect.go
	s.scr.width = s.tty.width
	s.editorWidth.Store(int32(s.tty.width()))

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	if s.opt.Banner != "" {
		s.notef("%s", s.opt.Banner)
	}

	var wg sync.WaitGroup
	wg.Add(5)
	go func() { defer wg.Done(); s.readServer() }()
	go func() { defer wg.Done(); s.readKeys() }()
	go func() { defer wg.Done(); defer s.guard(); s.snd.run() }()
	stopSignals := make(chan struct{})
	go func() { defer wg.Done(); s.watchSignals(sigs, stopSignals) }()
	go func() { defer wg.Done(); defer s.guard(); watchResize(s.tty, cols, rows, stopSignals, s.resized) }()

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

// closeEditor stops the line editor, while no Readline runs, without
// waiting for a key: the filter lets the end of its input through.
func (s *Session) closeEditor() {
	s.closing.Store(true)
	s.ed.stop()
	s.saveHistory() // the editor's goroutine is gone: its history is ours
	s.ed.close()
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

// watchSignals ends the session on SIGINT, SIGTERM and SIGHUP.
func (s *Session) watchSignals(sigs <-chan os.Signal, stop <-chan struct{}) {
	defer s.guard()
	select {
	case <-stop:
	case sig := <-sigs:
		s.end(endSignal, &SignalError{Signal: sig})
	}
}

// resized passes a new window size on to the editor and to telnet; the
// per-system watchResize calls it (resize_unix.go, resize_windows.go).
func (s *Session) resized() {
	s.in.writeRune(runeResize)
	if s.opt.Telnet != nil {
		cols, rows := s.tty.size()
		s.opt.Telnet.Resize(cols, rows)
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
		if want := s.keysMode(); want != s.mode { // route.go
			s.setCharMode(want)
		}
		if s.mode {
			if done, err := s.charLoop(); done {
				return err
			}
			continue
		}
		// ReadlineWithDefault replaces the editor's buffer, which would drop
		// keys typed ahead while the last line was being sent: use it only
		// to put back a line the escape prompt interrupted.
		readLine := s.ed.Readline
		s.lineLen.Store(int32(len([]rune(s.resume))))
		if s.resume != "" {
			resume := s.resume
			readLine = func() (string, error) { return s.ed.ReadlineWithDefault(resume) }
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
			s.remember(line, s.takePastedEnd())
		}
	}
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
