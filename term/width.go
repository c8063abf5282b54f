package term

import (
	"strconv"

	"github.com/chzyer/readline"
	"github.com/mattn/go-runewidth"
)

// cursorPainter corrects where readline leaves the cursor. chzyer/readline
// moves back over the text right of the cursor with one backspace per rune,
// but emoji and CJK take two columns and combining marks none; the painter
// appends the difference, as more backspaces or a cursor-forward, so the
// cursor lands where the next typed character will go.
type cursorPainter struct{}

func (cursorPainter) Paint(line []rune, pos int) []rune {
	if pos >= len(line) {
		return line
	}
	cols := 0
	for _, r := range line[pos:] {
		if r == '\t' {
			cols += readline.TabWidth // readline draws a tab as spaces
			continue
		}
		cols += runewidth.RuneWidth(r)
	}
	extra := cols - (len(line) - pos)
	if extra == 0 {
		return line
	}
	out := make([]rune, len(line), len(line)+extra+8)
	copy(out, line)
	if extra > 0 {
		for ; extra > 0; extra-- {
			out = append(out, '\b')
		}
		return out
	}
	return append(out, []rune("\x1b["+strconv.Itoa(-extra)+"C")...)
}
