//go:build !unix

package term

// suspend: without Unix job control there is no shell to stop rawtalk
// for, so Ctrl-Z only says so.
func (s *Session) suspend() {
	s.ed.Clean()
	s.notef("rawtalk: no job control here; Ctrl-Z does nothing")
}
