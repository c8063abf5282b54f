package practice

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// mailboxMax is how many messages a mailbox keeps in memory; the oldest go
// first when more arrive.
const mailboxMax = 100

// Message is one mail in the practice mailbox: one of the starter
// messages, or one the SMTP server accepted.
type Message struct {
	ID   string   // the id in "250 2.0.0 Ok: queued as ID"; "" for a starter message
	UID  uint32   // the IMAP UID, also the base of the POP3 UIDL
	From string   // the MAIL FROM address, "" for <>
	To   []string // the RCPT TO addresses
	Data string   // the text after dot-unstuffing, each line ending in CRLF
}

// Text is the message as POP3 and IMAP give it: a mail that came in over
// SMTP gets the Return-Path line a real server adds at delivery, and an
// empty line before its text when the sender typed no headers.
func (m Message) Text() string {
	if m.ID == "" {
		return m.Data
	}
	text := m.Data
	if !startsWithHeader(text) {
		text = "\r\n" + text
	}
	return "Return-Path: <" + m.From + ">\r\n" + text
}

// startsWithHeader tells whether text begins with a "Name: value" line.
func startsWithHeader(text string) bool {
	name, _, ok := strings.Cut(text, ":")
	return ok && name != "" && !strings.ContainsAny(name, " \t\r\n")
}

// mailFlag is one IMAP system flag (RFC 3501 2.3.2), or a set of them as
// bits.
type mailFlag uint8

const (
	flagSeen mailFlag = 1 << iota
	flagAnswered
	flagFlagged
	flagDeleted
	flagDraft
)

// flagNames are the flags' IMAP names, in the order FLAGS lists them.
var flagNames = []struct {
	f    mailFlag
	name string
}{
	{flagAnswered, `\Answered`}, {flagFlagged, `\Flagged`}, {flagDeleted, `\Deleted`},
	{flagSeen, `\Seen`}, {flagDraft, `\Draft`},
}

// String is the flags as an IMAP list: "(\Seen \Deleted)".
func (f mailFlag) String() string {
	var names []string
	for _, n := range flagNames {
		if f&n.f != 0 {
			names = append(names, n.name)
		}
	}
	return "(" + strings.Join(names, " ") + ")"
}

// Mailbox is the practice mail store, in memory only: SMTP delivers into
// it, POP3 and IMAP read it. In the lab one Mailbox is shared, so mail sent
// with SMTP can be read back with POP3 or IMAP.
type Mailbox struct {
	mu       sync.Mutex
	accepted int // messages SMTP accepted so far, the source of ids
	nextUID  uint32
	msgs     []Message           // oldest first
	flags    map[uint32]mailFlag // by UID
}

// newMailbox returns a mailbox holding the starter messages.
func newMailbox() *Mailbox {
	m := &Mailbox{nextUID: 1, flags: make(map[uint32]mailFlag)}
	for _, data := range starterMessages {
		m.store(Message{Data: strings.ReplaceAll(data, "\n", "\r\n")})
	}
	return m
}

// Count is the number of messages SMTP accepted so far.
func (m *Mailbox) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.accepted
}

// Messages returns the messages in the mailbox, oldest first.
func (m *Mailbox) Messages() []Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.msgs)
}

// add stores a message SMTP accepted, gives it an id and returns the id.
func (m *Mailbox) add(msg Message) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.accepted++
	msg.ID = fmt.Sprintf("%08X", m.accepted)
	m.store(msg)
	return msg.ID
}

// store appends msg with the next UID; the caller holds mu or owns m.
func (m *Mailbox) store(msg Message) {
	msg.UID = m.nextUID
	m.nextUID++
	m.msgs = append(m.msgs, msg)
	if len(m.msgs) > mailboxMax {
		for _, old := range m.msgs[:len(m.msgs)-mailboxMax] {
			delete(m.flags, old.UID)
		}
		m.msgs = slices.Clone(m.msgs[len(m.msgs)-mailboxMax:])
	}
}

// since returns the messages with a UID of at least uid, oldest first:
// what arrived after a client last looked.
func (m *Mailbox) since(uid uint32) []Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, _ := slices.BinarySearchFunc(m.msgs, uid, func(msg Message, uid uint32) int {
		return int(int64(msg.UID) - int64(uid))
	})
	return slices.Clone(m.msgs[i:])
}

// uidNext is the UID the next message will get.
func (m *Mailbox) uidNext() uint32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.nextUID
}

// flagsOf returns the IMAP flags of the message with uid.
func (m *Mailbox) flagsOf(uid uint32) mailFlag {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.flags[uid]
}

// setFlags changes the flags of the message with uid: add, then remove.
// It returns the flags after the change.
func (m *Mailbox) setFlags(uid uint32, add, remove mailFlag) mailFlag {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := (m.flags[uid] | add) &^ remove
	if f == 0 {
		delete(m.flags, uid)
	} else {
		m.flags[uid] = f
	}
	return f
}

// remove deletes the messages with the given UIDs (POP3's QUIT after
// DELE, IMAP's EXPUNGE). UIDs already gone are ignored.
func (m *Mailbox) remove(uids []uint32) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = slices.DeleteFunc(m.msgs, func(msg Message) bool { return slices.Contains(uids, msg.UID) })
	for _, uid := range uids {
		delete(m.flags, uid)
	}
}

// starterMessages are in every new mailbox, so that POP3 and IMAP have
// something to read before any mail is sent. The second shows
// dot-stuffing: its lines that start with a dot travel with two.
var starterMessages = []string{
	`From: rawtalk practice <teacher@localhost>
To: student@localhost
Subject: Welcome to the practice mailbox
Date: Tue, 25 Nov 2025 09:00:00 +0000
Message-ID: <welcome@rawtalk.practice>

Hello!

This mailbox lives in the memory of rawtalk's practice servers. Read it
by hand with POP3 (RETR 1) or IMAP (a3 FETCH 1 BODY[]). Mail you send to
the practice SMTP server in the same lab arrives here too.

Nothing you do here reaches the internet.
`,
	`From: rawtalk practice <teacher@localhost>
To: student@localhost
Subject: Lines that start with a dot
Date: Tue, 25 Nov 2025 09:05:00 +0000
Message-ID: <dots@rawtalk.practice>

In POP3 and SMTP a line with only a dot ends a message. So a line of
the message that starts with a dot is sent with one more dot, and the
reader takes it away again. The next three lines start with a dot:
.profile
...
.
Look at them in RETR 2: each has one dot more than here.
`,
	`From: Cafeteria <lunch@localhost>
To: student@localhost
Subject: Lunch menu
Date: Tue, 25 Nov 2025 11:30:00 +0000
Message-ID: <lunch@rawtalk.practice>

Monday: soup
Tuesday: pasta
Wednesday: curry
Thursday: fish
Friday: pizza

TOP 3 2 shows the headers and only the first 2 lines of this text.
`,
}
