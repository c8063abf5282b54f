package term

import (
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/rawtalk/rawtalk/session/pump"
)

// View is how a learner sees the conversation: the server's text as it
// is, with its line endings made visible (--show-ends), with the time
// since the last send before each line (--timestamps), or both directions
// as a hex dump (--hex, and the escape prompt's hex command). On a
// terminal it works on the screen's text, after the safe-display filter
// (screen.show); piped, on stdout (Writer). Conn tells it what was sent.
type View struct {
	now func() time.Time // the clock

	mu        sync.Mutex
	hex       bool              // a hex dump instead of text
	ends      bool              // line endings shown as ␍␊, ␊, ␍
	stamps    bool              // each received line starts with [+0.012s]
	lastSent  time.Time         // when bytes last went to the server, or the view was made
	lineStart bool              // the next received text starts a line
	afterCR   bool              // ends: a CR was shown; an LF next makes it a CRLF
	recvOff   int64             // bytes received so far: the received dump's offset
	sentOff   int64             // bytes sent so far: the sent dump's offset
	scratch   []byte            // text being marked, reused
	onSent    func(text string) // shows the dump of sent bytes; nil when piped
}

// ViewOptions choose what a View shows.
type ViewOptions struct {
	Hex        bool             // --hex
	ShowEnds   bool             // --show-ends
	Timestamps bool             // --timestamps
	Now        func() time.Time // the clock; nil is time.Now
}

// The marks --show-ends puts where a line ends: Unicode's control
// pictures for CR and LF, then a real line break.
const (
	markCR = "␍" // U+240D SYMBOL FOR CARRIAGE RETURN
	markLF = "␊" // U+240A SYMBOL FOR LINE FEED
)

// NewView makes a view; the time before the first send is counted from
// now, the start of the session.
func NewView(o ViewOptions) *View {
	v := &View{now: o.Now, hex: o.Hex, ends: o.ShowEnds, stamps: o.Timestamps, lineStart: true}
	if v.now == nil {
		v.now = time.Now
	}
	v.lastSent = v.now()
	return v
}

// Active reports whether the view changes anything.
func (v *View) Active() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hex || v.ends || v.stamps
}

// Hex reports whether the hex dump is on.
func (v *View) Hex() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hex
}

// SetHex turns the hex dump on or off (the escape prompt's hex command).
func (v *View) SetHex(on bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.hex = on
	v.lineStart, v.afterCR = true, false // a dump ends its rows
}

// Conn wraps the connection the session writes to, so the view knows
// when something was sent (--timestamps) and what (the sent dump).
func (v *View) Conn(c net.Conn) net.Conn {
	return pump.Layer(&viewConn{Conn: c, v: v}, c, func() error {
		return c.(interface{ CloseWrite() error }).CloseWrite()
	})
}

type viewConn struct {
	net.Conn
	v *View
}

func (c *viewConn) Write(p []byte) (int, error) {
	at := c.v.now()
	n, err := c.Conn.Write(p)
	c.v.sent(p[:n], at)
	return n, err
}

// sent notes bytes that went to the server at time at, and shows their
// dump when hex is on.
func (v *View) sent(p []byte, at time.Time) {
	v.mu.Lock()
	v.lastSent = at
	var text []byte
	if v.hex && v.onSent != nil && len(p) > 0 {
		text = appendHexRows(nil, "> ", v.sentOff, p, "\r\n")
	}
	v.sentOff += int64(len(p))
	show := v.onSent
	v.mu.Unlock()
	if text != nil {
		show(string(text)) // outside v.mu: the screen takes its own lock, then v.mu
	}
}

