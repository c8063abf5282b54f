package quote

import (
	"errors"
	"fmt"
)

// Unescape turns typed text into bytes: backslash escapes give the bytes a
// keyboard cannot type (\r \n \t \e \0 \xNN \\), for the escape
// prompt's send and the scripts' sendraw.
func Unescape(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i == len(s) {
			return nil, errors.New(`a lone \ ends the text; write \\ for a backslash`)
		}
		switch s[i] {
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'e':
			out = append(out, 0x1b)
		case '0':
			out = append(out, 0)
		case '\\':
			out = append(out, '\\')
		case 'x':
			if i+2 >= len(s) {
				return nil, fmt.Errorf(`\x needs two hex digits`)
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return nil, fmt.Errorf(`\x needs two hex digits, not %q`, s[i+1:i+3])
			}
			out = append(out, hi<<4|lo)
			i += 2
		default:
			return nil, fmt.Errorf(`unknown escape \%c; use \r \n \t \e \0 \xNN or \\`, s[i])
		}
	}
	return out, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
