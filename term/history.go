package term

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
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
