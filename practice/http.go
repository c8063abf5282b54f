package practice

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// Limits of the HTTP server, near Apache's: a longer line gets 414 or 431.
const (
	httpLineLimit  = 8 << 10  // bytes in the request line and in each header line
	httpMaxHeaders = 100      // header lines in one request
	httpMaxBody    = 64 << 10 // largest request body read (and dropped) to keep the connection
)

// httpDate is the layout of the Date header (RFC 9110's IMF-fixdate).
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

// httpServerName is the Server header's value.
const httpServerName = "rawtalk-practice"

// httpRequest is one request as the client sent it.
type httpRequest struct {
	method  string
	path    string // the target without query, made origin-form
	version string // "HTTP/1.0" or "HTTP/1.1"
	headers []httpHeader
	raw     []string // every line as received, with its ending shown (\r\n or \n)
}

type httpHeader struct{ name, value string }

// get returns the values of the named header, in order.
func (r *httpRequest) get(name string) []string {
	var vals []string
	for _, h := range r.headers {
		if strings.EqualFold(h.name, name) {
			vals = append(vals, h.value)
		}
	}
	return vals
}

// hasToken tells whether a comma-separated header (Connection) lists token.
func (r *httpRequest) hasToken(name, token string) bool {
	for _, v := range r.get(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// keepAlive is HTTP's rule: 1.1 keeps the connection unless the client
// says close; 1.0 closes unless the client asks for keep-alive.
func (r *httpRequest) keepAlive() bool {
	if r.hasToken("Connection", "close") {
		return false
	}
	return r.version == "HTTP/1.1" || r.hasToken("Connection", "keep-alive")
}

// httpResponse is an answer before it is written.
type httpResponse struct {
	status int
	extra  []httpHeader // Location, Allow
	body   string
	close  bool // close the connection after this answer
}

// httpConn is one client of the HTTP server.
type httpConn struct {
	s  *Server
	c  net.Conn
	lr *lineReader
}

// serveHTTP answers requests on conn, one after another, until the client
// closes, asks to close, or sends something the server cannot read past.
func (s *Server) serveHTTP(conn net.Conn) {
	h := &httpConn{s: s, c: conn, lr: newLineReader(conn, httpLineLimit)}
	for {
		req, resp := h.readRequest()
		if req == nil && resp == nil {
			conn.Close() // the client left, or stayed silent, between requests
			return
		}
		if resp != nil && resp.status == 0 {
			conn.Close() // the connection failed; there is no one to answer
			return
		}
		if resp == nil {
			resp = route(req)
		}
		if req == nil {
			req = &httpRequest{method: "GET", version: "HTTP/1.1"}
		}
		resp.close = resp.close || !req.keepAlive()
		if err := h.writeResponse(req, resp); err != nil {
			conn.Close()
			return
		}
		if resp.close {
			lingerClose(conn)
			return
		}
	}
}

// readRequest reads one request. It returns the request, or an error
// answer (with the request when one was read far enough), or two nils when
// the client closed or went quiet before starting a request.
func (h *httpConn) readRequest() (*httpRequest, *httpResponse) {
	h.s.idleDeadline(h.c)
	var line string
	var err error
skipEmptyLines: // RFC 9112 asks servers to ignore empty lines before a request
	for {
		line, err = h.lr.readLine()
		if err != nil || line != "" {
			break skipEmptyLines
		}
	}
	switch {
	case errors.Is(err, errLineTooLong):
		return nil, fail(414, "The request line is longer than %d bytes.\n", httpLineLimit)
	case err != nil && line == "":
		return nil, nil
	case err != nil:
		return nil, h.cutShort(err)
	}
	req := &httpRequest{raw: []string{line + h.lr.ending()}}
	if resp := parseRequestLine(req, line); resp != nil {
		return req, resp
	}

readHeaders:
	for {
		h.s.idleDeadline(h.c)
		line, err := h.lr.readLine()
		switch {
		case errors.Is(err, errLineTooLong):
			return req, fail(431, "A header line is longer than %d bytes.\n", httpLineLimit)
		case err != nil:
			return req, h.cutShort(err)
		}
		req.raw = append(req.raw, line+h.lr.ending())
		if line == "" {
			break readHeaders
		}
		if len(req.headers) == httpMaxHeaders {
			return req, fail(431, "The request has more than %d header lines.\n", httpMaxHeaders)
		}
		if line[0] == ' ' || line[0] == '\t' {
			return req, fail(400, "A header line starts with a space; continued (folded) header lines\nare obsolete (RFC 9112).\n")
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return req, fail(400, "The header line %q has no colon. A header is Name: value.\n", line)
		}
		if !isToken(name) {
			return req, fail(400, "The header name %q is not valid: no spaces are allowed before the colon.\n", name)
		}
		req.headers = append(req.headers, httpHeader{name, strings.Trim(value, " \t")})
	}
	return req, h.checkHeadersAndBody(req)
}

// cutShort is the answer to a request the client stopped sending halfway.
func (h *httpConn) cutShort(err error) *httpResponse {
	if isTimeout(err) {
		return fail(408, "The request was not finished in time.\n")
	}
	if errors.Is(err, io.EOF) {
		return fail(400, "The request ended before the empty line that ends the headers.\n"+
			"Press Enter once more after the last header line.\n")
	}
	return &httpResponse{close: true}
}

// parseRequestLine reads "METHOD TARGET VERSION" into req.
func parseRequestLine(req *httpRequest, line string) *httpResponse {
	parts := strings.Fields(line)
	if len(parts) != 3 || !strings.HasPrefix(strings.ToUpper(parts[2]), "HTTP/") {
		return fail(400, "The request line %q is not METHOD PATH VERSION, as in\n\n    GET / HTTP/1.1\n", line)
	}
	method, target, version := parts[0], parts[1], parts[2]
	if !isToken(method) {
		return fail(400, "The method %q is not valid.\n", method)
	}
	req.method = method
	switch {
	case version == "HTTP/1.1" || version == "HTTP/1.0":
		req.version = version
	case len(version) == 8 && strings.HasPrefix(version, "HTTP/") && isDigit(version[5]) && version[6] == '.' && isDigit(version[7]):
		return fail(505, "This server speaks HTTP/1.1 and HTTP/1.0, not %s.\n", version)
	default:
		return fail(400, "The version %q is not valid: write HTTP/1.1 (in capitals).\n", version)
	}
	path, ok := originPath(target)
	if !ok {
		return fail(400, "The path %q is not valid: a path starts with /.\n", target)
	}
	req.path = path
	return nil
}

// originPath turns a request target into the path to route: "/a?b" and
// "http://host/a" give "/a".
func originPath(target string) (string, bool) {
	if rest, ok := strings.CutPrefix(target, "http://"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			target = rest[i:]
		} else {
			target = "/"
		}
	}
	if !strings.HasPrefix(target, "/") {
		return "", false
	}
	path, _, _ := strings.Cut(target, "?")
	return path, true
}

// checkHeadersAndBody enforces HTTP/1.1's Host rule and reads a request
// body, if any, so that the next request starts where it should.
func (h *httpConn) checkHeadersAndBody(req *httpRequest) *httpResponse {
	hosts := req.get("Host")
	switch {
	case req.version == "HTTP/1.1" && len(hosts) == 0:
		return fail(400, "An HTTP/1.1 request needs a Host header, such as\n\n    Host: localhost\n")
	case len(hosts) > 1:
		return fail(400, "The request has %d Host headers; it needs exactly one.\n", len(hosts))
	}
	if len(req.get("Transfer-Encoding")) > 0 {
		return fail(501, "This server does not read Transfer-Encoding; send Content-Length instead.\n")
	}
	lengths := req.get("Content-Length")
	if len(lengths) == 0 {
		return nil
	}
	n, err := strconv.ParseInt(lengths[0], 10, 64)
	if err != nil || n < 0 || len(lengths) > 1 {
		return fail(400, "The Content-Length %q is not one number.\n", strings.Join(lengths, ", "))
	}
	if n > httpMaxBody {
		return fail(413, "The body is %d bytes; this server reads at most %d.\n", n, httpMaxBody)
	}
	if _, err := io.CopyN(io.Discard, h.lr.r, n); err != nil {
		return h.cutShort(err)
	}
	return nil
}

// route picks the answer to a well-formed request.
func route(req *httpRequest) *httpResponse {
	switch req.method {
	case "GET", "HEAD":
	case "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT":
		resp := fail(405, "This server allows only GET and HEAD; %s is not allowed here.\n", req.method)
		resp.close = false
		resp.extra = []httpHeader{{"Allow", "GET, HEAD"}}
		return resp
	default:
		resp := fail(501, "The method %q is not one this server knows.\nMethods are case-sensitive: GET, HEAD.\n", req.method)
		resp.close = false
		return resp
	}
	switch req.path {
	case "/", "/index.html":
		return &httpResponse{status: 200, body: indexPage}
	case "/help":
		return &httpResponse{status: 200, body: helpPage}
	case "/hello":
		return &httpResponse{status: 200, body: "Hello, world!\n"}
	case "/headers":
		return &httpResponse{status: 200, body: headersPage(req)}
	case "/redirect":
		return &httpResponse{status: 302, extra: []httpHeader{{"Location", "/hello"}},
			body: "This page moved to /hello: see the Location header. A browser would\nask for /hello next.\n"}
	}
	resp := fail(404, "There is no page %s here. GET /help lists the pages.\n", req.path)
	resp.close = false
	return resp
}

// fail is an error answer with a one-line explanation as its body. Like
// real servers, rawtalk closes after an error in the request itself.
func fail(status int, format string, args ...any) *httpResponse {
	return &httpResponse{
		status: status,
		body:   fmt.Sprintf("%d %s\n\n", status, statusText(status)) + fmt.Sprintf(format, args...),
		close:  true,
	}
}

// writeResponse writes the status line, the headers and, unless the
// request was HEAD, the body, in one write.
func (h *httpConn) writeResponse(req *httpRequest, resp *httpResponse) error {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", resp.status, statusText(resp.status))
	fmt.Fprintf(&b, "Date: %s\r\n", h.s.now().UTC().Format(httpDate))
	fmt.Fprintf(&b, "Server: %s\r\n", httpServerName)
	for _, x := range resp.extra {
		fmt.Fprintf(&b, "%s: %s\r\n", x.name, x.value)
	}
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	fmt.Fprintf(&b, "Content-Length: %d\r\n", len(resp.body))
	switch {
	case resp.close:
		b.WriteString("Connection: close\r\n")
	case req.version == "HTTP/1.0":
		b.WriteString("Connection: keep-alive\r\n")
	}
	b.WriteString("\r\n")
	if req.method != "HEAD" {
		b.WriteString(resp.body)
	}
	return send(h.c, b.String())
}

func statusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 302:
		return "Found"
	case 400:
		return "Bad Request"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 408:
		return "Request Timeout"
	case 413:
		return "Content Too Large"
	case 414:
		return "URI Too Long"
	case 431:
		return "Request Header Fields Too Large"
	case 501:
		return "Not Implemented"
	case 503:
		return "Service Unavailable"
	case 505:
		return "HTTP Version Not Supported"
	}
	return "Unknown"
}