// markTextLocked marks the text in dst[start:] for --show-ends and
// --timestamps, eol being the line break to write.
func (v *View) markTextLocked(dst []byte, start int, eol string) []byte {
	if !v.ends && !v.stamps {
		return dst
	}
	v.scratch = append(v.scratch[:0], dst[start:]...)
	dst = dst[:start]
	for _, b := range v.scratch {
		if v.afterCR {
			v.afterCR = false
			if b == '\n' { // the CR shown was half of a CRLF
				dst = append(append(dst, markLF...), eol...)
				v.lineStart = true
				continue
			}
			dst = append(dst, eol...) // a lone CR ends its line too
			v.lineStart = true
		}
		if v.stamps && v.lineStart {
			dst = v.appendStamp(dst)
			v.lineStart = false
		}
		switch {
		case v.ends && b == '\r':
			dst = append(dst, markCR...)
			v.afterCR = true
		case v.ends && b == '\n':
			dst = append(append(dst, markLF...), eol...)
			v.lineStart = true
		default:
			dst = append(dst, b)
			v.lineStart = b == '\n'
		}
	}
	return dst
}

// appendStamp appends the time since the last send: "[+0.012s] ".
func (v *View) appendStamp(dst []byte) []byte {
	d := v.now().Sub(v.lastSent)
	dst = append(dst, '[', '+')
	dst = strconv.AppendFloat(dst, d.Seconds(), 'f', 3, 64)
	return append(dst, 's', ']', ' ')
}

// endLocked ends a line left waiting on a CR at the end of the stream.
func (v *View) endLocked(dst []byte, eol string) []byte {
	if v.afterCR {
		v.afterCR = false
		dst = append(dst, eol...)
	}
	return dst
}

// setView puts v between the safe-display filter and the screen, and
// shows the dump of sent bytes above the line being typed.
func (s *screen) setView(v *View) {
	s.view = v
	if v != nil {
		v.mu.Lock()
		v.onSent = s.noteOnOwnRow
		v.mu.Unlock()
	}
}

// show appends received bytes to dst as they are to be drawn: through the
// safe-display filter (unless --raw-output), then the view. It is called
// with s.mu held.
func (s *screen) show(dst, p []byte) []byte {
	v := s.view
	if v == nil {
		if s.sanitize {
			return s.san.Append(dst, p)
		}
		return append(dst, p...)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	off := v.recvOff
	v.recvOff += int64(len(p))
	if v.hex {
		if s.midRowLocked(dst) {
			dst = append(dst, '\r', '\n')
		}
		return appendHexRows(dst, "< ", off, p, "\r\n")
	}
	start := len(dst)
	if s.sanitize {
		dst = s.san.Append(dst, p)
	} else {
		dst = append(dst, p...)
	}
	return v.markTextLocked(dst, start, "\r\n")
}

// Writer is the view on piped output: with --hex, the dump hexdump -Cv
// would print of the received bytes (Close writes its last row); with
// --show-ends and --timestamps, the text marked, with LF line breaks.
func (v *View) Writer(w io.Writer) io.WriteCloser {
	vw := &viewWriter{v: v, w: w}
	if v.Hex() {
		vw.hex = &hexWriter{w: w}
	}
	return vw
}

type viewWriter struct {
	v   *View
	w   io.Writer
	hex *hexWriter // --hex; nil for text
	buf []byte     // marked text, reused
}

func (vw *viewWriter) Write(p []byte) (int, error) {
	if vw.hex != nil {
		return vw.hex.Write(p)
	}
	vw.v.mu.Lock()
	vw.v.recvOff += int64(len(p))
	vw.buf = vw.v.markTextLocked(append(vw.buf[:0], p...), 0, "\n")
	vw.v.mu.Unlock()
	if _, err := vw.w.Write(vw.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes what the view held back: the dump's last row, or the line
// break after a final CR.
func (vw *viewWriter) Close() error {
	if vw.hex != nil {
		return vw.hex.Close()
	}
	vw.v.mu.Lock()
	end := vw.v.endLocked(nil, "\n")
	vw.v.mu.Unlock()
	if len(end) > 0 {
		_, err := vw.w.Write(end)
		return err
	}
	return nil
}
