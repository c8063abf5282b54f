package term

import (
	"slices"
	"sort"
	"strings"
	"unicode"
)

// vocabulary is what Tab completes for one protocol.
type vocabulary struct {
	// verbs are the commands, completed at the start of a line. A verb
	// may hold a space ("MAIL FROM:"); the line so far must be its prefix.
	verbs []string
	// caseSensitive: the server wants the verbs in exactly this case
	// (HTTP methods, memcached); the others take any case.
	caseSensitive bool
	// headers are completed at the start of a line too (HTTP). They take
	// any case.
	headers []string
	// tagged: the command is the second word, after a tag (IMAP's "a1").
	tagged bool
	// versions complete the third word of a line that starts with a verb
	// (HTTP's request line).
	versions []string
}

// vocabularies are the protocols --proto knows, by name.
var vocabularies = map[string]vocabulary{
	"http": {
		verbs:         []string{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"},
		caseSensitive: true,
		headers: []string{"Host: ", "User-Agent: ", "Accept: ", "Accept-Encoding: ", "Accept-Language: ",
			"Connection: ", "Content-Type: ", "Content-Length: ", "Cookie: ", "Authorization: ",
			"Cache-Control: ", "If-Modified-Since: ", "If-None-Match: ", "Range: ", "Referer: ",
			"Transfer-Encoding: ", "Upgrade: ", "Origin: "},
		versions: []string{"HTTP/1.0", "HTTP/1.1"},
	},
	"smtp": {verbs: []string{"HELO", "EHLO", "MAIL FROM:", "RCPT TO:", "DATA", "RSET", "VRFY", "EXPN",
		"HELP", "NOOP", "QUIT", "STARTTLS", "AUTH", "BDAT"}},
	"pop3": {verbs: []string{"USER", "PASS", "APOP", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET",
		"QUIT", "TOP", "UIDL", "CAPA", "STLS", "AUTH"}},
	"imap": {tagged: true, verbs: []string{"CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE",
		"LOGIN", "SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST",
		"LSUB", "STATUS", "APPEND", "CHECK", "CLOSE", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY",
		"MOVE", "UID", "IDLE", "NAMESPACE", "ENABLE", "ID", "UNSELECT"}},
	"redis": {verbs: []string{"PING", "ECHO", "AUTH", "HELLO", "SELECT", "QUIT", "GET", "SET", "SETNX",
		"SETEX", "GETSET", "GETDEL", "MGET", "MSET", "DEL", "UNLINK", "EXISTS", "EXPIRE", "TTL", "PERSIST",
		"KEYS", "SCAN", "TYPE", "RENAME", "INCR", "INCRBY", "DECR", "DECRBY", "APPEND", "STRLEN",
		"LPUSH", "RPUSH", "LPOP", "RPOP", "LRANGE", "LLEN", "LINDEX", "SADD", "SREM", "SMEMBERS",
		"SISMEMBER", "SCARD", "HSET", "HGET", "HGETALL", "HDEL", "HKEYS", "HVALS", "HEXISTS", "HINCRBY",
		"ZADD", "ZRANGE", "ZREM", "ZSCORE", "ZCARD", "ZRANK", "PUBLISH", "SUBSCRIBE", "UNSUBSCRIBE",
		"PSUBSCRIBE", "MULTI", "EXEC", "DISCARD", "WATCH", "INFO", "DBSIZE", "FLUSHDB", "FLUSHALL",
		"CONFIG", "CLIENT", "COMMAND", "MONITOR", "TIME"}},
	"memcached": {caseSensitive: true, verbs: []string{"get", "gets", "set", "add", "replace", "append",
		"prepend", "cas", "delete", "incr", "decr", "touch", "gat", "gats", "stats", "flush_all",
		"version", "verbosity", "quit"}},
	"irc": {verbs: []string{"NICK", "USER", "PASS", "CAP", "JOIN", "PART", "PRIVMSG", "NOTICE", "QUIT",
		"PING", "PONG", "MODE", "TOPIC", "NAMES", "LIST", "INVITE", "KICK", "WHO", "WHOIS", "WHOWAS",
		"AWAY", "MOTD", "LUSERS", "VERSION", "TIME", "OPER"}},
	"ftp": {verbs: []string{"USER", "PASS", "ACCT", "CWD", "CDUP", "QUIT", "PASV", "EPSV", "PORT", "EPRT",
		"TYPE", "MODE", "STRU", "RETR", "STOR", "STOU", "APPE", "ALLO", "REST", "RNFR", "RNTO", "ABOR",
		"DELE", "RMD", "MKD", "PWD", "LIST", "NLST", "SITE", "SYST", "STAT", "HELP", "NOOP", "FEAT",
		"OPTS", "AUTH", "SIZE", "MDTM", "MLSD", "MLST"}},
}

// Protocols are the names --proto takes, sorted.
func Protocols() []string {
	var names []string
	for name := range vocabularies {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// ProtocolForPort is the protocol usually spoken on port, or "".
func ProtocolForPort(port int) string {
	switch port {
	case 80, 443, 591, 8000, 8008, 8080, 8443, 8888:
		return "http"
	case 25, 465, 587, 2525:
		return "smtp"
	case 110, 995:
		return "pop3"
	case 143, 993:
		return "imap"
	case 6379:
		return "redis"
	case 11211:
		return "memcached"
	case 194, 6667, 6697:
		return "irc"
	case 21:
		return "ftp"
	}
	return ""
}

// escapeVocabulary is what Tab completes at the rawtalk> prompt: the
// command names, then the words some commands take.
func escapeVocabulary() vocabulary {
	var v vocabulary
	for _, c := range escapeCommands {
		if !slices.Contains(v.verbs, c.name) {
			v.verbs = append(v.verbs, c.name)
		}
	}
	return v
}

// escapeArguments are the fixed words after some escape commands.
var escapeArguments = map[string][]string{
	"eol":     {"crlf", "lf", "cr", "none"},
	"mode":    {"line", "character"},
	"hex":     {"on", "off"},
	"explain": {"on", "off"},
	"log":     {"off"},
}

// word is a completion candidate.
type word struct {
	text      string
	sensitive bool // the server wants exactly this case
}

// complete finds the words that can follow line[:pos]: readline's
// AutoCompleter contract. It returns the rest of each candidate and how
// many runes before the cursor they complete. Only a cursor at the end of
// a word completes. The rest follows the case of what was typed when that
// is all lower case and the word takes any case; else it is spelled the
// protocol's way (and afterTab corrects what was typed).
func (v vocabulary) complete(line []rune, pos int) ([][]rune, int) {
	if pos < len(line) && !unicode.IsSpace(line[pos]) {
		return nil, 0
	}
	typed, cands := v.candidates(string(line[:pos]))
	var out [][]rune
	for _, c := range cands {
		if len(c.text) < len(typed) || !strings.EqualFold(c.text[:len(typed)], typed) {
			continue
		}
		rest := c.text[len(typed):]
		if !c.sensitive && isLower(typed) {
			rest = strings.ToLower(rest)
		}
		out = append(out, []rune(rest))
	}
	return out, len([]rune(typed))
}

// candidates splits the text before the cursor into the part being
// completed and the words it may become.
func (v vocabulary) candidates(before string) (typed string, cands []word) {
	add := func(words []string, sensitive bool) {
		for _, w := range words {
			cands = append(cands, word{w, sensitive})
		}
	}
	switch {
	case v.tagged:
		tag, rest, ok := strings.Cut(before, " ")
		if !ok || tag == "" || strings.Contains(rest, " ") {
			return "", nil
		}
		add(v.verbs, v.caseSensitive)
		return rest, cands
	case len(v.versions) > 0 && strings.Count(before, " ") == 2:
		fields := strings.Split(before, " ")
		if slices.Contains(v.verbs, fields[0]) && fields[1] != "" {
			add(v.versions, true)
			return fields[2], cands
		}
		return "", nil
	}
	// The start of a line: verbs, and headers for HTTP. A verb may hold a
	// space ("MAIL FROM:"), so the whole line so far is what must match.
	spaces := strings.Count(before, " ")
	for _, w := range v.verbs {
		if strings.Count(w, " ") >= spaces {
			add([]string{w}, v.caseSensitive)
		}
	}
	for _, h := range v.headers {
		if strings.Count(h, " ") >= spaces {
			add([]string{h}, false)
		}
	}
	return before, cands
}

// canonical is the word typed (the text before the cursor, as candidates
// splits it) spelled the protocol's way, when it is one of the words in
// another case that should be corrected: always for a case-sensitive
// word, and for the others unless typed all in lower case.
func (v vocabulary) canonical(before string) (from int, spelled string, ok bool) {
	typed, cands := v.candidates(before)
	for _, c := range cands {
		for _, w := range []string{c.text, strings.TrimRight(c.text, " ")} {
			if typed == w || !strings.EqualFold(typed, w) {
				continue
			}
			if c.sensitive || !isLower(typed) {
				return len([]rune(before)) - len([]rune(typed)), w, true
			}
		}
	}
	return 0, "", false
}

// isLower reports whether s has letters and all of them are lower case.
func isLower(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.IsUpper(r) {
			return false
		}
		letters = letters || unicode.IsLetter(r)
	}
	return letters
}

// completer is readline's AutoCompleter for a session: the protocol's
// words, or the escape prompt's commands while it is up.
type completer struct{ s *Session }

func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	v, ok := c.s.vocabularyNow(line, pos)
	if !ok {
		return nil, 0
	}
	return v.complete(line, pos)
}

// vocabularyNow is what Tab completes now: the escape prompt's commands
// (and their arguments) while the prompt is up, else the protocol's words.
func (s *Session) vocabularyNow(line []rune, pos int) (vocabulary, bool) {
	if s.scr.escapePromptUp() {
		name, _, hasArg := strings.Cut(strings.TrimLeft(string(line[:pos]), " "), " ")
		if !hasArg {
			return escapeVocabulary(), true
		}
		if full, _, err := parseCommand(name); err == nil && escapeArguments[full] != nil {
			// Complete the argument: the verbs are "name word".
			v := vocabulary{}
			for _, arg := range escapeArguments[full] {
				v.verbs = append(v.verbs, name+" "+arg)
			}
			return v, true
		}
		return vocabulary{}, false
	}
	v, ok := vocabularies[s.opt.Proto]
	return v, ok
}

// afterTab spells a word Tab completed the protocol's way: "geT" (from
// "ge" and Tab) becomes "GET", since HTTP methods are case-sensitive.
// It runs as the editor's listener, after readline has completed.
func (s *Session) afterTab(line []rune, pos int) ([]rune, int, bool) {
	v, ok := s.vocabularyNow(line, pos)
	if !ok || (pos < len(line) && !unicode.IsSpace(line[pos])) {
		return nil, 0, false
	}
	from, spelled, ok := v.canonical(string(line[:pos]))
	if !ok {
		return nil, 0, false
	}
	out := append(append(append([]rune(nil), line[:from]...), []rune(spelled)...), line[pos:]...)
	return out, from + len([]rune(spelled)), true
}
