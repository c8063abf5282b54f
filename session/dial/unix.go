package dial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// maxUnixPath is the longest path a unix socket address holds on Linux
// (sun_path is 108 bytes, one for the terminating NUL).
const maxUnixPath = 107

// UnixError is a failed connect to, or listen on, a unix socket (-U).
type UnixError struct {
	Op   string // "connect to" or "listen on"
	Path string // as the user gave it; "@name" is an abstract socket
	Err  error
}

func (e *UnixError) Error() string {
	return fmt.Sprintf("%s %s failed: %s", e.Op, e.Path, Strerror(e.Err))
}

func (e *UnixError) Unwrap() error { return e.Err }

// errNotSocket is connect's answer for a path that is a plain file: Linux
// says "Connection refused", which sends people looking for a server.
var errNotSocket = errors.New("not a socket")

// errNoAbstractListener is connect's answer for an abstract socket name
// that nobody listens on: Linux says "Connection refused", and an abstract
// socket has no file to blame.
var errNoAbstractListener = errors.New("nothing listens on that abstract socket name")

// errListening is a socket path that a live server already listens on.
var errListening = errors.New("another program is listening there")

// errNotStale is a path that exists and is not a socket; rawtalk removes
// only sockets nobody listens on.
var errNotStale = errors.New("the path exists and is not a socket")

// CheckUnixPath rejects a path no socket address can hold.
func CheckUnixPath(path string) error {
	switch {
	case path == "" || path == "@":
		return &ArgError{Arg: path, What: "socket path", Reason: "empty"}
	case len(path) > maxUnixPath:
		return &ArgError{Arg: path, What: "socket path", Reason: fmt.Sprintf("longer than %d bytes", maxUnixPath)}
	}
	return nil
}

// DialUnix connects to the stream socket at path (-U). A leading "@" names
// a Linux abstract socket, which has no file.
func DialUnix(ctx context.Context, path string, timeout time.Duration) (net.Conn, error) {
	if err := CheckUnixPath(path); err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "unix", path)
	if cause := canceled(ctx); cause != nil {
		if conn != nil {
			conn.Close()
		}
		return nil, cause
	}
	if err != nil {
		err = SystemError(err)
		switch {
		case IsErrno(err, syscall.ECONNREFUSED) && strings.HasPrefix(path, "@"):
			err = errNoAbstractListener
		case IsErrno(err, syscall.ECONNREFUSED) && !isSocketFile(path):
			err = errNotSocket
		}
		return nil, &UnixError{Op: "connect to", Path: path, Err: err}
	}
	return conn, nil
}

// ListenUnix listens on the stream socket at path (-l -U). A socket file
// left behind by a server that is gone is removed first (nc -lU fails on
// it, and Debian's nc removes whatever is at the path, even a plain file);
// a socket a live server listens on, and anything that is not a socket,
// are left alone. The file is removed again when the listener is closed.
func ListenUnix(path string) (*net.UnixListener, error) {
	if err := CheckUnixPath(path); err != nil {
		return nil, err
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err == nil {
		return ln, nil
	}
	err = SystemError(err)
	if !IsErrno(err, syscall.EADDRINUSE) || strings.HasPrefix(path, "@") {
		return nil, &UnixError{Op: "listen on", Path: path, Err: err}
	}
	if !isSocketFile(path) {
		return nil, &UnixError{Op: "listen on", Path: path, Err: errNotStale}
	}
	// Is anyone home? A refused connect means the socket is stale.
	probe, perr := net.DialTimeout("unix", path, time.Second)
	if perr == nil {
		probe.Close()
		return nil, &UnixError{Op: "listen on", Path: path, Err: errListening}
	}
	if !IsErrno(perr, syscall.ECONNREFUSED) {
		return nil, &UnixError{Op: "listen on", Path: path, Err: err}
	}
	if rerr := os.Remove(path); rerr != nil {
		return nil, &UnixError{Op: "listen on", Path: path, Err: unwrapPathError(rerr)}
	}
	ln, err = net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, &UnixError{Op: "listen on", Path: path, Err: SystemError(err)}
	}
	return ln, nil
}

func isSocketFile(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&os.ModeSocket != 0
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// NoSocket, Refused and NotStale classify a UnixError for hints.
func (e *UnixError) NoSocket() bool { return IsErrno(e.Err, syscall.ENOENT) }
func (e *UnixError) Refused() bool  { return IsErrno(e.Err, syscall.ECONNREFUSED) }
func (e *UnixError) NotStale() bool { return errors.Is(e.Err, errNotStale) }
func (e *UnixError) InUse() bool {
	return errors.Is(e.Err, errListening) || IsErrno(e.Err, syscall.EADDRINUSE)
}
func (e *UnixError) Denied() bool     { return IsErrno(e.Err, syscall.EACCES) }
func (e *UnixError) NotASocket() bool { return errors.Is(e.Err, errNotSocket) }

// Abstract tells a Linux abstract socket (@NAME), which has no file, from
// a path; NoListener is a connect to one that nobody listens on.
func (e *UnixError) Abstract() bool   { return strings.HasPrefix(e.Path, "@") }
func (e *UnixError) NoListener() bool { return errors.Is(e.Err, errNoAbstractListener) }
