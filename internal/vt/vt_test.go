package vt

import "testing"

func TestScreen(t *testing.T) {
	s := New(10, 3)
	s.Write([]byte("hello\r\nwor"))
	s.Write([]byte("ld\x1b[2K\rok\x1b[1;31m!\x1b[0m"))
	if got := s.Lines(); len(got) != 2 || got[0] != "hello" || got[1] != "ok!" {
		t.Fatalf("got %q", got)
	}
	if s.X != 3 || s.Y != 1 {
		t.Fatalf("cursor at %d,%d", s.X, s.Y)
	}
	s.Write([]byte("\r\n世界🙂x\b\b\b"))
	if s.Line(2) != "世界🙂x" || s.X != 4 {
		t.Fatalf("wide: %q cursor %d", s.Line(2), s.X)
	}
	s.Write([]byte("\r\n0123456789ab"))
	if s.Line(1) != "0123456789" || s.Line(2) != "ab" || s.Scrolled != 2 {
		t.Fatalf("wrap: %s", s)
	}
}

func TestInsertDeleteErase(t *testing.T) {
	s := New(10, 1)
	s.Write([]byte("abdef\x1b[3D\x1b[1@c"))
	if s.Line(0) != "abcdef" || s.X != 3 {
		t.Fatalf("insert: %s", s)
	}
	s.Write([]byte("\x1b[2P"))
	if s.Line(0) != "abcf" {
		t.Fatalf("delete: %s", s)
	}
	s.Write([]byte("\r\x1b[2X"))
	if s.Line(0) != "  cf" || s.X != 0 {
		t.Fatalf("erase: %s", s)
	}
}
