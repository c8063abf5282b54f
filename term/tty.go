package term

// width is the terminal's width in columns, 80 if unknown.
func (t *ttyState) width() int {
	cols, _ := t.size()
	return cols
}

// Size is the terminal's width and height, for telnet's NAWS.
func (t Terminal) Size() (cols, rows int) {
	return newTTYState(t.Fd).size()
}
