package cli

import (
	"fmt"
	"io"
	"strings"
)

// console owns stderr: every word rawtalk says about itself, as opposed to
// bytes from the server, is written here, in one style: lowercase lines
// prefixed "rawtalk: ", with "rawtalk: hint: " lines where a next step helps.
type console struct {
	w       io.Writer
	verbose bool // -v: report each connect try and the byte counts
}

// errorf reports why rawtalk is stopping.
func (c *console) errorf(format string, args ...any) {
	fmt.Fprintf(c.w, "rawtalk: "+format+"\n", args...)
}

// hintf suggests what to try next, after an error.
func (c *console) hintf(format string, args ...any) {
	fmt.Fprintf(c.w, "rawtalk: hint: "+format+"\n", args...)
}

// sayf prints a line in the words of the tool being imitated (telnet's
// "Trying 127.0.0.1...", nc's "Connection to ... succeeded!"), unprefixed.
func (c *console) sayf(format string, args ...any) {
	fmt.Fprintf(c.w, format+"\n", args...)
}

// verbosef prints a sayf line only with -v.
func (c *console) verbosef(format string, args ...any) {
	if c.verbose {
		c.sayf(format, args...)
	}
}

// usage prints the one-line synopsis after a usage error.
func (c *console) usage() {
	c.w.Write([]byte("usage: rawtalk [flags] HOST PORT   (rawtalk --help for more)\n"))
}

// printHelp writes the full --help text.
func printHelp(w io.Writer, flagUsages string) {
	var b strings.Builder
	b.WriteString(helpText)
	b.WriteString("\nFlags:\n")
	b.WriteString(flagUsages)
	io.WriteString(w, b.String())
}

const helpText = `rawtalk: talk to a network service by hand.

Usage:
  rawtalk [flags] HOST PORT
  rawtalk [flags] HOST:PORT        ([IPV6]:PORT for IPv6 addresses)
  rawtalk --demo [KIND]            (a practice server: http, smtp, pop3, imap, echo)
  rawtalk -z [flags] HOST PORTS... (which ports are open?)
  rawtalk -l [flags] [HOST] PORT   wait for a client instead (like nc -l)
  rawtalk -U [flags] PATH          a unix socket (-lU PATH to listen)

PORT is a number or a service name (http, smtp, imap, redis, ...).
PORTS is a list such as 22,80,443,8000-8100 or http,smtp, or - for all.

On a terminal rawtalk is an interactive client, like telnet: each line you
type is sent with CRLF when you press Enter, and the server's answer appears
above the line you are typing. Ctrl-] opens the rawtalk> prompt (quit,
status, send ...). When stdin is not a terminal it works like nc: bytes pass
through unchanged both ways, and at the end of stdin rawtalk reads until
the server closes; -N half-closes first, for servers that wait for the end.

Examples:
  Practise on a built-in server first, with no network:
    rawtalk --demo
    rawtalk --demo smtp                  (or pop3, imap: a mailbox to read)
    rawtalk --demo --explain             (a note under each status line)

  The class lab: services to find with -z, then talk to:
    rawtalk --demo-serve lab
    rawtalk -z --banner 127.0.0.1 RANGE  (the range it names)

  Type HTTP by hand (press Enter twice after the Host line):
    rawtalk example.com 80
    GET / HTTP/1.1
    Host: example.com

  Send a request from a script and print the whole answer:
    printf 'GET / HTTP/1.0\r\n\r\n' | rawtalk 127.0.0.1 8080

  Watch the line endings and the timing, keep a transcript:
    rawtalk --demo --show-ends --timestamps --log session.log

  Check a service from a shell or CI with a send/expect script:
    rawtalk --script check.txt 127.0.0.1 25

  See each connect try:
    rawtalk -v localhost 6379

  Which ports are open, and what do they say first?
    rawtalk -z --banner 127.0.0.1 1-1024
  Speak TLS, the certificate verified (-v describes it), or STARTTLS:
    rawtalk --tls example.com 443
    rawtalk --starttls smtp mail.example.com 25

  Two programs talking: wait in one terminal, connect from another:
    rawtalk -lv 12321
    rawtalk localhost 12321

  With -l, one client at a time is served; -k waits for the next one when
  it leaves (clients that come meanwhile wait in the queue), as nc -k does.
  -u uses UDP: each line you type (or each read, when piped) is a datagram.
  UDP has no end, so rawtalk -u keeps listening for answers after the end of
  its input until -q SECS, -i SECS of silence, or Ctrl-C.

Exit status: 0 when the session ended normally (the server closed or you
quit), 1 on a network failure, 2 on a usage error. With -z: 0 if any port
is open, else 1.
`
