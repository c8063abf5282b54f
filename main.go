// Command rawtalk is an interactive raw-TCP client, a telnet and netcat for
// people who type protocols by hand. main only calls the command line
// (internal/cli) and exits with the status it returns; the features live in
// the packages the folder names show: session/ (the network), term/ (the
// keyboard and screen), scan/, practice/ and script/.
package main

import (
	"os"

	"github.com/rawtalk/rawtalk/internal/cli"
)

func main() {
	cli.ProtectStdFiles()
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
