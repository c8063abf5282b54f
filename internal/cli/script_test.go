package cli

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rawtalk/rawtalk/internal/tlstest"
	"github.com/rawtalk/rawtalk/term"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"rawtalk": func() {
			// The test-only panic hook, which rawtalk itself never sets:
			// interactive_test.go asks for it through the environment.
			term.TestPanicAt = os.Getenv("RAWTALK_TEST_PANIC")
			os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
		"rawtalk-nofile": rawtalkNofile,
	})
}

// TestScripts runs testdata/script/*.txtar: the CLI as a user meets it,
// against servers the scripts start on 127.0.0.1 and ::1 with `serve`.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// History goes in the work directory, not $HOME (/no-home);
			// a -race build would otherwise sleep a second at every exit.
			env.Setenv("XDG_STATE_HOME", env.WorkDir+"/.state")
			env.Setenv("GORACE", "atexit_sleep_ms=0")
			env.Values["pki"] = tlstest.New() // tls_test.go
			return setupBackground(env)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"serve":       cmdServe,
			"fakedns":     cmdFakeDNS,
			"crlf":        cmdCRLF,
			"randfile":    cmdRandFile,
			"bg":          cmdBg,
			"waitport":    cmdWaitPort,
			"waitfile":    cmdWaitFile,
			"waitbg":      cmdWaitBg,
			"stopbg":      cmdStopBg,
			"udpserve":    cmdUDPServe,
			"freeport":    cmdFreePort,
			"unixstale":   cmdUnixStale,
			"status":      cmdStatus,
			"tlsfiles":    cmdTLSFiles,
			"match":       cmdMatch,       // lab_test.go
			"setfrom":     cmdSetFrom,     // listen_tls_test.go
			"serverfiles": cmdServerFiles, // listen_tls_test.go
			"unescape":    cmdUnescape,    // listen_tls_test.go
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "linux":
				return runtime.GOOS == "linux", nil
			case "ipv6":
				ln, err := net.Listen("tcp6", "[::1]:0")
				if err != nil {
					return false, nil
				}
				ln.Close()
				return true, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// cmdServe starts a loopback server for the rest of the script:
//
//	serve [-6] KIND VAR [ARG]
//
// and sets $VAR to its port. KIND says how it treats each connection:
//
//	echo       send back every byte, close at EOF
//	http       read a request head, answer 200 with "hello\n", close
//	sink FILE  read to EOF, save the bytes in FILE, answer "received N bytes\n", close
//	halfclose  read to EOF, answer "saw EOF\n", close
//	greet TEXT send TEXT and a newline, half-close, read to EOF, close
//	greet TEXT send TEXT and a newline, close at once
//	greetq TEXT  the same, with Go escapes in TEXT (\x1b, \r, \xff) turned into bytes
//	hold TEXT  send TEXT and a newline, then read and discard, never close
//	silent     read and discard, never answer or close
//	longline N read a line, answer N 'a's and "Z\r\n" in one write, hold open
//	reset      read one line, send "partial\n", then reset the connection
//	full       never accept; the accept queue is full, so SYNs are dropped
//	telnetd    negotiate like a telnetd, prompt for a login, report what came back (telnet_test.go)
//	tls, tlsclose, starttls  TLS servers: see tlsHandlers in tls_test.go
//
// and the proxies and peers of proxyHandlers (script_nc_test.go).
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! serve")
	}
	network, addr := "tcp4", "127.0.0.1:0"
	if len(args) > 0 && args[0] == "-6" {
		network, addr = "tcp6", "[::1]:0"
		args = args[1:]
	}
	if len(args) < 2 {
		ts.Fatalf("usage: serve [-6] KIND VAR [ARG]")
	}
	kind, name, arg := args[0], args[1], ""
	if len(args) > 2 {
		arg = strings.Join(args[2:], " ")
	}
	if kind == "full" {
		port := fullListener(ts)
		ts.Setenv(name, strconv.Itoa(port))
		return
	}
	ln, err := net.Listen(network, addr)
	ts.Check(err)
	ts.Setenv(name, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	handle := handlers(ts, kind, arg)
	var mu sync.Mutex
	var conns []net.Conn // every accepted connection, closed at script end
	ts.Defer(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go handle(c.(*net.TCPConn))
		}
	}()
}

