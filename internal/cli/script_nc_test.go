package cli

// testscript commands for listeners and proxies: rawtalk started in the
// background with its output in files (bg, waitport, waitfile, waitbg,
// stopbg), and SOCKS5, SOCKS4 and HTTP CONNECT proxies for `serve`.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// bgKey finds a script's background processes in its testscript values.
type bgKey struct{}

// bgProc is a program started by `bg`.
type bgProc struct {
	cmd    *exec.Cmd
	stderr string        // path of the file its stderr goes to
	done   chan struct{} // closed when it has exited
	stdin  io.Closer     // the write end of an open stdin, or nil
}

type bgProcs struct {
	mu    sync.Mutex
	procs map[string]*bgProc
}

// setupBackground prepares a script for `bg`, and keeps -race builds of
// rawtalk from sleeping a second at each exit.
func setupBackground(env *testscript.Env) error {
	env.Values[bgKey{}] = &bgProcs{procs: map[string]*bgProc{}}
	env.Setenv("GORACE", "atexit_sleep_ms=0")
	return nil
}

func background(ts *testscript.TestScript) *bgProcs { return ts.Value(bgKey{}).(*bgProcs) }

func (b *bgProcs) get(ts *testscript.TestScript, name string) *bgProc {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.procs[name]
	if p == nil {
		ts.Fatalf("no background program named %q", name)
	}
	return p
}

// cmdBg starts a program in the background, its stdout and stderr going to
// NAME.stdout and NAME.stderr in $WORK:
//
//	bg NAME [-stdin FILE|-stdin open] PROG [ARGS...]
//
// -stdin open gives it a stdin that stays open (no EOF) until `stopbg` or
// the end of the script; without -stdin it reads an empty file.
func cmdBg(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: bg NAME [-stdin FILE|-stdin open] PROG [ARGS...]")
	}
	name, args := args[0], args[1:]
	var stdinFile string
	if args[0] == "-stdin" && len(args) > 2 {
		stdinFile, args = args[1], args[2:]
	}
	path, err := exec.LookPath(args[0])
	ts.Check(err)
	cmd := exec.Command(path, args[1:]...)
	cmd.Dir = ts.Getenv("WORK")
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	p := &bgProc{cmd: cmd, stderr: ts.MkAbs(name + ".stderr"), done: make(chan struct{})}
	switch stdinFile {
	case "":
	case "open":
		r, w, err := os.Pipe()
		ts.Check(err)
		defer r.Close()
		cmd.Stdin, p.stdin = r, w
	default:
		f, err := os.Open(ts.MkAbs(stdinFile))
		ts.Check(err)
		defer f.Close()
		cmd.Stdin = f
	}
	stdout, err := os.Create(ts.MkAbs(name + ".stdout"))
	ts.Check(err)
	defer stdout.Close()
	stderr, err := os.Create(p.stderr)
	ts.Check(err)
	defer stderr.Close()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	ts.Check(cmd.Start())
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	ts.Defer(func() {
		cmd.Process.Kill()
		<-p.done
		if p.stdin != nil {
			p.stdin.Close()
		}
	})
	b := background(ts)
	b.mu.Lock()
	b.procs[name] = p
	b.mu.Unlock()
}

// waitFor polls until check returns true, the program p exits (then one
// last check), or the deadline passes.
func waitFor(ts *testscript.TestScript, what string, p *bgProc, check func() bool) {
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !check() {
		var exited <-chan struct{}
		if p != nil {
			exited = p.done
		}
		select {
		case <-exited:
			if check() {
				return
			}
			ts.Fatalf("program exited (%v) while waiting for %s; stderr:\n%s", p.cmd.ProcessState, what, readFile(p.stderr))
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			ts.Fatalf("timed out waiting for %s", what)
		}
	}
}

func readFile(name string) string {
	data, _ := os.ReadFile(name)
	return string(data)
}

var listeningLine = regexp.MustCompile(`(?m)^(?:Listening|Bound) on \S+ (\d+)$`)

// cmdWaitPort waits for NAME's "Listening on ADDR PORT" (or "Bound on")
// line and sets $VAR to the port:
//
//	waitport NAME VAR
func cmdWaitPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitport NAME VAR")
	}
	p := background(ts).get(ts, args[0])
	var port string
	waitFor(ts, "the listening line", p, func() bool {
		m := listeningLine.FindStringSubmatch(readFile(p.stderr))
		if m != nil {
			port = m[1]
		}
		return m != nil
	})
	ts.Setenv(args[1], port)
}

