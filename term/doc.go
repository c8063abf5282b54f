// Package term is the person at the keyboard: the interactive session
// (session.go) and everything between it and the terminal. It owns the
// line editor (editor.go, the only file that imports readline), key routing
// and the Ctrl-] escape key (keys.go), pastes (paste.go), history and
// which lines stay out of it (history.go), Ctrl-Z (jobcontrol_unix.go),
// the screen that shows the server's text without garbling the line being
// typed (screen.go), safe display of hostile bytes (display.go), the
// escape prompt (prompt.go, escape.go), character mode (charmode.go), Tab
// completion (complete.go), the learning views (view.go, hexdump.go,
// learn.go), and the promise that the terminal is restored on every way
// out (tty.go).
package term
