package scan

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/rawtalk/rawtalk/internal/quote"

	"github.com/rawtalk/rawtalk/session/dial"
)

// format appends one reported port to b, as a text line or a JSON object:
//
//	127.0.0.1 25/tcp open smtp  220 mail.example ESMTP
func (s *scanner) format(b []byte, ip string, port uint16, sl *slot) []byte {
	service := dial.ServiceName(int(port))
	if s.opt.JSON {
		return s.formatJSON(b, ip, port, service, sl)
	}
	if service == "" {
		service = "unknown"
	}
	b = append(b, ip...)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(port), 10)
	b = append(b, '/')
	b = append(b, s.opt.Network...)
	b = append(b, ' ')
	b = append(b, sl.state.String()...)
	b = append(b, ' ')
	b = append(b, service...)
	if len(sl.banner) > 0 {
		b = append(b, "  "...)
		b = quote.Append(b, trimEOL(sl.banner))
	}
	return append(b, '\n')
}

// jsonPort is one port in --json output. Banner is the escaped text that
// the text output shows, so it is valid UTF-8 and safe to print.
type jsonPort struct {
	Host    string `json:"host,omitempty"`
	IP      string `json:"ip"`
	Port    uint16 `json:"port"`
	Proto   string `json:"proto"`
	State   string `json:"state"`
	Service string `json:"service,omitempty"`
	Banner  string `json:"banner,omitempty"`
	Reason  string `json:"reason,omitempty"` // why closed or filtered: "Connection refused"
}

func (s *scanner) formatJSON(b []byte, ip string, port uint16, service string, sl *slot) []byte {
	j := jsonPort{Host: s.opt.Host, IP: ip, Port: port, Proto: s.opt.Network, State: sl.state.String(), Service: service}
	if len(sl.banner) > 0 {
		j.Banner = string(quote.Append(nil, trimEOL(sl.banner)))
	}
	if sl.err != nil {
		j.Reason = reason(sl.err)
	}
	data, err := json.Marshal(j)
	if err != nil {
		panic(fmt.Sprintf("scan: marshalling %#v: %v", j, err)) // cannot happen: plain strings and numbers
	}
	b = append(b, data...)
	return append(b, '\n')
}

// reason is why a port is closed or filtered, in C's words.
func reason(err error) string {
	if isTimeout(err) {
		return "Connection timed out"
	}
	return dial.Strerror(err)
}

// trimEOL drops the line ending that ends a one-line banner.
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}
