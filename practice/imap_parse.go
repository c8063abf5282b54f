package practice

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// validTag tells whether tag can start an IMAP command: a non-empty atom
// without "+" (RFC 3501 9, tag).
func validTag(tag string) bool {
	if tag == "" || tag == "*" {
		return false
	}
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\+]`, c) >= 0 {
			return false
		}
	}
	return true
}

// imapArgs splits a command's arguments: atoms, "quoted strings" (returned
// without their quotes and escapes), and parenthesized lists or bracketed
// sections kept whole, as in BODY.PEEK[HEADER] or (FLAGS UID).
func imapArgs(s string) ([]string, error) {
	var args []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ':
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			if j == len(s) {
				return nil, errors.New(`a quoted string has no closing "`)
			}
			args = append(args, b.String())
			i = j + 1
		default:
			depth, j := 0, i
		word:
			for ; j < len(s); j++ {
				switch s[j] {
				case '(', '[':
					depth++
				case ')', ']':
					depth--
				case ' ':
					if depth <= 0 {
						break word
					}
				}
			}
			if depth > 0 {
				return nil, fmt.Errorf("%q has an unclosed ( or [", s[i:j])
			}
			args = append(args, s[i:j])
			i = j
		}
	}
	return args, nil
}

// quoteIMAP makes s an IMAP quoted string.
func quoteIMAP(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// unparen takes the parentheses off a list: "(A B)" gives ["A", "B"]; a
// bare item gives itself.
func unparen(s string) ([]string, error) {
	if inner, ok := strings.CutPrefix(s, "("); ok {
		inner, ok = strings.CutSuffix(inner, ")")
		if !ok {
			return nil, fmt.Errorf("%q has no closing )", s)
		}
		return imapArgs(inner)
	}
	return []string{s}, nil
}

// messageSet resolves a sequence set such as 1, 2:4, 3:*, 1,5 to indexes
// into msgs. With byUID the numbers are UIDs, and UIDs that no message has
// are skipped, as RFC 3501 6.4.8 says; a sequence number past the end is
// an error.
func messageSet(set string, msgs []Message, byUID bool) ([]int, error) {
	if len(msgs) == 0 && !byUID {
		return nil, errors.New("the mailbox is empty; there is no message to name")
	}
	last := uint32(len(msgs))
	if byUID && len(msgs) > 0 {
		last = msgs[len(msgs)-1].UID
	}
	number := func(s string) (uint32, error) {
		if s == "*" {
			return last, nil
		}
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil || n == 0 {
			return 0, fmt.Errorf("%q is not a message number: use 1, 2:4, 3:* or 1,5", s)
		}
		if !byUID && uint32(n) > last {
			return 0, fmt.Errorf("no message %d; there are %s", n, plural(len(msgs), "message"))
		}
		return uint32(n), nil
	}
	var picked []int
	for part := range strings.SplitSeq(set, ",") {
		loStr, hiStr, isRange := strings.Cut(part, ":")
		lo, err := number(loStr)
		if err != nil {
			return nil, err
		}
		hi := lo
		if isRange {
			if hi, err = number(hiStr); err != nil {
				return nil, err
			}
		}
		if lo > hi {
			lo, hi = hi, lo
		}
		for i, m := range msgs {
			n := uint32(i + 1)
			if byUID {
				n = m.UID
			}
			if n >= lo && n <= hi && !slices.Contains(picked, i) {
				picked = append(picked, i)
			}
		}
	}
	slices.Sort(picked)
	return picked, nil
}

// fetchItems lists the FETCH data items this server gives.
const fetchItems = "FLAGS, UID, RFC822.SIZE, BODY[], BODY[HEADER], BODY[TEXT] (BODY.PEEK[...] leaves \\Seen alone)"

// fetchItem is one FETCH data item, understood.
type fetchItem struct {
	name    string // how the answer names it: FLAGS, BODY[HEADER], ...
	section string // for a body part: "", "HEADER" or "TEXT"
	body    bool   // a part of the message's text
	seen    bool   // reading it sets \Seen (not PEEK, not RFC822.HEADER)
}

// parseFetchItems reads FETCH's item list: one item or a parenthesized
// list.
func parseFetchItems(arg string) ([]fetchItem, error) {
	names, err := unparen(arg)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("FETCH needs at least one item, as in: FETCH 1 (FLAGS BODY[])")
	}
	var items []fetchItem
	for _, n := range names {
		up := strings.ToUpper(n)
		switch up {
		case "FLAGS", "UID", "RFC822.SIZE":
			items = append(items, fetchItem{name: up})
			continue
		case "RFC822":
			items = append(items, fetchItem{name: up, body: true, seen: true})
			continue
		case "RFC822.HEADER":
			items = append(items, fetchItem{name: up, section: "HEADER", body: true})
			continue
		case "RFC822.TEXT":
			items = append(items, fetchItem{name: up, section: "TEXT", body: true, seen: true})
			continue
		}
		rest, peek := strings.CutPrefix(up, "BODY.PEEK[")
		if !peek {
			var ok bool
			if rest, ok = strings.CutPrefix(up, "BODY["); !ok {
				return nil, fmt.Errorf("this practice server does not fetch %s; it fetches %s", n, fetchItems)
			}
		}
		section, ok := strings.CutSuffix(rest, "]")
		if !ok || (section != "" && section != "HEADER" && section != "TEXT") {
			return nil, fmt.Errorf("this practice server does not fetch %s; it fetches %s", n, fetchItems)
		}
		items = append(items, fetchItem{name: "BODY[" + section + "]", section: section, body: true, seen: !peek})
	}
	return items, nil
}

