package term

import "time"

// resizePoll is how often the console window's size is checked: Windows
// has no SIGWINCH, and a console reader that wants window events would
// have to share the input handle with the key reader.
const resizePoll = 250 * time.Millisecond

// watchResize calls resized whenever the console window's size changes,
// until stop is closed.
func watchResize(t *ttyState, cols, rows int, stop <-chan struct{}, resized func()) {
	tick := time.NewTicker(resizePoll)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if c, r := t.size(); c != cols || r != rows {
				cols, rows = c, r
				resized()
			}
		}
	}
}
