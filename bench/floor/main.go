// Command floor is the benchmark's physical floor: the least a Go client can
// do to move the same bytes, so rawtalk and its peers are measured against
// what the machine allows rather than against each other only.
//
//	floor up ADDR     stdin to ADDR with io.Copy (sendfile from a file),
//	                  half-close, then wait for the server to close
//	floor down ADDR   ADDR to stdout with io.Copy (splice into a pipe)
//	floor count       read stdin 128 KiB at a time, as cat does, and print
//	                  how many bytes came
package main

import (
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 1 && args[0] == "count" {
		n, err := countStdin()
		fmt.Println(n)
		return err
	}
	if len(args) != 2 {
		return fmt.Errorf("usage: floor up|down ADDR | floor count")
	}
	conn, err := net.Dial("tcp", args[1])
	if err != nil {
		return err
	}
	defer conn.Close()
	switch args[0] {
	case "up":
		if _, err := io.Copy(conn, os.Stdin); err != nil {
			return err
		}
		conn.(*net.TCPConn).CloseWrite()
		_, err = io.Copy(io.Discard, conn)
		return err
	case "down":
		_, err = io.Copy(os.Stdout, conn)
		return err
	}
	return fmt.Errorf("unknown mode %q", args[0])
}

// countStdin is `cat >/dev/null` that also counts, so the benchmark can
// check that every byte arrived.
func countStdin() (int64, error) {
	buf := make([]byte, 128<<10)
	var total int64
	for {
		n, err := os.Stdin.Read(buf)
		total += int64(n)
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}
