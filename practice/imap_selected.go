package practice

import (
	"fmt"
	"slices"
	"strings"
)

// The IMAP commands of the selected state: FETCH, STORE, SEARCH and
// EXPUNGE over the messages of the selected INBOX.

// fetch is FETCH set items (or UID FETCH).
func (ic *imapConn) fetch(name string, args []string, byUID bool) (string, string) {
	if len(args) < 2 {
		return "BAD", name + " needs messages and items, as in: " + name + " 1 (FLAGS BODY[])"
	}
	picked, err := messageSet(args[0], ic.msgs, byUID)
	if err != nil {
		return "BAD", err.Error()
	}
	items, err := parseFetchItems(strings.Join(args[1:], " "))
	if err != nil {
		return "BAD", err.Error()
	}
	for _, i := range picked {
		ic.fetchOne(i, items, byUID)
	}
	return "OK", name + " completed"
}

// fetchOne writes one "* N FETCH (...)" line with its literals.
func (ic *imapConn) fetchOne(i int, items []fetchItem, byUID bool) {
	m := ic.msgs[i]
	text := m.Text()
	flags := ic.s.mail.flagsOf(m.UID)
	setsSeen := false
	for _, it := range items {
		setsSeen = setsSeen || it.seen
	}
	if setsSeen && !ic.readOnly && flags&flagSeen == 0 {
		flags = ic.s.mail.setFlags(m.UID, flagSeen, 0)
	} else {
		setsSeen = false // nothing changed, so no FLAGS to report unasked
	}
	var parts []string
	hasItem := func(name string) bool {
		return slices.ContainsFunc(items, func(it fetchItem) bool { return it.name == name })
	}
	if byUID && !hasItem("UID") {
		parts = append(parts, fmt.Sprintf("UID %d", m.UID))
	}
	for _, it := range items {
		switch {
		case it.name == "FLAGS":
			parts = append(parts, "FLAGS "+flags.String())
		case it.name == "UID":
			parts = append(parts, fmt.Sprintf("UID %d", m.UID))
		case it.name == "RFC822.SIZE":
			parts = append(parts, fmt.Sprintf("RFC822.SIZE %d", len(text)))
		case it.body:
			data := bodySection(text, it.section)
			parts = append(parts, fmt.Sprintf("%s {%d}\r\n%s", it.name, len(data), data))
		}
	}
	if setsSeen && !hasItem("FLAGS") {
		parts = append(parts, "FLAGS "+flags.String())
	}
	ic.untagged("%d FETCH (%s)", i+1, strings.Join(parts, " "))
}

// store is STORE set [+|-]FLAGS[.SILENT] flags (or UID STORE).
func (ic *imapConn) store(name string, args []string, byUID bool) (string, string) {
	if len(args) < 3 {
		return "BAD", name + ` needs messages, what to do and flags, as in: ` + name + ` 1 +FLAGS (\Seen)`
	}
	picked, err := messageSet(args[0], ic.msgs, byUID)
	if err != nil {
		return "BAD", err.Error()
	}
	op := strings.ToUpper(args[1])
	silent := strings.HasSuffix(op, ".SILENT")
	op = strings.TrimSuffix(op, ".SILENT")
	if op != "FLAGS" && op != "+FLAGS" && op != "-FLAGS" {
		return "BAD", fmt.Sprintf("%q is not FLAGS, +FLAGS or -FLAGS (each may end in .SILENT)", args[1])
	}
	f, err := parseFlags(args[2:])
	if err != nil {
		return "BAD", err.Error()
	}
	if ic.readOnly {
		return "NO", "the mailbox is read-only (opened with EXAMINE); SELECT INBOX to change flags"
	}
	for _, i := range picked {
		uid := ic.msgs[i].UID
		var now mailFlag
		switch op {
		case "FLAGS":
			now = ic.s.mail.setFlags(uid, f, ^f)
		case "+FLAGS":
			now = ic.s.mail.setFlags(uid, f, 0)
		default:
			now = ic.s.mail.setFlags(uid, 0, f)
		}
		if !silent {
			uidPart := ""
			if byUID {
				uidPart = fmt.Sprintf("UID %d ", uid)
			}
			ic.untagged("%d FETCH (%sFLAGS %s)", i+1, uidPart, now)
		}
	}
	return "OK", name + " completed"
}

// search is SEARCH criteria (or UID SEARCH): ALL, or flags, all of which
// must match.
func (ic *imapConn) search(name string, args []string, byUID bool) (string, string) {
	if len(args) == 0 {
		return "BAD", name + " needs a criterion, as in: " + name + " ALL"
	}
	if strings.EqualFold(args[0], "CHARSET") && len(args) >= 2 {
		args = args[2:]
	}
	var keys []string
	for _, a := range args {
		up := strings.ToUpper(a)
		if _, ok := searchKeys[up]; !ok && up != "ALL" {
			return "BAD", fmt.Sprintf("this practice server does not search by %q; it knows ALL, SEEN, UNSEEN, DELETED, UNDELETED, FLAGGED, UNFLAGGED, ANSWERED, UNANSWERED, DRAFT, UNDRAFT", a)
		}
		keys = append(keys, up)
	}
	found := "SEARCH"
	for i, m := range ic.msgs {
		flags := ic.s.mail.flagsOf(m.UID)
		match := true
		for _, k := range keys {
			if key, ok := searchKeys[k]; ok && (flags&key.f != 0) != key.want {
				match = false
			}
		}
		if match {
			n := uint32(i + 1)
			if byUID {
				n = m.UID
			}
			found += fmt.Sprintf(" %d", n)
		}
	}
	ic.untagged("%s", found)
	return "OK", name + " completed"
}

// expunge removes the messages flagged \Deleted, telling the client each
// one's sequence number if tell (EXPUNGE does, CLOSE does not).
func (ic *imapConn) expunge(tell bool) int {
	var gone []uint32
	for i := 0; i < len(ic.msgs); {
		uid := ic.msgs[i].UID
		if ic.s.mail.flagsOf(uid)&flagDeleted == 0 {
			i++
			continue
		}
		gone = append(gone, uid)
		ic.msgs = slices.Delete(ic.msgs, i, i+1)
		if tell {
			ic.untagged("%d EXPUNGE", i+1)
		}
	}
	ic.s.mail.remove(gone)
	return len(gone)
}

// announceNewMail adds the mail that arrived since the client last looked
// (SMTP in the lab) and says so with EXISTS, as RFC 3501 7.3.1 has it.
func (ic *imapConn) announceNewMail() {
	if !ic.selected {
		return
	}
	fresh := ic.s.mail.since(ic.lastUID + 1)
	if len(fresh) == 0 {
		return
	}
	ic.msgs = append(ic.msgs, fresh...)
	ic.lastUID = fresh[len(fresh)-1].UID
	ic.untagged("%d EXISTS", len(ic.msgs))
}
