package cli

import (
	"net"
	"os"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/rawtalk/rawtalk/session/dial"
	"github.com/rawtalk/rawtalk/session/pump"
	"github.com/rawtalk/rawtalk/session/telnet"
)

// telnetChoice is what --telnet and --no-telnet asked for.
type telnetChoice int8

const (
	telnetByPort telnetChoice = iota // neither flag: on for port 23 only
	telnetOn
	telnetOff
)

// on tells whether telnet mode is on for a connection to port.
func (c telnetChoice) on(port int) bool {
	return c == telnetOn || c == telnetByPort && port == 23
}

// telnetFlag is one of --telnet and --no-telnet. Both set the same choice,
// so the last one given wins, as with other paired flags.
type telnetFlag struct {
	choice *telnetChoice
	sets   telnetChoice // what the flag means when true
}

func (f telnetFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	switch {
	case v:
		*f.choice = f.sets
	case f.sets == telnetOn:
		*f.choice = telnetOff
	default:
		*f.choice = telnetOn
	}
	return nil
}

func (f telnetFlag) String() string { return "false" }
func (f telnetFlag) Type() string   { return "bool" }

// addTelnetFlags defines --telnet, --no-telnet and --show-negotiation.
func addTelnetFlags(fs *pflag.FlagSet, o *options) {
	fs.Var(telnetFlag{&o.telnet, telnetOn}, "telnet", "speak the telnet protocol: answer option negotiation, keep it off the output (default on port 23)")
	fs.Var(telnetFlag{&o.telnet, telnetOff}, "no-telnet", "pass telnet negotiation through as plain bytes, even on port 23")
	for _, name := range []string{"telnet", "no-telnet"} {
		fs.Lookup(name).NoOptDefVal = "true"
	}
	fs.BoolVar(&o.negotiation, "show-negotiation", false, "telnet mode: show option negotiation as telnet does (-v shows it too)")
}

// startTelnet puts the connection in telnet mode when that is on: conn is
// wrapped so that the server's IAC sequences are answered and kept off
// stdout, and the user's 0xFF and CR bytes are sent the telnet way. That
// costs piped mode its zero-copy path. When telnet mode is off only by
// default, a server that opens with negotiation gets a hint to try it.
func startTelnet(o *options, t dial.Target, conn net.Conn, popt *pump.PipeOptions, con *console) net.Conn {
	if !o.telnet.on(t.Port) {
		if o.telnet == telnetByPort {
			popt.Peek = func(first []byte) {
				if telnet.Negotiating(first) {
					con.hintf("the server is negotiating telnet options; try --telnet")
				}
			}
		}
		return conn
	}
	cfg := telnet.Config{TermType: os.Getenv("TERM")}
	if o.verbose || o.negotiation {
		cfg.Log = func(line string) { con.sayf("%s", line) }
	}
	return telnet.NewConn(conn, cfg)
}
