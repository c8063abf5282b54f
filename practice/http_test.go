package practice

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden answers in testdata/http")

// cr stands for a CR byte in the golden files, where a real CR would be
// invisible and easily lost by an editor.
const cr = "␍"

// TestHTTPGolden sends each testdata/http/*.txtar file's "request" section
// to the server, half-closes, and compares everything the server sends
// until it closes with the "response" section. In both, ␍ is a CR byte.
func TestHTTPGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/http/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	_, addr := startServer(t, "http", nil)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			request, response := section(t, ar, "request"), section(t, ar, "response")
			c := connect(t, addr)
			c.send(strings.ReplaceAll(request.String(), cr, "\r"))
			c.conn.CloseWrite()
			got := strings.ReplaceAll(c.readAll(), "\r", cr)
			if *update {
				response.Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(response.Data) {
				t.Errorf("answer differs from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", file, got, response.Data)
			}
		})
	}
}

type sectionData struct{ *txtar.File }

func (s sectionData) String() string { return string(s.Data) }

func section(t *testing.T, ar *txtar.Archive, name string) sectionData {
	t.Helper()
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			return sectionData{&ar.Files[i]}
		}
	}
	t.Fatalf("no %q section", name)
	return sectionData{}
}

// TestHTTPKeepAlive checks, step by step, that an HTTP/1.1 connection stays
// open after an answer and serves the next request on it.
func TestHTTPKeepAlive(t *testing.T) {
	_, addr := startServer(t, "http", nil)
	c := connect(t, addr)
	hello := "HTTP/1.1 200 OK\r\nDate: Tue, 25 Nov 2025 12:34:56 GMT\r\nServer: rawtalk-practice\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\n\r\nHello, world!\n"
	c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
	c.expect(hello)
	c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
	c.expect(hello)
	// A request typed line by line, as a person does, works the same.
	for _, line := range []string{"GET /hello HTTP/1.1\r\n", "Host: localhost\r\n", "\r\n"} {
		c.send(line)
	}
	c.expect(hello)
	c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
	c.expect(strings.Replace(hello, "Content-Length: 14\r\n", "Content-Length: 14\r\nConnection: close\r\n", 1))
	c.expectEOF()
}

// TestHTTPLimits checks the answers to requests over the size limits, each
// of which closes the connection.
func TestHTTPLimits(t *testing.T) {
	_, addr := startServer(t, "http", nil)
	long := strings.Repeat("a", httpLineLimit+100)
	manyHeaders := strings.Repeat("X-A: b\r\n", httpMaxHeaders+1)
	for _, tc := range []struct {
		name, request, status string
	}{
		{"long request line", "GET /" + long + " HTTP/1.1\r\nHost: x\r\n\r\n", "414 URI Too Long"},
		// The answer comes at the limit, without waiting for an end of line.
		{"endless request line", "GET /" + long, "414 URI Too Long"},
		{"long header line", "GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + long + "\r\n\r\n", "431 Request Header Fields Too Large"},
		{"too many headers", "GET / HTTP/1.1\r\nHost: x\r\n" + manyHeaders + "\r\n", "431 Request Header Fields Too Large"},
		{"body too large", fmt.Sprintf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", httpMaxBody+1), "413 Content Too Large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := connect(t, addr)
			c.send(tc.request)
			got := c.readAll()
			if !strings.HasPrefix(got, "HTTP/1.1 "+tc.status+"\r\n") || !strings.Contains(got, "\r\nConnection: close\r\n") {
				t.Fatalf("got %q, want %s and Connection: close", got, tc.status)
			}
		})
	}
}