// cmdWaitFile waits until FILE exists, or until it contains TEXT:
//
//	waitfile FILE [TEXT]
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitfile FILE [TEXT]")
	}
	file := ts.MkAbs(args[0])
	if len(args) == 1 {
		waitFor(ts, args[0]+" to appear", nil, func() bool {
			_, err := os.Stat(file)
			return err == nil
		})
		return
	}
	waitFor(ts, fmt.Sprintf("%q in %s", args[1], args[0]), nil, func() bool {
		return strings.Contains(readFile(file), args[1])
	})
}

// cmdWaitBg waits for NAME to exit and checks its exit status (default 0):
//
//	waitbg NAME [STATUS]
func cmdWaitBg(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitbg NAME [STATUS]")
	}
	p := background(ts).get(ts, args[0])
	want := 0
	if len(args) == 2 {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		want = n
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		ts.Fatalf("%s did not exit; stderr:\n%s", args[0], readFile(p.stderr))
	}
	if got := p.cmd.ProcessState.ExitCode(); got != want {
		ts.Fatalf("%s exited with status %d, want %d; stderr:\n%s", args[0], got, want, readFile(p.stderr))
	}
}

// cmdStopBg ends NAME with SIGTERM (or -INT, -HUP) and waits for it; with
// STATUS it also checks the exit status:
//
//	stopbg [-INT|-HUP] NAME [STATUS]
func cmdStopBg(ts *testscript.TestScript, neg bool, args []string) {
	sig := syscall.SIGTERM
	if len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-INT":
			sig = syscall.SIGINT
		case "-HUP":
			sig = syscall.SIGHUP
		default:
			ts.Fatalf("stopbg: unknown signal %s", args[0])
		}
		args = args[1:]
	}
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: stopbg [-INT|-HUP] NAME [STATUS]")
	}
	p := background(ts).get(ts, args[0])
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		ts.Fatalf("%s did not stop", args[0])
	}
	if len(args) == 2 {
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		// A program killed by the signal has no exit code (-1); one that
		// handled it exits 128+15.
		if got := p.cmd.ProcessState.ExitCode(); got != want {
			ts.Fatalf("%s exited with status %d, want %d; stderr:\n%s", args[0], got, want, readFile(p.stderr))
		}
	}
}

// cmdUDPServe starts a UDP server on 127.0.0.1 for the rest of the script
// and sets $VAR to its port:
//
//	udpserve echo VAR     send every datagram back, prefixed "echo: "
//	udpserve closed VAR   a port nobody listens on (bound, then closed)
func cmdUDPServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: udpserve echo|closed VAR")
	}
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	ts.Check(err)
	ts.Setenv(args[1], strconv.Itoa(pc.LocalAddr().(*net.UDPAddr).Port))
	switch args[0] {
	case "closed":
		pc.Close()
		return
	case "echo":
	default:
		ts.Fatalf("unknown udpserve kind %q", args[0])
	}
	ts.Defer(func() { pc.Close() })
	go answerPackets(pc, 65535, func(p []byte) []byte { return append([]byte("echo: "), p...) })
}

