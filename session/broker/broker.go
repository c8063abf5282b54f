// Package broker is ncat's --broker and --chat: a hub on a listener that
// relays what each client sends to every other client. In broker mode the
// bytes pass unchanged; in chat mode each line goes out prefixed with its
// speaker ("<user1> hello"), escaped so that one client cannot drive the
// others' terminals, and everyone hears who joins and leaves, in ncat's
// words. The hub's own input speaks as user0, and the hub's output shows
// what everyone says.
package broker

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/rawtalk/rawtalk/internal/quote"
	"github.com/rawtalk/rawtalk/session/dial"
)

// Options say how the hub runs.
type Options struct {
	// Chat turns broker mode into chat mode.
	Chat bool
	// MaxConns is how many clients may be connected at once; more are
	// closed as they come. Zero means no limit.
	MaxConns int
	// Prepare runs on each new client before it joins, in its own
	// goroutine (a TLS handshake); an error drops the client, which
	// Prepare reports itself. nil: none.
	Prepare func(ctx context.Context, conn net.Conn) (net.Conn, error)
	// Peer names a client in the hub's words ("127.0.0.1 54022"); nil:
	// dial.PeerWords.
	Peer func(net.Conn) string
	// Joined, Left and Refused report clients (-v); nil: say nothing.
	Joined  func(peer, name string)
	Left    func(peer, name string)
	Refused func(peer, reason string)
	// Local is the hub's own input, sent to every client as user0; nil:
	// none. Out shows what every client says; nil: nowhere.
	Local io.Reader
	Out   io.Writer
}

// maxLine bounds a chat line: a longer one is sent in pieces.
const maxLine = 64 << 10

// client is one connected peer.
type client struct {
	conn net.Conn
	name string        // "user1"
	peer string        // "127.0.0.1 54022"
	out  chan []byte   // what is still to be written to it
	gone chan struct{} // closed when it leaves
}

// writeLoop writes what others say to the client until it leaves, then
// what is still queued, and closes it.
func (c *client) writeLoop() {
	failed := false
	write := func(b []byte) {
		if !failed {
			_, err := c.conn.Write(b)
			failed = err != nil
		}
	}
	for {
		select {
		case b := <-c.out:
			write(b)
		case <-c.gone:
			for {
				select {
				case b := <-c.out:
					write(b)
				default:
					c.conn.Close()
					return
				}
			}
		}
	}
}

// hub is the set of connected clients.
type hub struct {
	opt     Options
	mu      sync.Mutex
	clients map[*client]bool
	pending int // clients that have a place but have not joined yet
	next    int // the number of the next user
	outMu   sync.Mutex
}

// Serve accepts clients on ln until ctx ends, and relays between them. It
// returns ctx.Err() then, or the listener's error.
func Serve(ctx context.Context, ln net.Listener, opt Options) error {
	if opt.Peer == nil {
		opt.Peer = func(c net.Conn) string { return dial.PeerWords(c.RemoteAddr()) }
	}
	h := &hub{opt: opt, clients: map[*client]bool{}, next: 1}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		h.closeAll()
		wg.Wait()
	}()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	if opt.Local != nil {
		go h.readLocal(opt.Local)
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.serveClient(ctx, conn)
		}()
	}
}

// serveClient holds one client from its arrival to its leaving.
func (h *hub) serveClient(ctx context.Context, conn net.Conn) {
	peer := h.opt.Peer(conn)
	if !h.reserve() {
		h.refused(peer, fmt.Sprintf("--max-conns %d reached", h.opt.MaxConns))
		conn.Close()
		return
	}
	if h.opt.Prepare != nil {
		prepared, err := h.opt.Prepare(ctx, conn)
		if err != nil {
			h.release()
			conn.Close()
			return
		}
		conn = prepared
	}
	c, others := h.join(conn, peer)
	go c.writeLoop()
	if h.opt.Chat {
		h.broadcast(nil, []byte(fmt.Sprintf("<announce> %s is connected as <%s>.\n", peerHost(peer), c.name)), true)
		already := "nobody"
		if len(others) > 0 {
			already = strings.Join(others, ", ")
		}
		h.send(c, []byte(fmt.Sprintf("<announce> already connected: %s.\n", already)))
	}
	if h.opt.Joined != nil {
		h.opt.Joined(peer, c.name) // after its greeting is queued, ahead of anything later
	}
	h.relay(c, conn)
	h.leave(c)
	if h.opt.Chat {
		h.broadcast(nil, []byte(fmt.Sprintf("<announce> <%s> is disconnected.\n", c.name)), true)
	}
	if h.opt.Left != nil {
		h.opt.Left(peer, c.name)
	}
}

