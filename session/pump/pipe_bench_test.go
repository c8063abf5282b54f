package pump

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// BenchmarkCRLFReader is -C's hot path: what Pipe's upload loop reads from
// stdin, converted, in the 32 KiB reads that net.TCPConn.ReadFrom's copy
// makes. "text" is typed-protocol lines; "lf" is nothing but LFs, where the
// output doubles.
func BenchmarkCRLFReader(b *testing.B) {
	for _, bc := range []struct {
		name string
		in   []byte
	}{
		{"text", bytes.Repeat([]byte(strings.Repeat("x", 63)+"\n"), 16<<10)}, // 1 MiB
		{"lf", bytes.Repeat([]byte("\n"), 1<<20)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			src := bytes.NewReader(bc.in)
			buf := make([]byte, 32<<10)
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				src.Reset(bc.in)
				c := &crlfReader{r: src}
				for {
					_, err := c.Read(buf)
					if err == io.EOF {
						break
					}
				}
			}
		})
	}
}
