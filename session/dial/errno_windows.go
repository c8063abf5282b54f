package dial

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// errnosDiffer is true: Winsock has its own numbers.
const errnosDiffer = true

// posixErrors names Windows' socket and pipe errors as POSIX does, so that
// IsErrno's checks and Strerror's words ("Connection refused", not
// "connectex: No connection could be made because the target machine
// actively refused it" or Wine's "Winapi error #10061") are the same as on
// Unix.
var posixErrors = map[syscall.Errno]syscall.Errno{
	windows.WSAECONNREFUSED:    syscall.ECONNREFUSED,
	windows.WSAEADDRINUSE:      syscall.EADDRINUSE,
	windows.WSAETIMEDOUT:       syscall.ETIMEDOUT,
	windows.WSAECONNRESET:      syscall.ECONNRESET,
	windows.WSAECONNABORTED:    syscall.ECONNABORTED,
	windows.WSAEHOSTUNREACH:    syscall.EHOSTUNREACH,
	windows.WSAENETUNREACH:     syscall.ENETUNREACH,
	windows.WSAENETDOWN:        syscall.ENETDOWN,
	windows.WSAENETRESET:       syscall.ENETRESET,
	windows.WSAEHOSTDOWN:       syscall.EHOSTDOWN,
	windows.WSAEADDRNOTAVAIL:   syscall.EADDRNOTAVAIL,
	windows.WSAEAFNOSUPPORT:    syscall.EAFNOSUPPORT,
	windows.WSAEACCES:          syscall.EACCES,
	windows.WSAEINVAL:          syscall.EINVAL,
	windows.WSAEMFILE:          syscall.EMFILE,
	windows.WSAENOBUFS:         syscall.ENOBUFS,
	windows.WSAEMSGSIZE:        syscall.EMSGSIZE,
	windows.WSAENOTCONN:        syscall.ENOTCONN,
	windows.WSAEISCONN:         syscall.EISCONN,
	windows.WSAESHUTDOWN:       syscall.ESHUTDOWN,
	windows.WSAEINPROGRESS:     syscall.EINPROGRESS,
	windows.WSAEALREADY:        syscall.EALREADY,
	windows.WSAEWOULDBLOCK:     syscall.EAGAIN,
	windows.WSAEPROTOTYPE:      syscall.EPROTOTYPE,
	windows.WSAEPROTONOSUPPORT: syscall.EPROTONOSUPPORT,
	windows.WSAEOPNOTSUPP:      syscall.EOPNOTSUPP,

	// What overlapped socket calls report instead of the WSAE codes.
	windows.ERROR_CONNECTION_REFUSED:  syscall.ECONNREFUSED,
	windows.ERROR_PORT_UNREACHABLE:    syscall.ECONNREFUSED,
	windows.ERROR_HOST_UNREACHABLE:    syscall.EHOSTUNREACH,
	windows.ERROR_NETWORK_UNREACHABLE: syscall.ENETUNREACH,
	windows.ERROR_CONNECTION_ABORTED:  syscall.ECONNABORTED,
	windows.ERROR_NETNAME_DELETED:     syscall.ECONNRESET,
	windows.ERROR_SEM_TIMEOUT:         syscall.ETIMEDOUT,

	// A pipe whose reader is gone: the EPIPE of a closed stdout. Windows
	// says ERROR_NO_DATA; Wine 8.0 says ERROR_PIPE_NOT_CONNECTED
	// ("Pipe not connected"), measured with rawtalk.exe ... | head -c 10.
	windows.ERROR_NO_DATA:            syscall.EPIPE,
	windows.ERROR_BROKEN_PIPE:        syscall.EPIPE,
	windows.ERROR_PIPE_NOT_CONNECTED: syscall.EPIPE,
}

// posixErrno is errno as POSIX names it, or errno if it has no such name.
func posixErrno(errno syscall.Errno) syscall.Errno {
	if p, ok := posixErrors[errno]; ok {
		return p
	}
	return errno
}
