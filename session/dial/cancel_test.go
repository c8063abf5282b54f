package dial

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rawtalk/rawtalk/internal/winetest"
)

// errSignal stands for the caller's reason to cancel: the cli cancels
// with the signal that arrived.
var errSignal = errors.New("terminated")

// A signal during a proxy handshake that the proxy never answers is the
// signal, not "no SOCKS5 answer in time", for every kind of proxy.
func TestCancelDuringStalledProxyHandshake(t *testing.T) {
	for _, kind := range []ProxyKind{SOCKS5, SOCKS4, HTTPConnect} {
		t.Run(kind.String(), func(t *testing.T) {
			ln := listenLoopback(t)
			asked := make(chan struct{})
			go func() {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				c.Read(make([]byte, 1)) // the client's first bytes: the handshake has begun
				close(asked)
				io.Copy(io.Discard, c) // and never answer
			}()
			ctx, cancel := context.WithCancelCause(context.Background())
			go func() {
				<-asked
				cancel(errSignal)
			}()
			d := &Dialer{Family: "tcp4", Timeout: 30 * time.Second, Proxy: &Proxy{
				Kind: kind, Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, RemoteDNS: true,
			}}
			start := time.Now()
			conn, err := d.Dial(ctx, Target{Host: "127.0.0.1", Port: 80})
			if conn != nil {
				conn.Close()
			}
			if err != errSignal {
				t.Fatalf("err = %v (%T), want the cancel's cause", err, err)
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("the cancel took %v", time.Since(start))
			}
		})
	}
}

// Without a cause, the error is still context.Canceled, not a network
// failure.
func TestCancelWithoutCauseIsCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := &Dialer{Family: "tcp4"}
	_, err := d.Dial(ctx, Target{Host: "127.0.0.1", Port: 9})
	var ce *ConnectError
	if !errors.Is(err, context.Canceled) || errors.As(err, &ce) {
		t.Errorf("err = %v (%T), want context.Canceled", err, err)
	}
}

// A cancelled connect, name lookup or unix connect returns the cause.
func TestCancelWhileConnecting(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errSignal)

	ln := listenLoopback(t)
	d := &Dialer{Family: "tcp4"}
	if _, err := d.Dial(ctx, Target{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port}); err != errSignal {
		t.Errorf("connect: err = %v (%T), want the cause", err, err)
	}

	// A lookup that waits for its DNS server until cancelled. The
	// resolver's Dial is the only server: nothing leaves the process.
	looking := make(chan struct{})
	var once sync.Once
	lookupCtx, stop := context.WithCancelCause(context.Background())
	d = &Dialer{Family: "tcp4", Resolver: &net.Resolver{PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			once.Do(func() { close(looking) })
			<-ctx.Done()
			return nil, ctx.Err()
		}}}
	go func() { <-looking; stop(errSignal) }()
	if _, err := d.Dial(lookupCtx, Target{Host: "rawtalk.invalid", Port: 80}); err != errSignal {
		t.Errorf("lookup: err = %v (%T), want the cause", err, err)
	}

	winetest.Skip(t, "its unix-socket case: "+winetest.NoUnixSockets)
	path := filepath.Join(winetest.TempDir(t), "s")
	uln, err := net.Listen("unix", path)
	if err != nil {
		t.Skipf("no unix sockets: %v", err)
	}
	defer uln.Close()
	if _, err := DialUnix(ctx, path, 0); err != errSignal {
		t.Errorf("unix: err = %v (%T), want the cause", err, err)
	}
}

// A listener waiting for a client returns the cause too.
func TestCancelWhileListening(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ln := listenLoopback(t)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, true, func(net.Conn) error { return nil }) }()
	cancel(errSignal)
	if err := <-done; err != errSignal {
		t.Errorf("Serve = %v, want the cause", err)
	}
}
