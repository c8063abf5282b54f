package transcript

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/winetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// scriptedConn is a connection whose reads return the given chunks, then
// EOF, and whose writes are kept.
type scriptedConn struct {
	net.Conn // nil: only what the transcript uses is implemented
	reads    [][]byte
	written  bytes.Buffer
	halfDone bool
}

func (c *scriptedConn) Read(p []byte) (int, error) {
	if len(c.reads) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.reads[0])
	c.reads = c.reads[1:]
	return n, nil
}

func (c *scriptedConn) Write(p []byte) (int, error) { return c.written.Write(p) }
func (c *scriptedConn) CloseWrite() error           { c.halfDone = true; return nil }
func (c *scriptedConn) Close() error                { return nil }
func (c *scriptedConn) LocalAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 54022}
}
func (c *scriptedConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 25}
}

// tickingClock starts at a fixed time and moves 1ms a reading.
func tickingClock() func() time.Time {
	t := time.Date(2026, 5, 1, 12, 0, 0, 0, time.FixedZone("", 2*3600))
	return func() time.Time {
		t = t.Add(time.Millisecond)
		return t
	}
}

// A session with every kind of byte: the format, exactly.
func TestTranscriptGolden(t *testing.T) {
	conn := &scriptedConn{reads: [][]byte{
		[]byte("220 ready\r\n"),
		[]byte("250-one\r\n250 two\r\n"), // two lines in one read: two records
		[]byte("partial "),               // a line cut by a read
		[]byte("line\n"),                 // ... and a bare LF
		[]byte("tab\there \\ back\x00\x1b[31m\xff caf\xc3\xa9\r"),
	}}
	tr := New(conn)
	tr.Peer = "localhost"
	tr.Now = tickingClock()
	var log bytes.Buffer
	if err := tr.Start(&log, "log"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	read := func() {
		if _, err := tr.Read(buf); err != nil && err != io.EOF {
			t.Fatal(err)
		}
	}
	read()
	tr.Write([]byte("EHLO me\r\n"))
	read()
	read()
	read()
	tr.Write([]byte("DATA\r\nline\r\n.\r\n"))
	read()
	tr.Conn().(interface{ CloseWrite() error }).CloseWrite()
	read() // EOF
	tr.Close()
	golden(t, "transcript.golden", log.Bytes())

	if got := decode(t, log.Bytes(), '>'); got != conn.written.String() {
		t.Errorf("sent records decode to %q, want %q", got, conn.written.String())
	}
	want := "220 ready\r\n250-one\r\n250 two\r\npartial line\ntab\there \\ back\x00\x1b[31m\xff caf\xc3\xa9\r"
	if got := decode(t, log.Bytes(), '<'); got != want {
		t.Errorf("received records decode to %q, want %q", got, want)
	}
}

// golden compares got with testdata/NAME; -update rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", file, got, want)
	}
}

// decode parses a transcript as its format says and returns the bytes
// that went in direction dir.
func decode(t *testing.T, log []byte, dir byte) string {
	t.Helper()
	var out []byte
	sc := bufio.NewScanner(bytes.NewReader(log))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# ") {
			continue
		}
		stamp, rest, ok := strings.Cut(line, " ")
		if _, err := time.Parse(TimeFormat, stamp); err != nil || !ok || len(rest) < 2 || rest[1] != ' ' {
			t.Fatalf("malformed record %q", line)
		}
		if rest[0] != dir {
			continue
		}
		for i := 2; i < len(rest); i++ {
			if rest[i] != '\\' {
				out = append(out, rest[i])
				continue
			}
			i++
			switch rest[i] {
			case 'r':
				out = append(out, '\r')
			case 'n':
				out = append(out, '\n')
			case 't':
				out = append(out, '\t')
			case '\\':
				out = append(out, '\\')
			case 'x':
				var b byte
				fmt.Sscanf(rest[i+1:i+3], "%02x", &b)
				out = append(out, b)
				i += 2
			default:
				t.Fatalf("unknown escape in %q", line)
			}
		}
	}
	return string(out)
}

func TestAppendEscapedEveryByte(t *testing.T) {
	var all []byte
	for b := 0; b < 256; b++ {
		all = append(all, byte(b))
	}
	esc := AppendEscaped(nil, all)
	for _, b := range esc {
		if b < 0x20 || b >= 0x7f {
			t.Fatalf("escaped text holds byte %#x", b)
		}
	}
	log := "2026-05-01T12:00:00.000Z < " + string(esc) + "\n"
	if got := decode(t, []byte(log), '<'); got != string(all) {
		t.Errorf("every byte value does not round-trip:\n%q", got)
	}
}

