// Package practice holds the small servers behind rawtalk --demo: HTTP,
// SMTP, POP3, IMAP and echo servers that answer the way real ones do, so
// that a student with no network can type a protocol by hand and see real
// replies, and the lab (StartLab) that runs them all at once as a host to
// scan. They listen where the caller says, touch nothing outside their
// connections, and keep mail in memory only.
package practice

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rawtalk/rawtalk/session/dial"
)

// Defaults for a Server's limits, chosen for a person typing slowly: the idle
// timeout gives time to read an answer and think about the next line.
const (
	DefaultIdleTimeout = 5 * time.Minute
	DefaultMaxConns    = 64
)

// writeTimeout bounds each answer, so a client that never reads cannot hold
// a handler once the socket buffers are full.
const writeTimeout = 30 * time.Second

// lingerTimeout bounds how long a closing connection waits for the client
// to stop sending, so that the client reads the last answer instead of a
// reset (see lingerClose).
const lingerTimeout = 2 * time.Second

// Kinds lists the practice servers, in the order help texts name them.
func Kinds() []string { return []string{"http", "smtp", "pop3", "imap", "echo"} }

// KindError is a practice server kind that does not exist.
type KindError struct{ Kind string }

func (e *KindError) Error() string {
	return fmt.Sprintf("unknown practice server %q; the kinds are %s", e.Kind, strings.Join(Kinds(), ", "))
}

// Server is one practice server. Its zero value is not usable: make it with
// New, then set any fields before calling Serve.
type Server struct {
	// Kind is one of Kinds().
	Kind string
	// Clock gives the time for HTTP's Date header; nil means time.Now.
	// Tests set it so that answers are the same bytes on every run.
	Clock func() time.Time
	// IdleTimeout closes a connection that has sent nothing for this long
	// (SMTP says 421 first, POP3 -ERR, IMAP BYE, HTTP 408 if a request was
	// half sent).
	IdleTimeout time.Duration
	// MaxConns is how many clients are served at once; one more is turned
	// away with the protocol's "busy" answer.
	MaxConns int
	// OnConnect, if set, is called for each accepted client, before it is
	// served (for -v's "Connection received on ..." line).
	OnConnect func(remote net.Addr)

	mail *Mailbox // the practice mail: SMTP delivers into it, POP3 and IMAP read it

	mu    sync.Mutex            // guards conns and count
	conns map[net.Conn]struct{} // open connections, closed when Serve ends
	count int                   // connections accepted so far
}

// New returns a server of the given kind with the default limits, or a
// *KindError.
func New(kind string) (*Server, error) {
	if !slices.Contains(Kinds(), kind) {
		return nil, &KindError{Kind: kind}
	}
	return &Server{
		Kind:        kind,
		IdleTimeout: DefaultIdleTimeout,
		MaxConns:    DefaultMaxConns,
		mail:        newMailbox(),
	}, nil
}

// Mail is the server's mailbox: the starter messages and what SMTP
// accepted. Each server has its own, except in a lab, where they share one.
func (s *Server) Mail() *Mailbox { return s.mail }

// Connections is the number of clients accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Serve accepts clients on ln and serves each in its own goroutine until ctx
// ends or ln fails. When ctx ends it closes ln and every open connection,
// waits for the handlers to return, and returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var handlers sync.WaitGroup
	defer handlers.Wait()
	defer s.closeAll()

	busy := make(chan struct{}, max(s.MaxConns, 1)) // one token per client being served
	var backoff time.Duration                       // wait after a failed accept, as net/http does
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if !isTransient(err) {
				return err
			}
			// Out of file descriptors and the like: wait for clients to
			// leave, then try again.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
			}
			continue
		}
		backoff = 0
		s.track(conn)
		if s.OnConnect != nil {
			s.OnConnect(conn.RemoteAddr())
		}
		handlers.Add(1)
		select {
		case busy <- struct{}{}:
			go func() {
				defer handlers.Done()
				defer func() { <-busy }()
				defer s.untrack(conn)
				s.ServeConn(conn)
			}()
		default:
			go func() {
				defer handlers.Done()
				defer s.untrack(conn)
				s.turnAway(conn)
			}()
		}
	}
}

