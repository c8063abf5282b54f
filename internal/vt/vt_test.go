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

func TestStringsAndEscapesAreUnseen(t *testing.T) {
	s := New(20, 2)
	s.Write([]byte("a\x1b]0;title\x07b\x1b]11;?\x1b\\c\x1bPzz\x1b\\d\x1b(Be\x1b[?1$pf\x1b[>4;2mg\x1b="))
	s.Write([]byte("\x1b]52;c;"))
	s.Write([]byte("ZXZpbA==\x07h"))
	if got := s.Line(0); got != "abcdefgh" {
		t.Fatalf("got %q", got)
	}
}

func TestScrollRegionAndLines(t *testing.T) {
	s := New(5, 4)
	s.Write([]byte("a\r\nb\r\nc\r\nd\x1b[2;3r\x1b[3;1H\n")) // scroll rows 2-3 only
	if got := s.Lines(); len(got) != 4 || got[0] != "a" || got[1] != "c" || got[2] != "" || got[3] != "d" {
		t.Fatalf("scroll region: %q", got)
	}
	s.Write([]byte("\x1b[2;1H\x1bMx")) // reverse index at the top
	if got := s.Lines(); got[1] != "x" || got[2] != "c" || got[3] != "d" {
		t.Fatalf("reverse index: %q", got)
	}
	s.Write([]byte("\x1b[r\x1b[1;1H\x1b[L\x1b[4;1H\x1b[M"))
	if got := s.Lines(); len(got) != 3 || got[0] != "" || got[1] != "a" || got[2] != "x" {
		t.Fatalf("insert and delete lines: %q", got)
	}
	if s.Scrolled != 0 {
		t.Fatalf("scrolled %d rows off a region", s.Scrolled)
	}
}

func TestAlternateScreen(t *testing.T) {
	s := New(5, 3)
	s.Write([]byte("$ ls\r\n$ "))
	s.Write([]byte("\x1b[?1049h\x1b[Hless\x1b[3;1H:"))
	if got := s.Lines(); len(got) != 3 || got[0] != "less" || got[2] != ":" {
		t.Fatalf("alternate: %q", got)
	}
	s.Write([]byte("\x1b[?1049l"))
	if got := s.Lines(); len(got) != 2 || got[1] != "$" || s.X != 2 || s.Y != 1 {
		t.Fatalf("back: %s", s)
	}
	s.Write([]byte("\x1b7\x1b[3;3Hz\x1b8y"))
	if s.Line(1) != "$ y" || s.Line(2) != "  z" {
		t.Fatalf("save and restore: %s", s)
	}
}
