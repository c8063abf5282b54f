package term

import (
	"errors"

	"github.com/rawtalk/rawtalk/session/transcript"
)

// ErrReconnect ends a session whose user typed reconnect at the escape
// prompt: the caller dials the same target again and runs a new session
// with the old one's Handoff as Options.Resume.
var ErrReconnect = errors.New("reconnect")

// Handoff is what a session hands on to the next after a reconnect, so
// that the user goes on where they were: the lines typed, for the history
// when no history file keeps them, and the transcript being written.
type Handoff struct {
	// Lines are the lines typed in this run, oldest first, secrets left out.
	Lines []string
	// Log is the transcript log being written when reconnect was typed,
	// nil if none; Own says whether the transcript owns (closes) it.
	Log *transcript.Log
	Own bool
}

// maxHandoffLines bounds Lines, as the editor bounds its history.
const maxHandoffLines = 1000

// reconnect is the escape prompt's reconnect: it ends the session for the
// caller to dial again, keeping the transcript's log open for the next.
func (s *Session) reconnect() (done bool, err error) {
	if !s.opt.Reconnect {
		s.notef("?reconnect is not available here: this session was not dialled by rawtalk")
		return false, nil
	}
	if t := s.opt.Transcript; t != nil {
		s.handoff.Log, s.handoff.Own = t.Detach()
	}
	s.endWith(endReconnect)
	s.notef("Connection closed.")
	return true, ErrReconnect
}

// Handoff is what the session hands on to the next, once Run has ended
// with ErrReconnect.
func (s *Session) Handoff() *Handoff {
	h := s.handoff
	h.Lines = s.typed
	return &h
}

// takeResume takes over what the session before this one handed on: its
// lines into the editor's history when no history file has them, and its
// transcript log.
func (s *Session) takeResume(historyFile string) {
	r := s.opt.Resume
	if r == nil {
		return
	}
	s.typed = append([]string(nil), r.Lines...)
	if historyFile == "" {
		for _, line := range r.Lines {
			s.ed.SaveHistory(line)
		}
	}
	if s.opt.Transcript != nil {
		s.opt.Transcript.Attach(r.Log, r.Own)
	}
}

// keepTyped remembers a line saved to the history, for the Handoff.
func (s *Session) keepTyped(line string) {
	s.typed = append(s.typed, line)
	if len(s.typed) > maxHandoffLines {
		s.typed = s.typed[len(s.typed)-maxHandoffLines:]
	}
}
