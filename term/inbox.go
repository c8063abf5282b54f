package term

import (
	"io"
	"sync"
)

// inbox is the line editor's stdin. Keystrokes and the session's signals to
// the editor (see the sentinel runes) are appended here in order, without
// ever blocking the writer; the editor reads them when it is ready. Closing
// it ends the editor's reading, which is how rawtalk stops the editor
// without waiting for a keypress.
type inbox struct {
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	closed bool
}

func newInbox() *inbox {
	b := &inbox{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *inbox) write(p []byte) {
	b.mu.Lock()
	if !b.closed {
		b.buf = append(b.buf, p...)
		b.cond.Signal()
	}
	b.mu.Unlock()
}

func (b *inbox) writeRune(r rune) {
	b.write([]byte(string(r)))
}

func (b *inbox) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.buf) == 0 && !b.closed {
		b.cond.Wait()
	}
	if len(b.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.buf)
	b.buf = b.buf[:copy(b.buf, b.buf[n:])]
	return n, nil
}

func (b *inbox) Close() error {
	b.mu.Lock()
	b.closed = true
	b.cond.Broadcast()
	b.mu.Unlock()
	return nil
}
