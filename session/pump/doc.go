// Package pump moves the bytes of a session: piped mode's two copy loops
// (Pipe), kept to plain io.Copy so that Linux splice and sendfile apply;
// the idle limits (-w, -i); and Layer, through which every wrapper of a
// connection keeps the abilities of the connection under it (half-close,
// the socket for telnet's urgent data).
package pump
