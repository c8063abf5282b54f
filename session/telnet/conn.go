package telnet

import (
	"net"
	"sync"
	"time"
)

// Conn is a net.Conn that speaks telnet to a server: Read returns only the
// server's user data and answers negotiation as it goes, Write sends the
// user's bytes in network form (0xFF doubled, bare CR as CR NUL). The
// session layer uses it in place of the raw connection.
//
// One goroutine may Read while others Write, Resize or Send. Answers never
// land inside a chunk of user data, and Read never waits for a Write: if a
// Write is blocked because the server is not reading, Read queues its
// answers for that Write to send and goes on reading, so the two sides
// cannot deadlock each filling the other's buffer. The Config hooks are
// called with no lock held, so they may call back into the Conn; they run
// on the goroutine of the Read, Resize or Send that caused them.
//
// Conn deliberately hides the raw socket (it has no SyscallConn), so
// io.Copy cannot splice around the codec: telnet mode costs piped mode its
// zero-copy path.
type Conn struct {
	raw net.Conn
	cfg Config // the caller's hooks

	mu     sync.Mutex // guards client and events
	client *Client
	events []event // hook calls made under mu, delivered after it is released

	pmu     sync.Mutex // guards pending
	pending []byte     // protocol bytes (answers, NAWS) waiting to be written, in order

	wmu         sync.Mutex // held by whoever writes to raw
	enc         Encoder
	wbuf        []byte // encoded user data, reused
	writing     []byte // the pending bytes being written, swapped with pending
	writeClosed bool   // CloseWrite was called: answers can no longer be sent
}

// maxPending bounds the answers queued behind a blocked Write; past it,
// Read waits for the write side like any writer.
const maxPending = 64 << 10

// event is one queued hook call: a trace line or a new mode.
type event struct {
	line    string
	mode    Mode
	hasMode bool
}

// NewConn wraps raw, a connection to a telnet server. It sets raw's socket
// to keep urgent data in line, where the decoder sees it.
func NewConn(raw net.Conn, cfg Config) *Conn {
	if raw != nil {
		keepUrgentInline(raw)
	}
	c := &Conn{raw: raw, cfg: cfg}
	inner := cfg
	if cfg.Log != nil {
		inner.Log = func(line string) { c.events = append(c.events, event{line: line}) }
	}
	if cfg.OnModeChange != nil {
		inner.OnModeChange = func(m Mode) { c.events = append(c.events, event{mode: m, hasMode: true}) }
	}
	c.client = NewClient(inner)
	return c
}

// Read returns the next user data from the server. Negotiation that comes
// with it is answered before Read returns (or the answer is queued behind a
// Write in progress); a read that brought only negotiation does not
// return, it reads on. Read is not for concurrent use
// by several goroutines.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, err := c.raw.Read(p)
		c.mu.Lock()
		var data []byte
		c.pmu.Lock()
		data, c.pending = c.client.Decode(p[:0], c.pending, p[:n])
		c.pmu.Unlock()
		if werr := c.afterLocked(); werr != nil && err == nil {
			err = werr
		}
		if len(data) > 0 || err != nil {
			return len(data), err
		}
	}
}

// afterLocked finishes a step that held mu and may have queued protocol
// bytes: it releases mu, delivers the hook calls the step made, and writes
// the queued bytes unless another goroutine is writing (which then will).
func (c *Conn) afterLocked() error {
	events := c.events
	c.events = nil
	c.mu.Unlock()
	for _, e := range events {
		if e.hasMode {
			c.cfg.OnModeChange(e.mode)
		} else {
			c.cfg.Log(e.line)
		}
	}
	c.pmu.Lock()
	full := len(c.pending) > maxPending
	c.pmu.Unlock()
	if full {
		c.wmu.Lock()
		err := c.drain()
		c.wmu.Unlock()
		if err != nil {
			return err
		}
	}
	return c.flush()
}

