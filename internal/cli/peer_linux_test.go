package cli

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// fromUs reports whether c, accepted on 127.0.0.1, was opened by this test
// process or one it started (the rawtalk under test). Other test
// processes on the machine take a port, free it and then connect to it as a
// "closed" port (scan's closedPorts, the scripts' freeport); when the kernel
// has meanwhile given that port to a peer here, their probe arrives first
// and closes at once, and a test that took it for rawtalk read EOF. Where
// /proc cannot tell, every connection is ours.
func fromUs(c net.Conn) bool {
	far, ok1 := c.RemoteAddr().(*net.TCPAddr)
	near, ok2 := c.LocalAddr().(*net.TCPAddr)
	if !ok1 || !ok2 || far.IP.To4() == nil {
		return true
	}
	inode, ok := socketInode(far, near)
	if !ok {
		return true
	}
	link := fmt.Sprintf("socket:[%s]", inode)
	for _, pid := range ourProcesses() {
		fds, _ := os.ReadDir("/proc/" + pid + "/fd")
		for _, fd := range fds {
			if l, _ := os.Readlink("/proc/" + pid + "/fd/" + fd.Name()); l == link {
				return true
			}
		}
	}
	return false
}

// socketInode finds, in /proc/net/tcp, the inode of the socket whose own
// address is local and whose peer is remote.
func socketInode(local, remote *net.TCPAddr) (string, bool) {
	table, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return "", false
	}
	hex := func(a *net.TCPAddr) string {
		ip := a.IP.To4()
		return fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0], a.Port) // host order: little-endian
	}
	want, peer := hex(local), hex(remote)
	for _, line := range strings.Split(string(table), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 9 && f[1] == want && f[2] == peer {
			return f[9], true
		}
	}
	return "", false
}

// ourProcesses are this process and its descendants (rawtalk, or a shell
// that runs it), by pid.
func ourProcesses() []string {
	children := map[string][]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if f := strings.Fields(string(stat[i+1:])); i >= 0 && len(f) > 1 {
			children[f[1]] = append(children[f[1]], e.Name())
		}
	}
	pids := []string{strconv.Itoa(os.Getpid())}
	for i := 0; i < len(pids); i++ {
		pids = append(pids, children[pids[i]]...)
	}
	return pids
}