// proxyHandlers are the proxy kinds of `serve`, and two more peers:
//
//	socks5 VAR [auth=USER:PASS] [log=FILE]
//	socks4 VAR [log=FILE]
//	httpproxy VAR [auth=USER:PASS] [log=FILE]
//	drip VAR       send "tick\n" five times, 100ms apart, then close
//	stall VAR [log=FILE]  read the client's first bytes, log "greeting N bytes",
//	               then never answer: a proxy stuck in its handshake
//	peeraddr VAR   send "from IP port PORT\n" with the client's address, close
//
// Each one connects only to loopback: an IP of 127.0.0.0/8 or ::1, or the
// name "localhost"; it refuses every other target the way real proxies do
// (SOCKS5 reply 4, host unreachable; SOCKS4 reply 91; HTTP 502). log=FILE
// records, a line per request, what the client asked for, so that a test
// can tell a name sent to the proxy from an address looked up locally.
func proxyHandlers(ts *testscript.TestScript, kind, arg string) func(*net.TCPConn) {
	var auth, logFile string
	for _, f := range strings.Fields(arg) {
		switch {
		case strings.HasPrefix(f, "auth="):
			auth = strings.TrimPrefix(f, "auth=")
		case strings.HasPrefix(f, "log="):
			logFile = ts.MkAbs(strings.TrimPrefix(f, "log="))
		default:
			ts.Fatalf("unknown proxy option %q", f)
		}
	}
	var mu sync.Mutex
	logf := func(format string, args ...any) {
		if logFile == "" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		f, err := os.OpenFile(logFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, format+"\n", args...)
			f.Close()
		}
	}
	switch kind {
	case "socks5":
		return func(c *net.TCPConn) { defer c.Close(); socks5Serve(c, auth, logf) }
	case "socks4":
		return func(c *net.TCPConn) { defer c.Close(); socks4Serve(c, logf) }
	case "httpproxy":
		return func(c *net.TCPConn) { defer c.Close(); httpProxyServe(c, auth, logf) }
	case "stall":
		return func(c *net.TCPConn) {
			defer c.Close()
			buf := make([]byte, 512)
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			logf("greeting %d bytes", n)
			io.Copy(io.Discard, c)
		}
	case "drip":
		// A line every 100ms, five times, then close: a slow but live peer.
		return func(c *net.TCPConn) {
			defer c.Close()
			for i := 0; i < 5; i++ {
				time.Sleep(100 * time.Millisecond)
				io.WriteString(c, "tick\n")
			}
		}
	case "peeraddr":
		// Answer with the client's address, for -s and -p.
		return func(c *net.TCPConn) {
			defer c.Close()
			a := c.RemoteAddr().(*net.TCPAddr)
			fmt.Fprintf(c, "from %s port %d\n", a.IP, a.Port)
		}
	}
	return nil
}

// dialLoopback connects to host:port if host is loopback, the only place a
// test proxy may go.
func dialLoopback(host string, port int) (*net.TCPConn, error) {
	ip := net.ParseIP(host)
	if host == "localhost" {
		ip = net.IPv4(127, 0, 0, 1)
	}
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%s: not a loopback target", host)
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		return nil, err
	}
	return c.(*net.TCPConn), nil
}

// relay copies both ways until both sides have finished, passing on
// half-closes.
func relay(a, b *net.TCPConn) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); io.Copy(a, b); a.CloseWrite() }()
	go func() { defer wg.Done(); io.Copy(b, a); b.CloseWrite() }()
	wg.Wait()
	b.Close()
}

