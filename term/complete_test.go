package term

import (
	"slices"
	"strings"
	"testing"
)

// completions is what Tab offers after line (cursor at its end), as whole
// words: what was typed plus each candidate's rest.
func completions(v vocabulary, line string) []string {
	cands, n := v.complete([]rune(line), len([]rune(line)))
	var out []string
	r := []rune(line)
	for _, c := range cands {
		out = append(out, string(r[len(r)-n:])+string(c))
	}
	return out
}

func TestCompletionCandidates(t *testing.T) {
	tests := []struct {
		proto, line string
		want        []string
	}{
		{"smtp", "EH", []string{"EHLO"}},
		{"smtp", "eh", []string{"ehlo"}}, // lower case typed, lower case completed
		{"smtp", "Eh", []string{"EhLO"}}, // (afterTab then spells it EHLO)
		{"smtp", "MA", []string{"MAIL FROM:"}},
		{"smtp", "mail f", []string{"mail from:"}},
		{"smtp", "RCPT TO:<a@b> ", nil}, // arguments are not completed
		{"smtp", "x", nil},
		{"smtp", "S", []string{"STARTTLS"}},
		{"smtp", "", []string{"HELO", "EHLO", "MAIL FROM:", "RCPT TO:", "DATA", "RSET", "VRFY", "EXPN", "HELP", "NOOP", "QUIT", "STARTTLS", "AUTH", "BDAT"}},
		{"http", "GE", []string{"GET"}},
		{"http", "ge", []string{"geT"}}, // methods are case-sensitive (afterTab makes it GET)
		{"http", "Ho", []string{"Host: "}},
		{"http", "ho", []string{"host: "}}, // header names take any case
		// The method keeps its case in the list; picked with Tab,
		// afterTab spells it CONNECT.
		{"http", "Con", []string{"ConNECT", "Connection: ", "Content-Type: ", "Content-Length: "}},
		{"http", "GET / HT", []string{"HTTP/1.0", "HTTP/1.1"}}, // the request line's third word
		{"http", "get / HT", nil},
		{"http", "Host: exa", nil},
		{"pop3", "r", []string{"retr", "rset"}},
		{"imap", "a1 LOG", []string{"LOGOUT", "LOGIN"}},
		{"imap", "a1 sel", []string{"select"}},
		{"imap", "LOG", nil}, // the first word is the tag
		{"imap", "a1 FETCH 1 ", nil},
		{"redis", "hge", []string{"hget", "hgetall"}},
		{"redis", "HGETA", []string{"HGETALL"}},
		{"memcached", "fl", []string{"flush_all"}},
		{"memcached", "GE", []string{"GEt", "GEts"}}, // case-sensitive: lower case
		{"irc", "PRIV", []string{"PRIVMSG"}},
		{"ftp", "PAS", []string{"PASS", "PASV"}},
	}
	for _, tt := range tests {
		v, ok := vocabularies[tt.proto]
		if !ok {
			t.Fatalf("no vocabulary %q", tt.proto)
		}
		got := completions(v, tt.line)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %q: got %q, want %q", tt.proto, tt.line, got, tt.want)
		}
	}
}

// Only a cursor at the end of a word completes.
func TestCompletionMidWord(t *testing.T) {
	v := vocabularies["smtp"]
	if cands, _ := v.complete([]rune("EHLO"), 2); cands != nil {
		t.Errorf("completed in the middle of a word: %q", cands)
	}
	if cands, n := v.complete([]rune("QU x"), 2); len(cands) != 1 || string(cands[0]) != "IT" || n != 2 {
		t.Errorf("before a space: %q, %d", cands, n)
	}
}

// afterTab spells a completed word the protocol's way.
func TestCompletionCanonical(t *testing.T) {
	tests := []struct {
		proto, before, want string
	}{
		{"http", "geT", "GET"},
		{"http", "GET", ""}, // already right
		{"smtp", "EhLO", "EHLO"},
		{"smtp", "ehlo", ""}, // lower case is fine where any case is
		{"smtp", "mail from:", ""},
		{"smtp", "Mail From:", "MAIL FROM:"},
		{"http", "HOst: ", "Host: "},
		{"http", "host: ", ""},
		{"memcached", "GEt", "get"},
		{"imap", "a1 Login", "a1 LOGIN"},
		{"smtp", "EHLO x", ""},
	}
	for _, tt := range tests {
		from, word, ok := vocabularies[tt.proto].canonical(tt.before)
		got := ""
		if ok {
			got = tt.before[:from] + word
		}
		if got != tt.want {
			t.Errorf("%s %q: got %q, want %q", tt.proto, tt.before, got, tt.want)
		}
	}
}

func TestEveryProtocolHasPortsAndWords(t *testing.T) {
	seen := map[string]bool{}
	for port := 1; port < 65536; port++ {
		if p := ProtocolForPort(port); p != "" {
			seen[p] = true
		}
	}
	for _, p := range Protocols() {
		if !seen[p] {
			t.Errorf("no port suggests %s", p)
		}
		v := vocabularies[p]
		for _, w := range v.verbs {
			if w != strings.TrimSpace(w) || w == "" {
				t.Errorf("%s: verb %q has spaces around it", p, w)
			}
		}
	}
	if got := strings.Join(Protocols(), ","); got != "ftp,http,imap,irc,memcached,pop3,redis,smtp" {
		t.Errorf("Protocols() = %s", got)
	}
}

func TestEscapePromptCompletion(t *testing.T) {
	v := escapeVocabulary()
	if got := completions(v, "st"); !slices.Equal(got, []string{"status", "starttls"}) {
		t.Errorf("st: %q", got)
	}
	if got := completions(v, "he"); !slices.Equal(got, []string{"hex", "help"}) {
		t.Errorf("he: %q", got)
	}
}
