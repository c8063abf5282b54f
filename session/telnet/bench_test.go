package telnet

import (
	"bytes"
	"testing"
)

// BenchmarkDecode measures the decoder on what a server usually sends
// (text lines) and on a stream dense with IAC sequences, with allocations:
//
//	go test -run '^$' -bench Decode -benchmem ./session/telnet
func BenchmarkDecode(b *testing.B) {
	plain := bytes.Repeat([]byte("The quick brown fox jumps over the lazy dog, 0123456789.\r\n"), 1130)[:64<<10]
	var heavy []byte
	for len(heavy) < 64<<10 {
		heavy = append(heavy, "ab"...)
		heavy = append(heavy, IAC, IAC, 'c', '\r', 0, IAC, NOP, 'd', IAC, GA)
		heavy = append(heavy, IAC, WILL, OptEcho, IAC, DO, 99, IAC, SB, OptTTYPE, ttypeSEND, IAC, SE)
	}
	for _, bench := range []struct {
		name string
		in   []byte
	}{{"plain", plain}, {"iac-heavy", heavy}} {
		b.Run(bench.name, func(b *testing.B) {
			c := NewClient(Config{TermType: "xterm", Cols: 80, Rows: 24})
			data := make([]byte, 0, len(bench.in))
			reply := make([]byte, 0, 1<<20)
			b.SetBytes(int64(len(bench.in)))
			b.ReportAllocs()
			for b.Loop() {
				data, reply = c.Decode(data[:0], reply[:0], bench.in)
			}
		})
	}
}

// BenchmarkEncode measures the encoder on text and on binary data in which
// every byte value, 0xFF and CR included, is common.
func BenchmarkEncode(b *testing.B) {
	text := bytes.Repeat([]byte("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"), 1800)[:64<<10]
	binary := make([]byte, 64<<10)
	for i := range binary {
		binary[i] = byte(i * 7)
	}
	for _, bench := range []struct {
		name string
		in   []byte
	}{{"text", text}, {"binary", binary}} {
		b.Run(bench.name, func(b *testing.B) {
			var e Encoder
			out := make([]byte, 0, 2*len(bench.in)+1)
			b.SetBytes(int64(len(bench.in)))
			b.ReportAllocs()
			for b.Loop() {
				out = e.Encode(out[:0], bench.in)
			}
		})
	}
}
