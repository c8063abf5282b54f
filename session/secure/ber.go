package secure

// ber is one BER element: its tag byte and its contents.
type ber struct {
	tag     byte
	content []byte
}

// readBER reads one whole BER element (an LDAP message) from the server,
// up to 64 KiB.
func (d *dialogue) readBER(waiting string) (ber, error) {
	var head [2]byte
	if err := d.readFull(head[:], waiting); err != nil {
		return ber{}, err
	}
	length := int(head[1])
	if head[1]&0x80 != 0 {
		n := int(head[1] & 0x7f)
		if n == 0 || n > 3 {
			return ber{}, d.fail(nil, d.protoHint(), "not ldap: %s answered with a bad BER length", d.peer)
		}
		b := make([]byte, n)
		if err := d.readFull(b, waiting); err != nil {
			return ber{}, err
		}
		length = 0
		for _, x := range b {
			length = length<<8 | int(x)
		}
	}
	if length > 64<<10 {
		return ber{}, d.fail(nil, d.protoHint(), "not ldap: %s announced a %d-byte answer", d.peer, length)
	}
	content := make([]byte, length)
	if err := d.readFull(content, waiting); err != nil {
		return ber{}, err
	}
	return ber{tag: head[0], content: content}, nil
}

// berNext splits the first BER element off b.
func berNext(b []byte) (el ber, rest []byte, ok bool) {
	if len(b) < 2 {
		return ber{}, nil, false
	}
	tag, length, b := b[0], int(b[1]), b[2:]
	if length&0x80 != 0 {
		n := length & 0x7f
		if n == 0 || n > 3 || len(b) < n {
			return ber{}, nil, false
		}
		length = 0
		for _, x := range b[:n] {
			length = length<<8 | int(x)
		}
		b = b[n:]
	}
	if len(b) < length {
		return ber{}, nil, false
	}
	return ber{tag: tag, content: b[:length]}, b[length:], true
}
