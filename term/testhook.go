package term

// TestPanicAt makes a session panic on purpose, so a test can prove the
// terminal is restored after a panic in any goroutine: "render" panics
// while drawing server text (the editor's goroutine), "key" when a typed
// '!' is read (the keyboard's). Only a test binary sets it, before a
// session starts; rawtalk itself never does, and no environment variable
// or flag reaches it.
var TestPanicAt string

// testPanic is the value a TestPanicAt panic carries, which tests look for
// in the crash report.
const testPanic = "rawtalk: panic requested by test hook"