func (h *hub) refused(peer, reason string) {
	if h.opt.Refused != nil {
		h.opt.Refused(peer, reason)
	}
}

// reserve takes a place for a new client, unless MaxConns are taken.
func (h *hub) reserve() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.opt.MaxConns > 0 && len(h.clients)+h.pending >= h.opt.MaxConns {
		return false
	}
	h.pending++
	return true
}

func (h *hub) release() {
	h.mu.Lock()
	h.pending--
	h.mu.Unlock()
}

// join adds a client in the place reserve took. others are the clients
// already there, in ncat's words ("127.0.0.1 as <user1>").
func (h *hub) join(conn net.Conn, peer string) (c *client, others []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pending--
	for o := range h.clients {
		others = append(others, fmt.Sprintf("%s as <%s>", peerHost(o.peer), o.name))
	}
	slices.Sort(others)
	c = &client{conn: conn, name: fmt.Sprintf("user%d", h.next), peer: peer, out: make(chan []byte, 64), gone: make(chan struct{})}
	h.next++
	h.clients[c] = true
	return c, others
}

func (h *hub) leave(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
	close(c.gone)
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		c.conn.Close()
	}
}

// relay reads what c says until it closes and gives it to the others.
func (h *hub) relay(c *client, r io.Reader) {
	if h.opt.Chat {
		h.chatLines(c, r)
		return
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			h.broadcast(c, bytes.Clone(buf[:n]), true)
		}
		if err != nil {
			return
		}
	}
}

// chatLines reads lines from r and gives each to the others, prefixed
// with the speaker and escaped.
func (h *hub) chatLines(c *client, r io.Reader) {
	name := "user0"
	if c != nil {
		name = c.name
	}
	br := bufio.NewReaderSize(r, maxLine)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			h.broadcast(c, ChatLine(name, line), c != nil)
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

// ChatLine is what the others see when name says line: "<name> text\n",
// the text without its line ending, every control byte in it escaped.
func ChatLine(name string, line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	out := append([]byte("<"+name+"> "), quote.Append(nil, line)...)
	return append(out, '\n')
}

// broadcast gives b to every client but from (nil: to all), and with
// show to Out too.
func (h *hub) broadcast(from *client, b []byte, show bool) {
	h.mu.Lock()
	to := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		if c != from {
			to = append(to, c)
		}
	}
	h.mu.Unlock()
	if show && h.opt.Out != nil {
		h.outMu.Lock()
		h.opt.Out.Write(b)
		h.outMu.Unlock()
	}
	for _, c := range to {
		h.send(c, b)
	}
}

// send queues b for c, unless c has left. A client that does not read
// holds up only those who talk to it, as in ncat.
func (h *hub) send(c *client, b []byte) {
	select {
	case c.out <- b:
	case <-c.gone:
	}
}

// readLocal sends the hub's own input to every client, as user0.
func (h *hub) readLocal(r io.Reader) {
	if h.opt.Chat {
		h.chatLines(nil, r)
		return
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			h.broadcast(nil, bytes.Clone(buf[:n]), false)
		}
		if err != nil {
			return
		}
	}
}

// peerHost is the address part of "127.0.0.1 54022".
func peerHost(peer string) string {
	host, _, _ := strings.Cut(peer, " ")
	return host
}