// bodySection is the part of a message's text a FETCH item names: all of
// it, the header (with the empty line that ends it), or the text after.
func bodySection(text, section string) string {
	end := strings.Index(text, "\r\n\r\n")
	switch {
	case section == "":
		return text
	case end < 0 && section == "HEADER":
		return text
	case end < 0:
		return ""
	case section == "HEADER":
		return text[:end+4]
	}
	return text[end+4:]
}

// parseFlags reads STORE's flags: a parenthesized list or bare flags.
func parseFlags(args []string) (mailFlag, error) {
	var names []string
	for _, a := range args {
		items, err := unparen(a)
		if err != nil {
			return 0, err
		}
		names = append(names, items...)
	}
	var f mailFlag
flagNamesLoop:
	for _, name := range names {
		for _, n := range flagNames {
			if strings.EqualFold(name, n.name) {
				f |= n.f
				continue flagNamesLoop
			}
		}
		if strings.EqualFold(name, `\Recent`) {
			return 0, errors.New(`\Recent is set by the server; it cannot be stored`)
		}
		return 0, fmt.Errorf("unknown flag %q; the flags are %s", name, allFlags)
	}
	return f, nil
}

// allFlags lists every flag this server keeps.
var allFlags = mailFlag(flagSeen | flagAnswered | flagFlagged | flagDeleted | flagDraft).String()

// searchKeys are the SEARCH criteria this server knows: each names a flag
// and whether a message must have it.
var searchKeys = map[string]struct {
	f    mailFlag
	want bool
}{
	"SEEN": {flagSeen, true}, "UNSEEN": {flagSeen, false},
	"DELETED": {flagDeleted, true}, "UNDELETED": {flagDeleted, false},
	"FLAGGED": {flagFlagged, true}, "UNFLAGGED": {flagFlagged, false},
	"ANSWERED": {flagAnswered, true}, "UNANSWERED": {flagAnswered, false},
	"DRAFT": {flagDraft, true}, "UNDRAFT": {flagDraft, false},
}

// matchMailboxName matches an IMAP LIST pattern, where * and % match any
// run of characters (INBOX has no hierarchy, so they are the same here).
// It is the classic greedy wildcard match: linear, whatever the pattern.
func matchMailboxName(pattern, name string) bool {
	p, n := 0, 0
	star, mark := -1, 0 // the last wildcard seen, and where its match ends
	for n < len(name) {
		switch {
		case p < len(pattern) && (pattern[p] == '*' || pattern[p] == '%'):
			star, mark = p, n
			p++
		case p < len(pattern) && strings.EqualFold(pattern[p:p+1], name[n:n+1]):
			p++
			n++
		case star >= 0:
			p, mark = star+1, mark+1
			n = mark
		default:
			return false
		}
	}
	for p < len(pattern) && (pattern[p] == '*' || pattern[p] == '%') {
		p++
	}
	return p == len(pattern)
}
