package term

import (
	"testing"
)

// TestKeysAfterServerModeChangeGoInTheNewMode: a key typed once the
// server has switched modes (telnet's WILL ECHO, WILL SGA, then "login: ")
// is handled in the new mode, however late the session's own goroutines
// get to the switch. Before, a key typed in that gap went to the line
// editor, which had stopped reading, and waited there until line mode came
// back: the server never got the first letter of the user name.
func TestKeysAfterServerModeChangeGoInTheNewMode(t *testing.T) {
	var sess *Session
	p := startPTYWith(t, Options{}, func(s *Session) { sess = s })
	p.ready()

	for range 20 {
		// No wait between the server's switch and the key: the user
		// types as soon as the switch has arrived.
		sess.ServerMode(true, false)
		p.keys("b")
		p.expect("b")

		// Back to line mode: the keys are edited as a line again, the
		// Backspace taken by the editor, not sent.
		sess.ServerMode(false, true)
		p.keys("xy\x7fz\r")
		p.expect("xz\r\n")
	}
}

// TestKeysAfterEscapeInCharacterModeGoToThePrompt: in character mode, what
// is typed after Ctrl-] belongs to the escape prompt, also when it comes in
// a read of its own before the session has opened the prompt.
func TestKeysAfterEscapeInCharacterModeGoToThePrompt(t *testing.T) {
	var sess *Session
	p := startPTYWith(t, Options{}, func(s *Session) { sess = s })
	p.ready()
	sess.ServerMode(true, false)
	for i := range 20 {
		p.keys("a\x1d")
		if i%2 == 1 {
			p.keys("help\r") // the prompt asks for another line
		}
		p.keys("eol lf\r")
		p.keys("b")
		p.expect("ab") // and not "eol lf"
	}
	sess.ServerMode(false, true)
	p.keys("z\r")
	p.expect("z\n")
}
