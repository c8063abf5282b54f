package term

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rawtalk/rawtalk/internal/safefile"
)

// HistoryPath is where typed lines are kept across sessions: under the XDG
// state directory, as the spec asks for data that is not worth backing up.
func HistoryPath(getenv func(string) string) string {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "rawtalk", "history")
}

// prepareHistoryFile makes sure the history file exists with mode 0600 in
// a 0700 directory before the line editor opens it (readline would create
// it world-readable), and that it can be written.
func prepareHistoryFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := safefile.OpenAppend(path, 0o600) // never chmod or write a link's target
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("%s is readable by others and cannot be made private: %w", path, err)
		}
	}
	return nil
}

// editorHistoryFile is the history file the editor may use: the one the
// options name, made private first, or "" (history in memory, with one
// warning) when it cannot be.
func (s *Session) editorHistoryFile() string {
	if s.opt.HistoryFile == "" {
		return ""
	}
	if err := prepareHistoryFile(s.opt.HistoryFile); err != nil {
		s.warnHistory(err)
		return ""
	}
	return s.opt.HistoryFile
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
		if err := s.ed.SaveHistory(line); err != nil {
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

// secretFilter decides which typed lines are kept out of the history file
// because they carry a credential: POP3 and FTP PASS, SMTP and Redis AUTH
// with its payload lines, IMAP LOGIN and AUTHENTICATE, Redis requirepass.
type secretFilter struct {
	followUps int // lines still to come in an AUTH exchange (base64 payloads)
}

func (f *secretFilter) secret(line string) bool {
	words := strings.Fields(line)
	if f.followUps > 0 {
		f.followUps--
		if len(words) <= 1 { // a payload line, not a new command
			return true
		}
		f.followUps = 0
	}
	for i, w := range words {
		switch strings.ToUpper(w) {
		case "PASS", "REQUIREPASS":
			return true
		case "AUTH", "AUTHENTICATE":
			if len(words) <= i+2 {
				// "AUTH LOGIN" and "AUTH PLAIN" without a payload: the
				// next lines are the user and password in base64.
				f.followUps = 2
			}
			return true
		case "LOGIN":
			if i == 1 { // IMAP: tag LOGIN user password
				return true
			}
		}
	}
	return false
}
