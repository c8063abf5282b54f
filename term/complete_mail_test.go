package term

import (
	"slices"
	"strings"
	"testing"
)

// Tab knows every command the practice POP3 and IMAP servers take, so a
// student of --demo pop3 or imap can complete each one.
func TestCompletionKnowsPracticeMailCommands(t *testing.T) {
	for _, tc := range []struct {
		proto, prefix string
		commands      string
	}{
		{"pop3", "", "USER PASS STAT LIST RETR DELE RSET TOP UIDL CAPA NOOP QUIT"},
		{"imap", "a1 ", "CAPABILITY LOGIN LIST SELECT EXAMINE FETCH STORE SEARCH UID EXPUNGE CLOSE NOOP LOGOUT"},
	} {
		v := vocabularies[tc.proto]
		for _, cmd := range strings.Fields(tc.commands) {
			want := strings.ToLower(cmd)
			typed := tc.prefix + want[:len(want)-1] // all but the last letter
			if got := completions(v, typed); !slices.Contains(got, want) {
				t.Errorf("%s %q: got %q, want %s among them", tc.proto, typed, got, want)
			}
		}
	}
}

// The escape prompt completes explain and its words.
func TestEscapePromptCompletesExplain(t *testing.T) {
	if got := completions(escapeVocabulary(), "ex"); !slices.Equal(got, []string{"explain"}) {
		t.Errorf("ex: %q", got)
	}
	if got := escapeArguments["explain"]; !slices.Equal(got, []string{"on", "off"}) {
		t.Errorf("explain's words: %q", got)
	}
	if name, _, err := parseCommand("expl on"); name != "explain" || err != nil {
		t.Errorf("expl: %q, %v", name, err)
	}
}
