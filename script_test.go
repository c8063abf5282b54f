package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"rawtalk": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs testdata/script/*.txtar: the CLI as a user meets it,
// against servers the scripts start on 127.0.0.1 and ::1 with `serve`.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"serve":     cmdServe,
			"fakedns":   cmdFakeDNS,
			"crlf":      cmdCRLF,
			"randfile":  cmdRandFile,
			"bg":        cmdBg,
			"waitport":  cmdWaitPort,
			"waitfile":  cmdWaitFile,
			"waitbg":    cmdWaitBg,
			"stopbg":    cmdStopBg,
			"udpserve":  cmdUDPServe,
			"freeport":  cmdFreePort,
			"unixstale": cmdUnixStale,
			"status":    cmdStatus,
		},
		Setup: setupBackground,
		Condition: func(cond string) (bool, error) {
			switch cond {
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
//	greet TEXT send TEXT and a newline, close at once
//	silent     read and discard, never answer or close
//	reset      read one line, send "partial\n", then reset the connection
//	full       never accept; the accept queue is full, so SYNs are dropped
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
			data, _ := io.ReadAll(c)
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
			io.WriteString(c, arg+"\n")
			c.Close()
		}
	case "silent":
		return func(c *net.TCPConn) {
			io.Copy(io.Discard, c)
		}
	case "reset":
		return func(c *net.TCPConn) {
			bufio.NewReader(c).ReadString('\n')
			io.WriteString(c, "partial\n")
			c.SetLinger(0)
			c.Close()
		}
	}
	if h := proxyHandlers(ts, kind, arg); h != nil {
		return h
	}
	ts.Fatalf("unknown server kind %q", kind)
	return nil
}

// fullListener listens with a backlog of zero and fills the queue, so that
// further connects see their SYNs dropped: a firewalled port, on loopback.
func fullListener(ts *testscript.TestScript) int {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	ts.Check(err)
	ts.Defer(func() { syscall.Close(fd) })
	ts.Check(syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	ts.Check(syscall.Listen(fd, 0))
	sa, err := syscall.Getsockname(fd)
	ts.Check(err)
	port := sa.(*syscall.SockaddrInet4).Port
	// A zero backlog still queues one connection; once it is taken, the
	// kernel drops further SYNs, and the next dial times out.
	for i := 0; i < 3; i++ {
		c, err := net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", port), 100*time.Millisecond)
		if err != nil {
			break
		}
		ts.Defer(func() { c.Close() })
	}
	return port
}

// cmdFakeDNS starts a DNS server on 127.0.0.1 that answers every question
// with "no such name", and sets $VAR to its address:
//
//	fakedns VAR
func cmdFakeDNS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: fakedns VAR")
	}
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	ts.Check(err)
	ts.Defer(func() { pc.Close() })
	ts.Setenv(args[0], pc.LocalAddr().String())
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if reply := nxdomain(buf[:n]); reply != nil {
				pc.WriteTo(reply, from)
			}
		}
	}()
}

// nxdomain turns a DNS query into its NXDOMAIN answer: same ID and
// question, flags QR|RD|RA and RCODE 3, no records.
func nxdomain(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	r := bytes.Clone(q)
	binary.BigEndian.PutUint16(r[2:], 0x8183)
	binary.BigEndian.PutUint16(r[6:], 0) // answers
	binary.BigEndian.PutUint16(r[8:], 0) // authority
	binary.BigEndian.PutUint16(r[10:], 0)
	// Drop an EDNS OPT record from the additional section, if any: keep the
	// header and the question only.
	end := 12
	for qd := binary.BigEndian.Uint16(q[4:]); qd > 0; qd-- {
		for end < len(r) && r[end] != 0 {
			end += int(r[end]) + 1
		}
		end += 5
	}
	if end > len(r) {
		return nil
	}
	return r[:end]
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
