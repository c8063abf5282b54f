package term

import (
	"bytes"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		line, name, arg string
		err             error
	}{
		{"quit", "quit", "", nil},
		{"  q  ", "quit", "", nil},
		{"c", "close", "", nil},
		{"ce", "certs", "", nil},
		{"certs", "certs", "", nil},
		{"cl", "close", "", nil},
		{"st", "status", "", nil},
		{"stat", "status", "", nil},
		{"star", "starttls", "", nil},
		{"starttls mail.example", "starttls", "mail.example", nil},
		{"send a b  c", "send", "a b  c", nil},
		{"SEND x", "send", "x", nil},
		{"mode character", "mode", "character", nil},
		{"?", "help", "", nil},
		{"h", "help", "", nil},
		{"he", "", "", errAmbiguousCommand},
		{"hex", "hex", "", nil},
		{"hex off", "hex", "off", nil},
		{"l talk.log", "log", "talk.log", nil},
		{"log off", "log", "off", nil},
		{"s", "", "", errAmbiguousCommand},
		{"e", "", "", errAmbiguousCommand},
		{"eo", "", "", errAmbiguousCommand},
		{"eol lf", "eol", "lf", nil},
		{"bogus", "", "", errInvalidCommand},
		{"quitx", "", "", errInvalidCommand},
	}
	for _, tt := range tests {
		name, arg, err := parseCommand(tt.line)
		if name != tt.name || arg != tt.arg || err != tt.err {
			t.Errorf("parseCommand(%q) = %q, %q, %v; want %q, %q, %v", tt.line, name, arg, err, tt.name, tt.arg, tt.err)
		}
	}
}

func TestParseSendText(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{`hello`, "hello", ""},
		{`a\r\n`, "a\r\n", ""},
		{`\t\e\0\\`, "\t\x1b\x00\\", ""},
		{`\x41\xff\x0a`, "A\xff\n", ""},
		{`\x4`, "", `\x needs two hex digits`},
		{`\xzz`, "", `\x needs two hex digits, not "zz"`},
		{`\q`, "", `unknown escape \q; use \r \n \t \e \0 \xNN or \\`},
		{`end\`, "", `a lone \ ends the text; write \\ for a backslash`},
	}
	for _, tt := range tests {
		got, err := parseSendText(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("parseSendText(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("parseSendText(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseSendText(f *testing.F) {
	for _, s := range []string{`a\r\n`, `\x41`, `\`, `\x`, `\q`, `\\\0`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseSendText(s)
		if err != nil {
			return
		}
		// Text without backslashes is sent as it is.
		if !bytes.ContainsRune([]byte(s), '\\') && string(got) != s {
			t.Fatalf("%q became %q", s, got)
		}
		if len(got) > len(s) {
			t.Fatalf("%q grew to %q", s, got)
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"quit", "st", "send x", "?", "", "mode c", "e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, _, err := parseCommand(s)
		if (err == nil) == (name == "") {
			t.Fatalf("parseCommand(%q) = %q, %v", s, name, err)
		}
	})
}
