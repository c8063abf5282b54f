package telnet

import (
	"bytes"
	"testing"
)

func TestEncode(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []byte
		want []byte // after FinishCR
	}{
		{"plain text", b("GET / HTTP/1.0\n"), b("GET / HTTP/1.0\n")},
		{"0xFF is doubled", b("a", 0xff, "b", 0xff, 0xff), b("a", IAC, IAC, "b", IAC, IAC, IAC, IAC)},
		{"CR LF stays", b("user\r\n"), b("user\r\n")},
		{"bare CR gets NUL", b("a\rb"), b("a\r", 0, "b")},
		{"CR at the end gets NUL", b("a\r"), b("a\r", 0)},
		{"CR CR LF", b("\r\r\n"), b("\r", 0, "\r\n")},
		{"CR then 0xFF", b("\r", 0xff), b("\r", 0, IAC, IAC)},
		{"CR then NUL", b("\r", 0), b("\r", 0, 0)},
		{"LF alone is left to the caller", b("a\nb"), b("a\nb")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, chunks := range splits(tt.in) {
				var e Encoder
				var got []byte
				for _, c := range chunks {
					got = e.Encode(got, c)
				}
				got = e.FinishCR(got)
				if !bytes.Equal(got, tt.want) {
					t.Fatalf("%d chunks: % x, want % x", len(chunks), got, tt.want)
				}
			}
		})
	}
}

func TestEncodePlain(t *testing.T) {
	var e Encoder
	if !e.Plain(b("hello\n")) {
		t.Error("text without 0xFF or CR is not plain")
	}
	if e.Plain(b("a", 0xff)) || e.Plain(b("a\r\n")) {
		t.Error("0xFF or CR reported plain")
	}
	e.Encode(nil, b("a\r"))
	if e.Plain(b("b")) {
		t.Error("plain while a CR waits for its NUL")
	}
}