func socks5Serve(c *net.TCPConn, auth string, logf func(string, ...any)) {
	r := bufio.NewReader(c)
	var hello [2]byte
	if _, err := io.ReadFull(r, hello[:]); err != nil || hello[0] != 5 {
		return
	}
	methods := make([]byte, hello[1])
	if _, err := io.ReadFull(r, methods); err != nil {
		return
	}
	want := byte(0x00)
	if auth != "" {
		want = 0x02
	}
	if !bytes.Contains(methods, []byte{want}) {
		c.Write([]byte{5, 0xff})
		return
	}
	c.Write([]byte{5, want})
	if auth != "" {
		var head [2]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return
		}
		user := make([]byte, head[1])
		io.ReadFull(r, user)
		plen, _ := r.ReadByte()
		pass := make([]byte, plen)
		io.ReadFull(r, pass)
		logf("AUTH %s:%s", user, pass)
		if string(user)+":"+string(pass) != auth {
			c.Write([]byte{1, 1})
			return
		}
		c.Write([]byte{1, 0})
	}
	var req [4]byte
	if _, err := io.ReadFull(r, req[:]); err != nil || req[1] != 1 {
		return
	}
	var host string
	switch req[3] {
	case 1:
		ip := make([]byte, 4)
		io.ReadFull(r, ip)
		host = net.IP(ip).String()
	case 4:
		ip := make([]byte, 16)
		io.ReadFull(r, ip)
		host = net.IP(ip).String()
	case 3:
		n, _ := r.ReadByte()
		name := make([]byte, n)
		io.ReadFull(r, name)
		host = "name:" + string(name)
	}
	var portBytes [2]byte
	if _, err := io.ReadFull(r, portBytes[:]); err != nil {
		return
	}
	port := int(binary.BigEndian.Uint16(portBytes[:]))
	logf("CONNECT %s %d", host, port)
	target, err := dialLoopback(strings.TrimPrefix(host, "name:"), port)
	if err != nil {
		code := byte(4) // host unreachable
		if strings.Contains(err.Error(), "refused") {
			code = 5
		}
		c.Write([]byte{5, code, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	c.Write([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0, 0})
	passBuffered(r, target)
	relay(c, target)
}

func socks4Serve(c *net.TCPConn, logf func(string, ...any)) {
	r := bufio.NewReader(c)
	var req [8]byte
	if _, err := io.ReadFull(r, req[:]); err != nil || req[0] != 4 || req[1] != 1 {
		return
	}
	port := int(binary.BigEndian.Uint16(req[2:4]))
	user, err := r.ReadString(0)
	if err != nil {
		return
	}
	host := net.IP(req[4:8]).String()
	if req[4] == 0 && req[5] == 0 && req[6] == 0 && req[7] != 0 { // SOCKS4a
		name, err := r.ReadString(0)
		if err != nil {
			return
		}
		host = "name:" + strings.TrimSuffix(name, "\x00")
	}
	logf("CONNECT %s %d user=%s", host, port, strings.TrimSuffix(user, "\x00"))
	target, err := dialLoopback(strings.TrimPrefix(host, "name:"), port)
	if err != nil {
		c.Write([]byte{0, 91, 0, 0, 0, 0, 0, 0})
		return
	}
	c.Write([]byte{0, 90, 0, 0, 0, 0, 0, 0})
	passBuffered(r, target)
	relay(c, target)
}

func httpProxyServe(c *net.TCPConn, auth string, logf func(string, ...any)) {
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil {
		return
	}
	var gotAuth string
	for {
		h, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if h == "\r\n" || h == "\n" {
			break
		}
		if v, ok := strings.CutPrefix(h, "Proxy-Authorization: Basic "); ok {
			dec, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
			gotAuth = string(dec)
		}
	}
	logf("%s", strings.TrimSpace(line))
	if auth != "" && gotAuth != auth {
		io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n\r\n")
		return
	}
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "CONNECT" {
		io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\n\r\n")
		return
	}
	host, portStr, _ := net.SplitHostPort(f[1])
	port, _ := strconv.Atoi(portStr)
	target, err := dialLoopback(host, port)
	if err != nil {
		io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\n\r\n")
		return
	}
	io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
	passBuffered(r, target)
	relay(c, target)
}

// passBuffered sends on what the client sent right after its request.
func passBuffered(r *bufio.Reader, target net.Conn) {
	if n := r.Buffered(); n > 0 {
		io.CopyN(target, r, int64(n))
	}
}

// cmdStatus runs a program to its end and checks its exit status, which
// `! exec` does not; its stdout and stderr are then checked with `stdout`
// and `stderr` as after exec:
//
//	status [-stdin FILE] STATUS PROG [ARGS...]
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	var stdin io.Reader
	if len(args) > 2 && args[0] == "-stdin" {
		f, err := os.Open(ts.MkAbs(args[1]))
		ts.Check(err)
		defer f.Close()
		stdin, args = f, args[2:]
	}
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status [-stdin FILE] STATUS PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	path, err := exec.LookPath(args[1])
	ts.Check(err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args[2:]...)
	cmd.Dir = ts.Getenv("WORK")
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, ts.Stdout(), ts.Stderr()
	err = cmd.Run()
	if ctx.Err() != nil {
		ts.Fatalf("%s did not end within 10s", args[1])
	}
	if got := cmd.ProcessState.ExitCode(); got != want {
		ts.Fatalf("exit status %d, want %d (%v)", got, want, err)
	}
}

// cmdUnixStale leaves a unix socket file that nobody listens on, as a
// server that crashed does:
//
//	unixstale FILE
func cmdUnixStale(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: unixstale FILE")
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: ts.MkAbs(args[0]), Net: "unix"})
	ts.Check(err)
	ln.SetUnlinkOnClose(false)
	ln.Close()
}

// freePort sets $VAR to a TCP port on 127.0.0.1 that was free a moment ago:
//
//	freeport VAR
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp4", "127.0.0.1:0")
	ts.Check(err)
	ts.Setenv(args[0], strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	ln.Close()
}
