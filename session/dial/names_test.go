package dial

import (
	"strings"
	"testing"
)

// ProxyKindNames, which the shell completion of -X offers, all parse, in
// any case, and reach every kind; the error for another word names them.
func TestProxyKindNamesParse(t *testing.T) {
	reached := map[ProxyKind]bool{}
	for _, name := range ProxyKindNames() {
		for _, spelled := range []string{name, strings.ToUpper(name)} {
			k, err := ParseProxyKind(spelled)
			if err != nil {
				t.Errorf("ParseProxyKind(%q): %v", spelled, err)
			}
			reached[k] = true
		}
	}
	for _, k := range []ProxyKind{SOCKS5, SOCKS4, HTTPConnect} {
		if !reached[k] {
			t.Errorf("no name in %q gives %v", ProxyKindNames(), k)
		}
	}
	_, err := ParseProxyKind("socks6")
	if err == nil {
		t.Fatal("ParseProxyKind(socks6): no error")
	}
	for _, name := range ProxyKindNames() {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not offer %q", err, name)
		}
	}
}

// ServiceNames, offered for PORT by the shell completion, each resolve
// from the built-in table, without the system's services database.
func TestServiceNamesResolveBuiltIn(t *testing.T) {
	names := ServiceNames()
	if len(names) < 20 {
		t.Fatalf("ServiceNames() has %d names", len(names))
	}
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			t.Errorf("%q listed twice", name)
		}
		seen[name] = true
		port, err := LookupPort(name)
		if err != nil || port == 0 {
			t.Errorf("LookupPort(%q) = %d, %v", name, port, err)
		}
	}
	for _, name := range []string{"http", "smtp", "imap", "redis"} {
		if !seen[name] {
			t.Errorf("ServiceNames() lacks %q", name)
		}
	}
}