func handlers(ts *testscript.TestScript, kind, arg string) func(*net.TCPConn) {
	switch kind {
	case "echo":
		return func(c *net.TCPConn) {
			defer c.Close()
			io.Copy(c, c)
		}
	case "http":
		return func(c *net.TCPConn) {
			defer c.Close()
			r := bufio.NewReader(c)
			for {
				line, err := r.ReadString('\n')
				if err != nil || line == "\r\n" || line == "\n" {
					break
				}
			}
			io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nhello\r\n")
		}
	case "sink":
		file := ts.MkAbs(arg)
		return func(c *net.TCPConn) {
			defer c.Close()
			data, err := io.ReadAll(c)
			if err != nil || len(data) == 0 {
				return // a stray probe (a port scan on this machine), not the test
			}
			os.WriteFile(file, data, 0o644)
			fmt.Fprintf(c, "received %d bytes\n", len(data))
		}
	case "halfclose":
		return func(c *net.TCPConn) {
			defer c.Close()
			io.Copy(io.Discard, c)
			io.WriteString(c, "saw EOF\n")
		}
	case "greet":
		return func(c *net.TCPConn) {
			defer c.Close()
			io.WriteString(c, arg+"\n")
			c.CloseWrite()
			io.Copy(io.Discard, c)
		}
	case "greetq":
		text, err := strconv.Unquote(`"` + arg + `"`)
		ts.Check(err)
		return func(c *net.TCPConn) {
			io.WriteString(c, text+"\n")
			c.Close()
		}
	case "hold":
		return func(c *net.TCPConn) {
			defer c.Close()
			io.WriteString(c, arg+"\n")
			io.Copy(io.Discard, c)
		}
	case "silent":
		return func(c *net.TCPConn) {
			io.Copy(io.Discard, c)
		}
	case "longline":
		n, err := strconv.Atoi(arg)
		ts.Check(err)
		line := strings.Repeat("a", n) + "Z\r\n" // longer than a read: it arrives in pieces
		return func(c *net.TCPConn) {
			defer c.Close()
			r := bufio.NewReader(c)
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
			io.WriteString(c, line)
			io.Copy(io.Discard, r)
		}
	case "telnetd":
		return serveTelnetd
	case "reset":
		return func(c *net.TCPConn) {
			bufio.NewReader(c).ReadString('\n')
			io.WriteString(c, "partial\n")
			c.SetLinger(0)
			c.Close()
		}
	}
	if h := tlsHandlers(ts, kind, arg); h != nil {
		return h
	}
	if h := proxyHandlers(ts, kind, arg); h != nil {
		return h
	}
	ts.Fatalf("unknown server kind %q", kind)
	return nil
}

// cmdFakeDNS starts a DNS server on 127.0.0.1 that knows only the names
// given, and answers "no such name" for every other, and sets $VAR to its
// address:
//
//	fakedns VAR [MODE] [NAME=IP ...]
//
// A MODE makes it a broken server instead: servfail or refused answers
// every question with that error code, silent never answers, and closed
// is a UDP port where nothing listens (the kernel answers ICMP port
// unreachable).
func cmdFakeDNS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: fakedns VAR [MODE] [NAME=IP ...]")
	}
	mode, records := "", map[string][]net.IP{}
	for _, a := range args[1:] {
		name, addr, ok := strings.Cut(a, "=")
		if !ok && mode == "" && len(records) == 0 {
			mode = a
			continue
		}
		ip := net.ParseIP(addr)
		if !ok || ip == nil {
			ts.Fatalf("fakedns: bad record %q", a)
		}
		records[strings.ToLower(name)] = append(records[strings.ToLower(name)], ip)
	}
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	ts.Check(err)
	ts.Setenv(args[0], pc.LocalAddr().String())
	answer := func(q []byte) []byte { return dnsAnswer(q, records) }
	switch mode {
	case "":
	case "servfail":
		answer = func(q []byte) []byte { return dnsError(q, 2) }
	case "refused":
		answer = func(q []byte) []byte { return dnsError(q, 5) }
	case "silent":
		answer = func([]byte) []byte { return nil }
	case "closed":
		pc.Close()
		return
	default:
		ts.Fatalf("fakedns: unknown mode %q", mode)
	}
	ts.Defer(func() { pc.Close() })
	go answerPackets(pc, 512, answer)
}

