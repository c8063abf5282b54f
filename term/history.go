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
			// Windows has no HOME: the user's local app data folder.
			if dir = platformStateDir(getenv); dir == "" {
				return ""
			}
		} else {
			dir = filepath.Join(home, ".local", "state")
		}
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

// maxPasteHistory is how many lines of one multi-line paste go into the
// history: a 10,000-line paste must not push out everything typed before.
const maxPasteHistory = 20

// remember adds a sent line to the history, unless it carries a secret:
// by what it says (secrets.go), because the server's last line asked for a
// password, or because a telnet server turned echo off for it. pasted
// says the line came in a multi-line paste; only the first
// maxPasteHistory lines of one are kept.
//
// readline's history is not safe to touch from two goroutines, and its
// editor goroutine updates it on every key, even between Readline calls;
// so the line waits in toRemember for the filter, on that goroutine, to
// save it before the next key.
func (s *Session) remember(line string, pasted bool) {
	echoOff := s.opt.Telnet != nil && !s.localEcho.Load()
	secret := s.secrets.secret(line, s.scr.takeServerLine(), echoOff)
	if !pasted {
		s.pastedKept = 0
	} else if s.pastedKept++; s.pastedKept > maxPasteHistory {
		return
	}
	if strings.TrimSpace(line) == "" || secret {
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
		s.keepTyped(line) // reconnect.go
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