// ServeConn speaks the server's protocol on one connection and closes it.
func (s *Server) ServeConn(conn net.Conn) {
	switch s.Kind {
	case "http":
		s.serveHTTP(conn)
	case "smtp":
		s.serveSMTP(conn)
	case "pop3":
		s.servePOP3(conn)
	case "imap":
		s.serveIMAP(conn)
	default:
		s.serveEcho(conn)
	}
}

// turnAway answers a client over the MaxConns limit the way each protocol
// says "busy", and closes.
func (s *Server) turnAway(conn net.Conn) {
	switch s.Kind {
	case "http":
		// HTTP answers requests, so read the request head first, briefly;
		// a client that sends nothing gets the answer when the wait ends.
		conn.SetReadDeadline(time.Now().Add(lingerTimeout))
		lr := newLineReader(conn, httpLineLimit)
	skipRequestHead:
		for {
			line, err := lr.readLine()
			if err != nil || line == "" {
				break skipRequestHead
			}
		}
		h := &httpConn{s: s, c: conn}
		h.writeResponse(&httpRequest{method: "GET"}, &httpResponse{
			status: 503, close: true,
			body: "The practice server is serving too many clients; try again in a moment.\n",
		})
	case "smtp":
		send(conn, "421 4.3.2 localhost Error: too many connections; try again later\r\n")
	case "pop3":
		send(conn, "-ERR [SYS/TEMP] too many connections; try again later\r\n")
	case "imap":
		send(conn, "* BYE too many connections; try again later\r\n")
	}
	lingerClose(conn)
}

func (s *Server) track(conn net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns == nil {
		s.conns = make(map[net.Conn]struct{})
	}
	s.conns[conn] = struct{}{}
	s.count++
}

func (s *Server) untrack(conn net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, conn)
}

func (s *Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

func (s *Server) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// idleDeadline arms conn's read deadline for the next wait on the client.
func (s *Server) idleDeadline(conn net.Conn) {
	if s.IdleTimeout > 0 {
		conn.SetReadDeadline(time.Now().Add(s.IdleTimeout))
	}
}

// send writes an answer within writeTimeout.
func send(conn net.Conn, text string) error {
	conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := io.WriteString(conn, text)
	return err
}

// lingerClose ends a connection so the client can read the last answer: it
// half-closes, then reads and drops what the client still sends for a short
// while. Closing with unread bytes in the socket would send a reset, and the
// client's kernel may then throw away the answer before it is read.
func lingerClose(conn net.Conn) {
	defer conn.Close()
	cw, ok := conn.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return
	}
	conn.SetReadDeadline(time.Now().Add(lingerTimeout))
	io.CopyN(io.Discard, conn, 1<<20)
}

// errLineTooLong reports a line longer than the reader's limit; the rest of
// the line has been read and dropped.
var errLineTooLong = errors.New("line too long")

// lineReader reads the client's lines with a length limit, accepting CRLF
// or a bare LF as the end of a line, as real servers do.
type lineReader struct {
	r          *bufio.Reader
	lastEnding string // how the last line ended, as visible text: \r\n, \n, or empty at EOF
}

func newLineReader(conn net.Conn, limit int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(conn, limit)}
}

// readLine returns the next line without its line ending. A line longer
// than the limit is reported as errLineTooLong at once, with the rest of it
// left unread (skipLine drops it). At EOF in the middle of a line, it
// returns the partial line and io.EOF.
func (lr *lineReader) readLine() (string, error) {
	line, err := lr.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errLineTooLong
	}
	s := string(line)
	switch {
	case strings.HasSuffix(s, "\r\n"):
		lr.lastEnding = `\r\n`
	case strings.HasSuffix(s, "\n"):
		lr.lastEnding = `\n`
	default:
		lr.lastEnding = ""
	}
	return strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r"), err
}

// skipLine reads and drops the rest of a line that was too long.
func (lr *lineReader) skipLine() error {
	for {
		_, err := lr.r.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// ending is how the last line read ended, as visible text.
func (lr *lineReader) ending() string { return lr.lastEnding }

// plural is "1 message", "2 messages".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// isTransient tells whether an accept failure may pass: too many open
// files, or a client that left before it was accepted.
func isTransient(err error) bool {
	return dial.IsErrno(err, syscall.EMFILE) || dial.IsErrno(err, syscall.ENFILE) ||
		dial.IsErrno(err, syscall.ECONNABORTED) || dial.IsErrno(err, syscall.ENOBUFS) || isTimeout(err)
}

// isTimeout tells whether err is a deadline passing.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
