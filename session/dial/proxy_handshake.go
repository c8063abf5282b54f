package dial

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/rawtalk/rawtalk/internal/quote"
)

// The handshakes of the three proxy protocols, each up to the point where
// the connection carries the target's bytes.

// notSpeaking is a proxy whose first answer is not its protocol's.
func notSpeaking(kind ProxyKind, got []byte) error {
	return fmt.Errorf("does not speak %s (it answered %s)", kind, quote.Quote(got))
}

var socks5Replies = map[byte]string{
	1: "general SOCKS server failure",
	2: "connection not allowed by ruleset",
	3: "network unreachable",
	4: "host unreachable",
	5: "connection refused",
	6: "TTL expired",
	7: "command not supported",
	8: "address type not supported",
}

// socks5Connect is RFC 1928's CONNECT, with RFC 1929 user/password
// authentication when p has a user.
func socks5Connect(conn net.Conn, p *Proxy, host string, port int) error {
	methods := []byte{0x00} // no authentication
	if p.User != "" {
		methods = []byte{0x02, 0x00} // user/password first
	}
	hello := append([]byte{5, byte(len(methods))}, methods...)
	if _, err := conn.Write(hello); err != nil {
		return err
	}
	var choice [2]byte
	if _, err := io.ReadFull(conn, choice[:]); err != nil {
		return err
	}
	if choice[0] != 5 {
		return notSpeaking(SOCKS5, choice[:])
	}
	switch choice[1] {
	case 0x00:
	case 0x02:
		if p.User == "" {
			return &ProxyRefusedError{Reason: "proxy wants a user name and password", NeedsAuth: true}
		}
		if len(p.User) > 255 || len(p.Password) > 255 {
			return errors.New("user name or password longer than SOCKS5's 255 bytes")
		}
		auth := []byte{1, byte(len(p.User))}
		auth = append(auth, p.User...)
		auth = append(auth, byte(len(p.Password)))
		auth = append(auth, p.Password...)
		if _, err := conn.Write(auth); err != nil {
			return err
		}
		var status [2]byte
		if _, err := io.ReadFull(conn, status[:]); err != nil {
			return err
		}
		if status[1] != 0 {
			return &ProxyRefusedError{Reason: fmt.Sprintf("proxy rejected the user name or password (SOCKS5 auth status %d)", status[1]), NeedsAuth: true}
		}
	case 0xff:
		if p.User == "" {
			return &ProxyRefusedError{Reason: "proxy accepts none of our authentication methods; it may want a user name and password", NeedsAuth: true}
		}
		return &ProxyRefusedError{Reason: "proxy accepts none of our authentication methods (none, user/password)"}
	default:
		return fmt.Errorf("chose authentication method %d, which was not offered", choice[1])
	}

	req := []byte{5, 1, 0} // version, CONNECT, reserved
	if ip := net.ParseIP(host); ip != nil {
		if v4 := ip.To4(); v4 != nil {
			req = append(append(req, 1), v4...)
		} else {
			req = append(append(req, 4), ip.To16()...)
		}
	} else {
		if len(host) > 255 {
			return errors.New("host name longer than SOCKS5's 255 bytes")
		}
		req = append(append(req, 3, byte(len(host))), host...)
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	if _, err := conn.Write(req); err != nil {
		return err
	}
	// The reply: version, status, reserved, then the bound address, which
	// must be read whole so that none of it is taken for the target's bytes.
	var head [4]byte
	if _, err := io.ReadFull(conn, head[:]); err != nil {
		return err
	}
	if head[0] != 5 {
		return notSpeaking(SOCKS5, head[:])
	}
	if head[1] != 0 {
		why := socks5Replies[head[1]]
		if why == "" {
			why = "unknown reason"
		}
		return &ProxyRefusedError{Reason: fmt.Sprintf("proxy refused the connection: %s (SOCKS5 reply %d)", why, head[1])}
	}
	var rest int
	switch head[3] {
	case 1:
		rest = 4 + 2
	case 4:
		rest = 16 + 2
	case 3:
		var l [1]byte
		if _, err := io.ReadFull(conn, l[:]); err != nil {
			return err
		}
		rest = int(l[0]) + 2
	default:
		return fmt.Errorf("sent an unknown address type %d", head[3])
	}
	_, err := io.ReadFull(conn, make([]byte, rest))
	return err
}

var socks4Replies = map[byte]string{
	91: "request rejected or failed",
	92: "the proxy could not reach identd on this machine",
	93: "identd reported a different user",
}

// socks4Connect is SOCKS4's CONNECT, or SOCKS4a's when host is a name.
func socks4Connect(conn net.Conn, p *Proxy, host string, port int) error {
	req := []byte{4, 1}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	ip := net.ParseIP(host)
	switch {
	case ip != nil && ip.To4() == nil:
		return errors.New("a SOCKS4 proxy reaches IPv4 addresses only (SOCKS5 reaches IPv6)")
	case ip != nil:
		req = append(req, ip.To4()...)
	default:
		req = append(req, 0, 0, 0, 1) // SOCKS4a: the name follows the user id
	}
	req = append(append(req, p.User...), 0)
	if ip == nil {
		req = append(append(req, host...), 0)
	}
	if _, err := conn.Write(req); err != nil {
		return err
	}
	var reply [8]byte
	if _, err := io.ReadFull(conn, reply[:]); err != nil {
		return err
	}
	if reply[0] != 0 && reply[0] != 4 { // 0 by the protocol; some proxies send 4
		return notSpeaking(SOCKS4, reply[:])
	}
	if reply[1] != 90 {
		why := socks4Replies[reply[1]]
		if why == "" {
			why = "unknown reason"
		}
		return &ProxyRefusedError{Reason: fmt.Sprintf("proxy refused the connection: %s (SOCKS4 reply %d)", why, reply[1])}
	}
	return nil
}

// maxProxyHead bounds the HTTP proxy's answer to CONNECT.
const maxProxyHead = 64 << 10

// httpConnect asks an HTTP proxy to CONNECT. The answer's head is read a
// byte at a time, so that bytes the target sends right after it (an SSH or
// SMTP greeting) stay in the socket for the session.
func httpConnect(conn net.Conn, p *Proxy, host string, port int) error {
	target := net.JoinHostPort(host, strconv.Itoa(port))
	var req bytes.Buffer
	fmt.Fprintf(&req, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n", target, target)
	if p.User != "" {
		cred := base64.StdEncoding.EncodeToString([]byte(p.User + ":" + p.Password))
		fmt.Fprintf(&req, "Proxy-Authorization: Basic %s\r\n", cred)
	}
	req.WriteString("\r\n")
	if _, err := conn.Write(req.Bytes()); err != nil {
		return err
	}
	var head []byte
	var b [1]byte
	for !bytes.HasSuffix(head, []byte("\r\n\r\n")) && !bytes.HasSuffix(head, []byte("\n\n")) {
		if len(head) >= maxProxyHead {
			return errors.New("sent an answer to CONNECT with no end of headers")
		}
		if _, err := io.ReadFull(conn, b[:]); err != nil {
			if len(head) > 0 && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		head = append(head, b[0])
		if len(head) == 5 && string(head) != "HTTP/" {
			return notSpeaking(HTTPConnect, head)
		}
	}
	status, _, _ := strings.Cut(string(head), "\n")
	status = strings.TrimRight(status, "\r")
	fields := strings.Fields(status)
	if len(fields) < 2 || len(fields[1]) != 3 {
		return fmt.Errorf("sent a bad status line %s", quote.Quote(status))
	}
	if fields[1][0] != '2' {
		return &ProxyRefusedError{Reason: "proxy refused the connection: " + quote.String(status), NeedsAuth: fields[1] == "407"}
	}
	return nil
}
