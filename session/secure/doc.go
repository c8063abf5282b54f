// Package secure is TLS for rawtalk: the checked client setup (CAs, client
// certificates, pins), handshakes whose failures are put in the user's
// words with a hint, the description of a TLS session for -v and status,
// STARTTLS's plain-text preambles (one file per protocol), and LiveConn,
// which upgrades a live interactive session in place.
package secure