// TestHTTPWithNetHTTP talks to the server with Go's own HTTP client: what a
// real client makes of the answers.
func TestHTTPWithNetHTTP(t *testing.T) {
	_, addr := startServer(t, "http", nil)
	var dials atomic.Int32
	transport := &http.Transport{
		DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
			dials.Add(1)
			var d net.Dialer
			return d.DialContext(ctx, network, a)
		},
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{
		Transport: transport,
		Timeout:   waitLimit,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // show the 302 itself
		},
	}
	base := "http://" + addr

	get := func(method, path string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s %s: reading the body: %v", method, path, err)
		}
		return resp, string(body)
	}

	resp, body := get("GET", "/")
	if resp.StatusCode != 200 || body != indexPage {
		t.Errorf("GET / = %d, %d bytes; want 200 and the index page", resp.StatusCode, len(body))
	}
	if got := resp.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := resp.Header.Get("Server"); got != httpServerName {
		t.Errorf("Server = %q", got)
	}
	if date, err := http.ParseTime(resp.Header.Get("Date")); err != nil || !date.Equal(testClock()) {
		t.Errorf("Date = %q (%v), want %v", resp.Header.Get("Date"), err, testClock())
	}

	resp, body = get("HEAD", "/")
	if resp.StatusCode != 200 || body != "" || resp.ContentLength != int64(len(indexPage)) {
		t.Errorf("HEAD / = %d, body %q, Content-Length %d; want 200, no body, %d",
			resp.StatusCode, body, resp.ContentLength, len(indexPage))
	}

	resp, _ = get("GET", "/redirect")
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/hello" {
		t.Errorf("GET /redirect = %d, Location %q; want 302 to /hello", resp.StatusCode, resp.Header.Get("Location"))
	}

	resp, body = get("GET", "/nothing")
	if resp.StatusCode != 404 || !strings.Contains(body, "There is no page /nothing here.") {
		t.Errorf("GET /nothing = %d %q, want 404", resp.StatusCode, body)
	}

	resp, _ = get("DELETE", "/")
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("DELETE / = %d, Allow %q; want 405 with Allow: GET, HEAD", resp.StatusCode, resp.Header.Get("Allow"))
	}

	resp, body = get("GET", "/headers")
	if resp.StatusCode != 200 || !strings.Contains(body, "GET /headers HTTP/1.1\\r\\n\nHost: "+addr+"\\r\\n\n") ||
		!strings.Contains(body, "User-Agent: Go-http-client/1.1\\r\\n\n") {
		t.Errorf("GET /headers = %d %q, want the request shown back", resp.StatusCode, body)
	}

	// Every request above went over the one kept-alive connection.
	if n := dials.Load(); n != 1 {
		t.Errorf("the client dialled %d times, want 1 (keep-alive)", n)
	}

	// A client that follows redirects ends on /hello.
	client.CheckRedirect = nil
	resp, body = get("GET", "/redirect")
	if resp.StatusCode != 200 || body != "Hello, world!\n" || resp.Request.URL.Path != "/hello" {
		t.Errorf("following /redirect ended at %s with %d %q", resp.Request.URL.Path, resp.StatusCode, body)
	}
}

// TestHTTPNoDateDrift checks that without a test clock the Date header is
// the current time.
func TestHTTPNoDateDrift(t *testing.T) {
	_, addr := startServer(t, "http", func(s *Server) { s.Clock = nil })
	before := time.Now().Truncate(time.Second)
	resp, err := (&http.Client{Timeout: waitLimit}).Get("http://" + addr + "/hello")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil || date.Before(before) || date.After(time.Now()) {
		t.Errorf("Date = %q, want the time of the request", resp.Header.Get("Date"))
	}
}

// TestHTTPErrorAnswerSurvivesUnreadInput checks the lingering close: after
// an error answer the client may still be sending (here a large body the
// server will not read). Closing the socket with those bytes unread would
// send a reset, and the client would see "connection reset" instead of
// the answer and a clean end.
func TestHTTPErrorAnswerSurvivesUnreadInput(t *testing.T) {
	_, addr := startServer(t, "http", nil)
	c := connect(t, addr)
	go func() { // the write may fail once the server is done; the answer matters
		io.WriteString(c.conn, "GET / HTTP/1.1\r\n\r\n"+strings.Repeat("x", 256<<10))
	}()
	got := c.readAll()
	if !strings.HasPrefix(got, "HTTP/1.1 400 Bad Request\r\n") {
		t.Fatalf("got %q, want a 400", got)
	}
}

// TestHTTPIndexFitsTheScreen checks the lesson's first contact: rawtalk's
// own lines, the typed request, the whole answer to GET / and the prompt
// fit an 80x24 terminal, so the status line has not scrolled away.
func TestHTTPIndexFitsTheScreen(t *testing.T) {
	const cols, rows = 80, 24
	rawtalkLines := []string{ // what --demo prints on a terminal before the answer
		"rawtalk: practice http server on 127.0.0.1:12345",
		"rawtalk: hint: type GET / HTTP/1.1, then Host: localhost, then an empty line",
		"Trying 127.0.0.1...",
		"Connected to 127.0.0.1.",
		"Escape character is '^]'.",
	}
	request := []string{"GET / HTTP/1.1", "Host: localhost", ""}
	_, addr := startServer(t, "http", nil)
	c := connect(t, addr)
	c.send(strings.Join(request, "\r\n") + "\r\n")
	c.conn.CloseWrite()
	answer := strings.TrimSuffix(strings.ReplaceAll(c.readAll(), "\r\n", "\n"), "\n")
	if !strings.HasPrefix(answer, "HTTP/1.1 200 OK\n") {
		t.Fatalf("GET / answered %q", answer)
	}
	lines := append(append(rawtalkLines, request...), strings.Split(answer, "\n")...)
	used := 1 // the prompt row the cursor waits on
	for _, l := range lines {
		if strings.ContainsFunc(l, func(r rune) bool { return r > 0x7e || r < ' ' }) {
			t.Fatalf("line %q is not plain ASCII; count its width another way", l)
		}
		used += max(1, (len(l)+cols-1)/cols)
	}
	if used > rows {
		t.Errorf("the first contact takes %d rows of a %dx%d terminal:\n%s", used, cols, rows, strings.Join(lines, "\n"))
	}
}
