package pump

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// idleWatch closes conn when no byte has moved either way for a while (-w
// in piped mode, like nc). Every read of stdin and write to stdout counts.
type idleWatch struct {
	timeout time.Duration
	conn    net.Conn
	last    atomic.Int64 // unix nanoseconds of the last activity
	did     atomic.Bool  // the watch closed conn
	done    chan struct{}
	once    sync.Once
}

func newIdleWatch(timeout time.Duration, conn net.Conn) *idleWatch {
	w := &idleWatch{timeout: timeout, conn: conn, done: make(chan struct{})}
	w.touch()
	go w.run()
	return w
}

func (w *idleWatch) touch() { w.last.Store(time.Now().UnixNano()) }

func (w *idleWatch) run() {
	t := time.NewTimer(w.timeout)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
			quiet := time.Since(time.Unix(0, w.last.Load()))
			if quiet >= w.timeout {
				w.did.Store(true)
				w.conn.Close()
				return
			}
			t.Reset(w.timeout - quiet)
		}
	}
}

func (w *idleWatch) fired() bool { return w.did.Load() }
func (w *idleWatch) stop()       { w.once.Do(func() { close(w.done) }) }

func (w *idleWatch) reader(r io.Reader) io.Reader  { return &idleReader{r, w} }
func (w *idleWatch) writer(wr io.Writer) io.Writer { return &idleWriter{wr, w} }

type idleReader struct {
	r io.Reader
	w *idleWatch
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.w.touch()
	}
	return n, err
}

type idleWriter struct {
	wr io.Writer
	w  *idleWatch
}

func (w *idleWriter) Write(p []byte) (int, error) {
	w.w.touch()
	return w.wr.Write(p)
}
