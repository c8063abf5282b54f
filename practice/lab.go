package practice

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"syscall"

	"github.com/rawtalk/rawtalk/session/dial"
)

// LabSpan is how many ports the lab's window has: its services sit at
// offsets from the window's first port.
const LabSpan = 200

// labLayout places the lab's services in the window. The offsets mirror
// the kinds' usual port numbers (echo 7, SMTP 25, HTTP 80, POP3 110, IMAP
// 143), which a student may notice; the last HTTP server is where no
// usual number would put it, so only talking to it tells what it is.
var labLayout = []struct {
	kind   string
	offset int
}{
	{"echo", 7}, {"smtp", 25}, {"http", 80}, {"pop3", 110}, {"imap", 143}, {"http", 187},
}

// labOffPort is the offset of the service that is not where its kind's
// usual port number would put it.
const labOffPort = 187

// labTries bounds the search for a free window when the caller gives none.
const labTries = 20

// LabConfig says where the lab listens and whom to tell about clients.
type LabConfig struct {
	// Base is the first port of the window (services listen between Base
	// and Base+LabSpan-1); 0 picks a free window at a round number.
	Base int
	// OnConnect, if set, is called for each client of any service, before
	// it is served (for -v's "Connection received on ..." line).
	OnConnect func(kind string, remote net.Addr)
}

// LabService is one of the lab's practice servers.
type LabService struct {
	Kind    string
	Port    int
	OffPort bool // not where its kind's usual port number would put it
	Server  *Server
}

// Lab is several practice servers on 127.0.0.1 at once, a host to scan
// and then talk to: the class lab. Its SMTP, POP3 and IMAP servers share
// one mailbox.
type Lab struct {
	First, Last int          // the window of ports the services are in
	Services    []LabService // in port order
	Mail        *Mailbox     // the mailbox they share

	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []error // from Serve, other than the context ending
}

// StartLab listens for every service and serves them until ctx ends.
// Listening errors are returned as net.Listen gives them (a *net.OpError
// naming the address); with Base 0 a window is tried again elsewhere if a
// port is taken.
func StartLab(ctx context.Context, cfg LabConfig) (*Lab, error) {
	if cfg.Base < 0 || cfg.Base > 65536-LabSpan {
		return nil, fmt.Errorf("the lab needs %d ports from its base port; %d is out of range 1-%d", LabSpan, cfg.Base, 65536-LabSpan)
	}
	var listeners []net.Listener
	var base int
	var err error
	if cfg.Base != 0 {
		base = cfg.Base
		listeners, err = listenLab(base)
	} else {
		for range labTries {
			// 10000, 11000, ... 30000: below Linux's ephemeral ports
			// (32768-60999), which outgoing connections and other
			// programs' free-port listeners take.
			base = 1000 * (10 + rand.IntN(21))
			listeners, err = listenLab(base)
			if !dial.IsErrno(err, syscall.EADDRINUSE) && !dial.IsErrno(err, syscall.EACCES) {
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}

	lab := &Lab{First: base, Last: base + LabSpan - 1, Mail: newMailbox()}
	for i, l := range labLayout {
		srv, err := New(l.kind)
		if err != nil {
			panic(err) // cannot happen: the layout names known kinds
		}
		srv.mail = lab.Mail
		if cfg.OnConnect != nil {
			kind := l.kind
			srv.OnConnect = func(remote net.Addr) { cfg.OnConnect(kind, remote) }
		}
		lab.Services = append(lab.Services, LabService{
			Kind: l.kind, Port: base + l.offset, OffPort: l.offset == labOffPort, Server: srv,
		})
		ln := listeners[i]
		lab.wg.Go(func() {
			if err := srv.Serve(ctx, ln); err != nil {
				lab.mu.Lock()
				lab.errs = append(lab.errs, fmt.Errorf("practice %s server on port %d: %w", srv.Kind, base+l.offset, err))
				lab.mu.Unlock()
			}
		})
	}
	return lab, nil
}

// listenLab listens on every service's port of the window at base, or on
// none of them.
func listenLab(base int) ([]net.Listener, error) {
	var listeners []net.Listener
	for _, l := range labLayout {
		ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(base+l.offset)))
		if err != nil {
			for _, open := range listeners {
				open.Close()
			}
			return nil, err
		}
		listeners = append(listeners, ln)
	}
	return listeners, nil
}

// Wait returns when every service has stopped (after ctx ended, or after a
// listener failed), with the failures joined, or nil.
func (l *Lab) Wait() error {
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return errors.Join(l.errs...)
}

// Summary is one line per service: its kind, port and clients so far,
// and for SMTP the messages accepted.
func (l *Lab) Summary() []string {
	var lines []string
	for _, s := range l.Services {
		line := fmt.Sprintf("%-4s on port %d: %s", s.Kind, s.Port, plural(s.Server.Connections(), "connection"))
		if s.Kind == "smtp" {
			line += fmt.Sprintf(", %s accepted", plural(l.Mail.Count(), "message"))
		}
		lines = append(lines, line)
	}
	return lines
}
