package pump

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"testing"
)

// serveAbortingOnFIN answers one request with size bytes, a chunk at a
// time, and stops sending as soon as it sees the client's FIN, as nginx does
// (it takes a half-close as the client going away). It returns the number
// of bytes it sent.
func serveAbortingOnFIN(t *testing.T, server net.Conn, size int) <-chan int {
	t.Helper()
	sent := make(chan int, 1)
	go func() {
		defer server.Close()
		r := bufio.NewReader(server)
		if _, err := r.ReadString('\n'); err != nil {
			sent <- 0
			return
		}
		gone := make(chan struct{})
		go func() { // the client's FIN: a read that ends
			io.Copy(io.Discard, r)
			close(gone)
		}()
		chunk := bytes.Repeat([]byte("x"), 16<<10)
		n := 0
		for n < size {
			select {
			case <-gone:
				sent <- n
				return
			default:
			}
			w, err := server.Write(chunk[:min(len(chunk), size-n)])
			n += w
			if err != nil {
				break
			}
		}
		sent <- n
	}()
	return sent
}

// pipeRequest sends one request line and EOF through Pipe and returns what
// came back.
func pipeRequest(t *testing.T, opt PipeOptions, size int) (got int64, sent int) {
	ln := listenLoopback(t)
	client, server := connectedPair(t, ln)
	serverSent := serveAbortingOnFIN(t, server, size)
	inR, inW, _ := os.Pipe()
	inW.WriteString("GET /big HTTP/1.0\r\n")
	inW.Close()
	outR, outW, _ := os.Pipe()
	received := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(io.Discard, outR)
		received <- n
	}()
	if _, err := Pipe(client, inR, outW, opt); err != nil {
		t.Fatal(err)
	}
	outW.Close()
	return <-received, <-serverSent
}

// The default keeps the connection open at EOF on stdin and reads until the
// server closes, as OpenBSD nc does: a server that aborts on FIN still
// sends its whole answer.
func TestPipeDefaultKeepsOpenAtEOFAndGetsTheWholeAnswer(t *testing.T) {
	const size = 20 << 20
	got, sent := pipeRequest(t, PipeOptions{}, size)
	if got != size || sent != size {
		t.Fatalf("received %d bytes (server sent %d), want all %d", got, sent, size)
	}
}

// -N half-closes at EOF: the same server then stops early. This shows the
// test server really aborts on FIN, so the test above means something.
func TestPipeHalfCloseAtEOFLetsAnAbortingServerStop(t *testing.T) {
	const size = 200 << 20
	got, sent := pipeRequest(t, PipeOptions{HalfClose: true}, size)
	if sent >= size || got != int64(sent) {
		t.Fatalf("received %d, server sent %d of %d: want the server to stop at the FIN", got, sent, size)
	}
}
