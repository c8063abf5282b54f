//go:build unix

package term

import (
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// suspend stops rawtalk like Ctrl-Z stops any program, with the terminal
// restored, and takes up where it was on fg. It runs on the editor's
// goroutine, from the filter.
func (s *Session) suspend() {
	if unix.Getpgrp() == os.Getpid() && os.Getpid() == sessionID() {
		// A session leader has no shell to stop it for: Ctrl-Z would hang.
		s.ed.Clean()
		s.notef("rawtalk: no job control here; Ctrl-Z does nothing")
		return
	}
	s.ed.Clean()
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

// sessionID is the process's session ID, or -1 if it cannot be had.
func sessionID() int {
	sid, err := unix.Getsid(0)
	if err != nil {
		return -1
	}
	return sid
}
