package term

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
)

// sender writes the user's bytes to the server on its own goroutine, so a
// server that stops reading never freezes the keyboard: Ctrl-] and quit
// still answer at once.
type sender struct {
	conn     net.Conn
	maxQueue int          // bytes that may wait before send refuses more
	sent     atomic.Int64 // bytes written to the server

	mu       sync.Mutex
	cond     *sync.Cond
	queue    [][]byte // waiting to be written, in order
	queued   int      // bytes in queue
	eof      bool     // half-close once the queue is empty
	stopped  bool     // the session is over
	err      error    // the write that failed, if one did
	halfDone bool     // the write side has been closed
}

// errSendBacklog means the server is not reading what the user sends.
var errSendBacklog = errors.New("the server is not reading what you send")

// errWriteClosed means the user already sent EOF.
var errWriteClosed = errors.New("you already sent EOF (Ctrl-D or eof); nothing more can be sent")

func newSender(conn net.Conn) *sender {
	s := &sender{conn: conn, maxQueue: 4 << 20}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// send queues p for the server without blocking.
func (s *sender) send(p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.err != nil:
		return s.err
	case s.eof:
		return errWriteClosed
	case s.queued+len(p) > s.maxQueue:
		return errSendBacklog
	}
	s.queue = append(s.queue, append([]byte(nil), p...))
	s.queued += len(p)
	s.cond.Signal()
	return nil
}

// closeWrite half-closes the connection once everything queued is sent.
func (s *sender) closeWrite() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eof {
		return errWriteClosed
	}
	s.eof = true
	s.cond.Signal()
	return nil
}

// backlog is how many bytes wait for the server.
func (s *sender) backlog() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queued
}

// stop ends run; a write blocked on a server that does not read ends when
// the connection is closed.
func (s *sender) stop() {
	s.mu.Lock()
	s.stopped = true
	s.cond.Signal()
	s.mu.Unlock()
}

// run is the write loop: queue to connection, until stopped.
func (s *sender) run() {
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.stopped && !(s.eof && !s.halfDone) {
			s.cond.Wait()
		}
		if s.stopped {
			s.mu.Unlock()
			return
		}
		if len(s.queue) == 0 { // eof asked and everything sent
			s.halfDone = true
			s.mu.Unlock()
			if cw, ok := s.conn.(interface{ CloseWrite() error }); ok {
				cw.CloseWrite()
			}
			continue
		}
		p := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		s.mu.Unlock()

		n, err := s.conn.Write(p)
		s.sent.Add(int64(n))

		s.mu.Lock()
		s.queued -= len(p)
		if err != nil && s.err == nil {
			s.err = err
			s.queue, s.queued = nil, 0
		}
		s.mu.Unlock()
	}
}