// flush writes the pending protocol bytes if no one holds the write side.
// Whoever holds it calls flush after letting go, so nothing queued while
// it wrote is left behind.
func (c *Conn) flush() error {
	for c.hasPending() && c.wmu.TryLock() {
		err := c.drain()
		c.wmu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *Conn) hasPending() bool {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	return len(c.pending) > 0
}

// drain writes the pending protocol bytes; the caller holds wmu.
func (c *Conn) drain() error {
	c.pmu.Lock()
	c.writing, c.pending = c.pending, c.writing[:0]
	c.pmu.Unlock()
	if len(c.writing) == 0 {
		return nil
	}
	return c.writeProtocol(c.writing)
}

// writeProtocol sends b, commands rather than user data; the caller holds
// wmu. A CR the user sent last gets its NUL first, so that a command does
// not split CR NUL. After CloseWrite nothing can be sent: answers are
// dropped.
func (c *Conn) writeProtocol(b []byte) error {
	if c.writeClosed {
		return nil
	}
	if c.enc.pendingCR {
		if _, err := c.raw.Write(c.enc.FinishCR(nil)); err != nil {
			return err
		}
	}
	if len(b) == 0 {
		return nil
	}
	_, err := c.raw.Write(b)
	return err
}

// writeChunk bounds the encoding buffer: user data is encoded and sent this
// much at a time, with queued answers sent between chunks.
const writeChunk = 16 << 10

// Write sends the user's bytes in network form. Data with no 0xFF and no CR
// goes out as it is, without a copy.
func (c *Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	n, err := c.writeLocked(p)
	c.wmu.Unlock()
	if err == nil {
		err = c.flush()
	}
	return n, err
}

func (c *Conn) writeLocked(p []byte) (int, error) {
	if err := c.drain(); err != nil {
		return 0, err
	}
	if c.enc.Plain(p) {
		return c.raw.Write(p)
	}
	written := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), writeChunk)]
		c.wbuf = c.enc.Encode(c.wbuf[:0], chunk)
		if _, err := c.raw.Write(c.wbuf); err != nil {
			return written, err
		}
		written += len(chunk)
		p = p[len(chunk):]
		if err := c.drain(); err != nil {
			return written, err
		}
	}
	return written, nil
}

// Resize reports a new window size to the server (NAWS), or keeps it for
// when the server asks. Call it on every terminal resize.
func (c *Conn) Resize(cols, rows int) error {
	c.mu.Lock()
	c.pmu.Lock()
	c.pending = c.client.Resize(c.pending, cols, rows)
	c.pmu.Unlock()
	return c.afterLocked()
}

// Send sends the escape prompt's `send NAME` (see SendCommand). synch's DM
// goes as TCP urgent data where the system allows, as telnet sends it.
func (c *Conn) Send(name string) error {
	b, err := SendCommand(name)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	err = c.drain()
	switch {
	case err != nil:
	case c.writeClosed:
		err = net.ErrClosed
	case b[0] == IAC && b[1] == DM:
		if err = c.writeProtocol(nil); err == nil {
			err = writeUrgent(c.raw, b)
		}
	default:
		err = c.writeProtocol(b)
	}
	c.wmu.Unlock()
	if err != nil {
		return err
	}
	if b[0] == IAC && c.cfg.Log != nil {
		c.cfg.Log("SENT IAC " + CommandName(b[1]))
	}
	return c.flush()
}

// Mode is the current echo and go-ahead state.
func (c *Conn) Mode() Mode {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.client.Mode()
}

// Options lists the telnet options in effect, for `status`.
func (c *Conn) Options() []Option {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.client.Options()
}

// CloseWrite half-closes the connection after the NUL a trailing CR may
// still need. Negotiation that arrives later is no longer answered.
func (c *Conn) CloseWrite() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.drain(); err != nil {
		return err
	}
	if err := c.writeProtocol(nil); err != nil {
		return err
	}
	c.writeClosed = true
	if cw, ok := c.raw.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Close closes the connection.
func (c *Conn) Close() error { return c.raw.Close() }

// LocalAddr, RemoteAddr and the deadlines are the raw connection's.
func (c *Conn) LocalAddr() net.Addr                { return c.raw.LocalAddr() }
func (c *Conn) RemoteAddr() net.Addr               { return c.raw.RemoteAddr() }
func (c *Conn) SetDeadline(t time.Time) error      { return c.raw.SetDeadline(t) }
func (c *Conn) SetReadDeadline(t time.Time) error  { return c.raw.SetReadDeadline(t) }
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.raw.SetWriteDeadline(t) }
