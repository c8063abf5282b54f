package telnet

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary server bytes to the decoder and checks what
// must hold for any input: the result does not depend on how the input is
// split, memory stays bounded, a repeated identical request is never
// answered twice, and user data wrapped in arbitrary commands comes out
// exactly, with no command byte leaking into it.
//
// The seed corpus is in testdata/fuzz/FuzzDecode and the table tests;
// run with: go test -fuzz FuzzDecode ./session/telnet
func FuzzDecode(f *testing.F) {
	for _, tt := range decodeTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		cfg := Config{TermType: "xterm", Cols: 80, Rows: 24}
		whole, c := decodeChunks(cfg, [][]byte{in})

		// Split-independence: byte by byte, and in chunks of a size the
		// input itself picks.
		size := 1
		if len(in) > 0 {
			size = 1 + int(in[0])%13
		}
		for _, chunks := range [][][]byte{bytewise(in), chunked(in, size)} {
			if got, _ := decodeChunks(cfg, chunks); !sameDecoded(got, whole) {
				t.Fatalf("%d chunks decode differently from the whole input", len(chunks))
			}
		}

		// Bounded memory: the subnegotiation buffer never grows past its
		// cap, data is never longer than the input, and answers are at most
		// a few bytes for every byte received (no growth under a flood).
		if cap(c.sb) > maxSubnegotiation {
			t.Fatalf("subnegotiation buffer grew to %d", cap(c.sb))
		}
		if len(whole.data) > len(in) {
			t.Fatalf("%d bytes of data from %d bytes of input", len(whole.data), len(in))
		}
		if len(whole.reply) > 4*len(in) {
			t.Fatalf("%d bytes of answers to %d bytes of input", len(whole.reply), len(in))
		}
		// Every 0xFF in the data came from an IAC IAC pair.
		if n, iacs := bytes.Count(whole.data, []byte{IAC}), bytes.Count(in, []byte{IAC}); 2*n > iacs {
			t.Fatalf("%d 0xFF bytes in the data, only %d IAC in the input", n, iacs)
		}

		checkNoRepeatedAnswers(t, whole.log)

		// Round trip: the input read as a recipe of user bytes and
		// commands; the decoder must return exactly the user bytes.
		wire, user := buildStream(in)
		got, _ := decodeChunks(cfg, [][]byte{wire})
		if !bytes.Equal(got.data, user) {
			t.Fatalf("user data % x\ncame out as % x\nfrom wire % x", user, got.data, wire)
		}
		if got, _ := decodeChunks(cfg, bytewise(wire)); !bytes.Equal(got.data, user) {
			t.Fatalf("byte by byte, user data % x came out as % x", user, got.data)
		}
	})
}

// checkNoRepeatedAnswers reads the trace: when the server sends the same
// WILL, WONT, DO or DONT for an option twice in a row, the second must get
// no answer, whatever came in between for other options.
func checkNoRepeatedAnswers(t *testing.T, log []string) {
	t.Helper()
	last := map[string]string{} // option name -> last verb received for it
	for i, line := range log {
		f := strings.SplitN(line, " ", 3)
		if len(f) < 3 || f[0] != "RCVD" {
			continue
		}
		switch f[1] {
		case "WILL", "WONT", "DO", "DONT":
		default:
			continue
		}
		if last[f[2]] == f[1] && i+1 < len(log) && strings.HasPrefix(log[i+1], "SENT") {
			t.Fatalf("repeated %q answered with %q; trace %q", line, log[i+1], log)
		}
		last[f[2]] = f[1]
	}
}

// buildStream turns recipe into a server stream: pairs of bytes (op, v)
// become a user byte v, a negotiation, a command, or a subnegotiation,
// encoded as a server would. It returns the stream and the user bytes in it.
func buildStream(recipe []byte) (wire, user []byte) {
	var enc Encoder
	for i := 0; i+1 < len(recipe); i += 2 {
		op, v := recipe[i], recipe[i+1]
		switch op % 5 {
		case 0, 1:
			user = append(user, v)
			wire = enc.Encode(wire, []byte{v})
		case 2:
			wire = enc.FinishCR(wire)
			wire = append(wire, IAC, WILL+v%4, v)
		case 3:
			wire = enc.FinishCR(wire)
			wire = append(wire, IAC, EOF+v%(SB-EOF))
		case 4:
			wire = enc.FinishCR(wire)
			wire = append(wire, IAC, SB, v)
			for j := range 1 + int(v%4) {
				body := v ^ byte(j%2*0xff) // v, ^v, v, ...: 0xFF often
				if wire = append(wire, body); body == IAC {
					wire = append(wire, IAC)
				}
			}
			wire = append(wire, IAC, SE)
		}
	}
	return enc.FinishCR(wire), user
}

func bytewise(in []byte) [][]byte { return chunked(in, 1) }

func chunked(in []byte, size int) [][]byte {
	var chunks [][]byte
	for len(in) > 0 {
		n := min(size, len(in))
		chunks = append(chunks, in[:n])
		in = in[n:]
	}
	return chunks
}
