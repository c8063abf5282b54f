package telnet

import (
	"bytes"
	"testing"
)

func TestSendCommand(t *testing.T) {
	for name, want := range map[string][]byte{
		"ayt": {IAC, AYT}, "brk": {IAC, BRK}, "ip": {IAC, IP}, "ao": {IAC, AO},
		"ec": {IAC, EC}, "el": {IAC, EL}, "eof": {IAC, EOF}, "nop": {IAC, NOP},
		"synch": {IAC, DM}, "escape": {0x1d}, "AYT": {IAC, AYT},
	} {
		got, err := SendCommand(name)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("SendCommand(%q) = % x, %v; want % x", name, got, err, want)
		}
	}
	if len(Commands()) != 10 {
		t.Errorf("Commands lists %d names, want 10", len(Commands()))
	}
	got, _ := SendCommand("ayt")
	got[1] = 0
	if again, _ := SendCommand("ayt"); again[1] != AYT {
		t.Error("SendCommand returned its own table: a caller changed it")
	}
}

func TestSendCommandErrors(t *testing.T) {
	for name, want := range map[string]string{
		"bogus": `unknown send command "bogus"; known: ayt, brk, ip, ao, ec, el, eof, nop, synch, escape`,
		"":      "send what? one of: ayt, brk, ip, ao, ec, el, eof, nop, synch, escape",
	} {
		_, err := SendCommand(name)
		if err == nil || err.Error() != want {
			t.Errorf("SendCommand(%q) error = %v, want %q", name, err, want)
		}
	}
}

func TestNegotiating(t *testing.T) {
	for _, tt := range []struct {
		first []byte
		want  bool
	}{
		{b(IAC, DO, OptTTYPE), true},
		{b(IAC, WILL, OptEcho, "login"), true},
		{b(IAC, SB, OptTTYPE, ttypeSEND), true},
		{b(IAC, DONT), true},
		{b(IAC), false},
		{b(IAC, IAC, "binary"), false},
		{b(IAC, NOP), false},
		{b("220 smtp ready\r\n"), false},
		{nil, false},
	} {
		if got := Negotiating(tt.first); got != tt.want {
			t.Errorf("Negotiating(% x) = %v, want %v", tt.first, got, tt.want)
		}
	}
}
