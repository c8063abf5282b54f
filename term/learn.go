package term

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/rawtalk/rawtalk/session/transcript"
)

// logCommand is the escape prompt's log: "log FILE" starts a transcript
// (appended to FILE, created 0600), "log off" ends it, "log" says which.
func (s *Session) logCommand(arg string) {
	t := s.opt.Transcript
	if t == nil {
		s.notef("?log is not available here")
		return
	}
	current := t.Logging()
	switch {
	case arg == "":
		if current == "" {
			s.notef("Not logging. log FILE writes a transcript to FILE; log off ends it.")
		} else {
			s.notef("Logging to %s; log off ends it.", current)
		}
		return
	case strings.EqualFold(arg, "off"):
		if current == "" {
			s.notef("?Not logging")
			return
		}
		if err := t.Stop(); err != nil {
			s.notef("rawtalk: %v", err) // a *transcript.LogError names the file
			return
		}
		s.notef("Transcript %s closed.", current)
		return
	}
	path := expandHome(arg)
	f, err := transcript.OpenLog(path)
	if err != nil {
		s.notef("?Cannot write a transcript there: %v", err)
		return
	}
	if err := t.Start(f, path); err != nil {
		f.Close()
		s.notef("?%v", err) // "cannot write the transcript FILE: No space left on device"
		return
	}
	if current != "" {
		s.notef("Transcript %s closed.", current)
	}
	s.notef("Logging to %s (appended; > sent, < received).", path)
}

// expandHome turns a leading ~/ into the home directory, as a shell would
// have done on the command line.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}

// hexCommand is the escape prompt's hex: on, off, or (alone) the other.
func (s *Session) hexCommand(arg string) {
	v := s.opt.View
	if v == nil {
		s.notef("?hex is not available here")
		return
	}
	on := !v.Hex()
	switch strings.ToLower(arg) {
	case "":
	case "on":
		on = true
	case "off":
		on = false
	default:
		s.notef("?hex takes on or off")
		return
	}
	v.SetHex(on)
	if on {
		s.notef("Hex display on: rows marked < were received, > sent; hex off shows text again.")
	} else {
		s.notef("Hex display off.")
	}
}

// learnStatus are the status command's lines about the learning aids.
func (s *Session) learnStatus() []string {
	var lines []string
	if t := s.opt.Transcript; t != nil {
		if name := t.Logging(); name != "" {
			lines = append(lines, "Transcript: "+name)
		} else {
			lines = append(lines, "Transcript: none (log FILE starts one)")
		}
	}
	if v := s.opt.View; v != nil && v.Active() {
		v.mu.Lock()
		var shown []string
		if v.hex {
			shown = append(shown, "hex dump")
		}
		if v.ends {
			shown = append(shown, "line endings shown")
		}
		if v.stamps {
			shown = append(shown, "timestamps")
		}
		v.mu.Unlock()
		lines = append(lines, "View: "+strings.Join(shown, ", "))
	}
	if s.opt.Proto != "" {
		lines = append(lines, "Tab completes "+s.opt.Proto+" commands")
	}
	return append(lines, s.explainStatus()...) // explain_view.go
}
