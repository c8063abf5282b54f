package transcript

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
)

// Log is where transcripts are written: a file that outlives the
// transcripts written to it, so that -l -k can append every client's
// session, each with its header, to one --log file opened once.
//
// A log that cannot be written (a full disk, /dev/full) costs the log,
// never the session: the first failed write ends the log, is reported
// once through OnFail, and is noted at the end of the file if the file
// takes the note; the sessions go on unlogged. Err tells the caller
// whether the log is complete.
type Log struct {
	// OnFail, if set, is told once, when writing the log first fails. It
	// must not call the Log.
	OnFail func(err *LogError)

	name string

	mu         sync.Mutex
	w          io.Writer
	closer     io.Closer // closes w; nil if w is not an io.Closer
	lineStart  bool      // what reached w ends with a newline (or nothing did)
	failed     *LogError // the write that ended the log
	failedAt   time.Time // when it failed, for the note
	noteToTell bool      // the note on the failure is not in the file yet
	closed     bool
}

// LogError is a transcript that could not be written, and so is
// incomplete.
type LogError struct {
	Name string // the log's name, as the user gave it
	Err  error
}

func (e *LogError) Error() string {
	return fmt.Sprintf("cannot write the transcript %s: %s", e.Name, dial.Strerror(e.Err))
}

func (e *LogError) Unwrap() error { return e.Err }

// NewLog makes a log that writes to w, named name in messages. Close
// closes w if it is an io.Closer.
func NewLog(w io.Writer, name string) *Log {
	l := &Log{w: w, name: name, lineStart: true}
	l.closer, _ = w.(io.Closer)
	return l
}

// Name is the log's name, as given to NewLog.
func (l *Log) Name() string { return l.name }

// Err is nil while the log holds everything it was given, and a
// *LogError once a write has failed (or the close did).
func (l *Log) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failed == nil {
		return nil
	}
	return l.failed
}

// put writes records, whole lines stamped at, in one write. After a
// failure it writes nothing.
func (l *Log) put(b []byte, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failed != nil || l.closed || len(b) == 0 {
		return
	}
	n, err := l.w.Write(b)
	if n > 0 {
		l.lineStart = b[n-1] == '\n'
	}
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		l.failLocked(err, at)
	}
}

// failLocked ends the log: notes why in the file if it can, and tells
// OnFail.
func (l *Log) failLocked(err error, at time.Time) {
	l.failed = &LogError{Name: l.name, Err: err}
	l.failedAt = at
	l.noteToTell = true
	l.noteLocked()
	if l.OnFail != nil {
		l.OnFail(l.failed)
	}
}

// noteLocked tries to end the file with a line saying that it is
// incomplete, on a line of its own after whatever part of a record got
// in. A disk that was full may take it later, at Close.
func (l *Log) noteLocked() {
	if !l.noteToTell {
		return
	}
	note := fmt.Sprintf("# %s transcript incomplete: writing it failed: %s; nothing after this was logged\n",
		l.failedAt.Format(TimeFormat), dial.Strerror(l.failed.Err))
	if !l.lineStart {
		note = "\n" + note
	}
	if n, err := io.WriteString(l.w, note); err == nil && n == len(note) {
		l.noteToTell, l.lineStart = false, true
	}
}

// Close ends the log: it tries once more to note a failure the file did
// not take, and closes the file. It returns Err, or the close's error.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return l.errLocked()
	}
	l.closed = true
	l.noteLocked()
	if l.closer != nil {
		if err := l.closer.Close(); err != nil && l.failed == nil {
			l.failed = &LogError{Name: l.name, Err: err}
			if l.OnFail != nil {
				l.OnFail(l.failed)
			}
		}
	}
	return l.errLocked()
}

func (l *Log) errLocked() error {
	if l.failed == nil {
		return nil
	}
	return l.failed
}
