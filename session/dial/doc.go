// Package dial reaches the peer and waits for one: it owns the address
// arguments (the one host:port parser, ports and service names), name
// lookups, connecting address after address, proxies (SOCKS5, SOCKS4,
// HTTP CONNECT), UDP conversations, unix sockets and listening. Its errors
// (ArgError, ConnectError, HostError, ...) carry the facts for rawtalk's
// messages, with system errors in C's words (Strerror).
package dial