// The file is created 0600 and appended to, with a header per session.
func TestOpenLogCreatesPrivateFileAndAppends(t *testing.T) {
	path := filepath.Join(winetest.TempDir(t), "talk.log")
	for i := range 2 {
		f, err := OpenLog(path)
		if err != nil {
			t.Fatal(err)
		}
		tr := New(&scriptedConn{reads: [][]byte{[]byte(fmt.Sprintf("hello %d\r\n", i))}})
		tr.Start(f, path)
		tr.Read(make([]byte, 64))
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 { // Windows' modes do not say who may read
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "rawtalk transcript:"); n != 2 {
		t.Errorf("%d header lines, want 2:\n%s", n, data)
	}
	if got := decode(t, data, '<'); got != "hello 0\r\nhello 1\r\n" {
		t.Errorf("received %q", got)
	}
}

// Stop and Start while reads and writes run: no race, nothing torn.
func TestTranscriptConcurrent(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	tr := New(a)
	var log safeBuffer
	tr.Start(&log, "log")
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the server echoes
		defer wg.Done()
		io.Copy(b, b)
	}()
	go func() {
		defer wg.Done()
		io.Copy(io.Discard, tr)
	}()
	for i := range 200 {
		if i%50 == 25 {
			tr.Stop()
			tr.Start(&log, "log")
		}
		fmt.Fprintf(tr, "line %d\r\n", i)
	}
	tr.Close()
	b.Close()
	wg.Wait()
	for _, line := range strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n") {
		if !strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, "2") {
			t.Fatalf("torn line %q", line)
		}
	}
	if !strings.Contains(log.String(), `> line 199\r\n`) {
		t.Errorf("last line not logged")
	}
}

type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A log that cannot be written stops logging but not the connection.
func TestTranscriptLogWriteFailure(t *testing.T) {
	conn := &scriptedConn{reads: [][]byte{[]byte("one\r\n"), []byte("two\r\n")}}
	tr := New(conn)
	fail := errors.New("disk full")
	if err := tr.Start(failingWriter{fail}, "log"); !errors.Is(err, fail) {
		t.Fatalf("Start on a failing log: %v", err)
	}
	if tr.Logging() != "" {
		t.Errorf("still logging after a failed start")
	}
	n, err := tr.Read(make([]byte, 10))
	if n != 5 || err != nil {
		t.Errorf("read %d, %v", n, err)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// Through Conn a transcript can do what the connection under it can: over
// TCP, half-close (logged) and lend out the socket (telnet's urgent data
// needs it); over UDP only the socket; over a pipe neither.
func TestTranscriptConnLayers(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()

	tr := New(c)
	var log bytes.Buffer
	tr.Start(&log, "log")
	conn := tr.Conn()
	if _, ok := conn.(syscall.Conn); !ok {
		t.Fatal("the socket is hidden")
	}
	conn.Write([]byte("hi\n"))
	if err := conn.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(peer)
	if string(got) != "hi\n" {
		t.Errorf("peer got %q", got)
	}
	if !strings.Contains(log.String(), "> hi\\n\n") || !strings.Contains(log.String(), "> EOF") {
		t.Errorf("the write and the half-close were not logged:\n%s", log.String())
	}

	winetest.Skip(t, "its UDP case: "+winetest.NoUDP)
	u, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	uc, err := net.Dial("udp4", u.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	conn = New(uc).Conn()
	if _, ok := conn.(interface{ CloseWrite() error }); ok {
		t.Error("a transcript over UDP claims to half-close")
	}
	if _, ok := conn.(syscall.Conn); !ok {
		t.Error("a transcript over UDP hides the socket")
	}

	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	conn = New(a).Conn()
	if _, ok := conn.(syscall.Conn); ok {
		t.Error("a pipe passed for a socket")
	}
	if _, ok := conn.(interface{ CloseWrite() error }); ok {
		t.Error("a pipe claims to half-close")
	}
}

// io.Copy from a transcript over a socket into a pipe goes through the
// transcript: os.File must not splice straight from the socket.
func TestTranscriptConnNoSpliceAround(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Write(bytes.Repeat([]byte("x"), 100000))
		c.Close()
	}()
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tr := New(c)
	var log bytes.Buffer
	tr.Start(&log, "log")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go io.Copy(io.Discard, r)
	n, err := io.Copy(w, tr.Conn())
	w.Close()
	tr.Stop()
	if n != 100000 || err != nil {
		t.Fatalf("copied %d, %v", n, err)
	}
	if !strings.Contains(log.String(), "end: 0 bytes sent, 100000 bytes received") {
		t.Errorf("bytes went around the transcript:\n%.300s", log.String())
	}
}