// dnsError answers a DNS query with an error code and no records.
func dnsError(q []byte, rcode uint16) []byte {
	if len(q) < 12 {
		return nil
	}
	r := bytes.Clone(q)
	binary.BigEndian.PutUint16(r[2:], 0x8180|rcode)
	return r
}

// answerPackets is the loop of the UDP test servers: each datagram read
// from pc (up to size bytes) gets answer's reply, if any, until pc closes.
func answerPackets(pc net.PacketConn, size int, answer func([]byte) []byte) {
	buf := make([]byte, size)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if reply := answer(buf[:n]); reply != nil {
			pc.WriteTo(reply, from)
		}
	}
}

// dnsAnswer answers one DNS query from records: the A or AAAA records of
// the name asked, or NXDOMAIN for a name it does not know.
func dnsAnswer(q []byte, records map[string][]net.IP) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil
	}
	// The question: labels, then type and class.
	end, labels := 12, []string{}
	for end < len(q) && q[end] != 0 {
		l := int(q[end])
		if end+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[end+1:end+1+l]))
		end += l + 1
	}
	end += 5
	if end > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[end-4:])
	name := strings.ToLower(strings.Join(labels, "."))
	r := bytes.Clone(q[:end])
	ips, known := records[name]
	flags := uint16(0x8180) // a response, recursion desired and available
	if !known {
		flags |= 3 // NXDOMAIN
	}
	binary.BigEndian.PutUint16(r[2:], flags)
	binary.BigEndian.PutUint16(r[8:], 0)
	binary.BigEndian.PutUint16(r[10:], 0)
	count := 0
	for _, ip := range ips {
		var rdata []byte
		var rtype uint16
		switch {
		case qtype == 1 && ip.To4() != nil:
			rtype, rdata = 1, ip.To4()
		case qtype == 28 && ip.To4() == nil:
			rtype, rdata = 28, ip.To16()
		default:
			continue
		}
		r = append(r, 0xc0, 12) // the name, as a pointer to the question's
		r = binary.BigEndian.AppendUint16(r, rtype)
		r = binary.BigEndian.AppendUint16(r, 1)  // class IN
		r = binary.BigEndian.AppendUint32(r, 60) // TTL
		r = binary.BigEndian.AppendUint16(r, uint16(len(rdata)))
		r = append(r, rdata...)
		count++
	}
	binary.BigEndian.PutUint16(r[6:], uint16(count))
	return r
}

// cmdCRLF rewrites files in place with CRLF line endings, since txtar
// archives cannot hold a CR:
//
//	crlf FILE...
func cmdCRLF(ts *testscript.TestScript, neg bool, args []string) {
	for _, name := range args {
		file := ts.MkAbs(name)
		data, err := os.ReadFile(file)
		ts.Check(err)
		ts.Check(os.WriteFile(file, bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")), 0o644))
	}
}

// cmdRandFile writes SIZE pseudo-random bytes, every byte value likely, to
// FILE, the same bytes on every run:
//
//	randfile FILE SIZE
func cmdRandFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: randfile FILE SIZE")
	}
	size, err := strconv.Atoi(args[1])
	ts.Check(err)
	rng := rand.NewChaCha8([32]byte{'r', 'a', 'w'})
	data := make([]byte, size)
	rng.Read(data)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
}