// headersPage shows the request back as it arrived, each line ending made
// visible, so the student sees exactly what was sent.
func headersPage(req *httpRequest) string {
	var b strings.Builder
	b.WriteString("This is your request as the server received it. Each line's ending is\n" +
		"shown: \\r\\n is CRLF, the ending HTTP asks for; servers also accept \\n alone.\n\n")
	for _, line := range req.raw {
		b.WriteString(line)
		b.WriteString("\n")
	}
	return b.String()
}

// isToken tells whether s is an HTTP token (a method or a header name).
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return s != ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// indexPage is the answer to GET /. It is short on purpose: with the
// typed request and rawtalk's own lines it fits an 80x24 terminal, so the
// status line and headers, which the lesson is about, stay on screen. The
// tour is at /help.
const indexPage = `Welcome to rawtalk's practice HTTP server.
Above this text is the answer's head: the status line, the headers and an
empty line. Content-Length counts the bytes of this text. Try next, each
followed by Host: localhost and an empty line:
    GET /hello HTTP/1.1       a short page
    GET /help HTTP/1.1        the tour: every page and what it shows
`

// helpPage is the answer to GET /help: the tour of the server.
const helpPage = `The tour of rawtalk's practice HTTP server.

What you see above this text is the answer's head: the status line, the
headers, and an empty line. Content-Length says how many bytes of body (this
text) follow it.

Things to try. Type each request line, then Host: localhost, then an
empty line:

    GET / HTTP/1.1            the short welcome page
    GET /hello HTTP/1.1       a short page
    GET /headers HTTP/1.1     your request, sent back to you
    GET /redirect HTTP/1.1    a 302 redirect: look at the Location header
    HEAD / HTTP/1.1           the welcome page's head, without the body
    GET /nothing HTTP/1.1     404 Not Found
    DELETE / HTTP/1.1         405 Method Not Allowed
    GET / HTTP/1.0            HTTP/1.0: no Host needed, and the server
                              closes the connection after answering

After an HTTP/1.1 answer the connection stays open for your next request.
Add the header "Connection: close" and the server closes after answering.
A request without Host (in HTTP/1.1) or with a mistake in its first line
gets 400 Bad Request.
`
