// The flag value types whose checks and words pflag cannot give: seconds,
// ncat's durations, telnet's choice and positive counts.

package cli

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// idleDuration is -i's value: seconds, or a number with ncat's ms, s, m or
// h suffix.
type idleDuration time.Duration

func (d *idleDuration) String() string {
	if *d == 0 {
		return ""
	}
	return time.Duration(*d).String()
}

func (d *idleDuration) Type() string { return "duration" }

func (d *idleDuration) Set(s string) error {
	unit := time.Second
	num := s
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}} {
		if strings.HasSuffix(s, u.suffix) {
			num, unit = strings.TrimSuffix(s, u.suffix), u.unit
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || !(f > 0 && f <= 1e9) { // NaN fails too
		return errors.New("want a positive number of seconds, or with ms, s, m or h")
	}
	*d = idleDuration(f * float64(unit))
	return nil
}

// secondsFlag is a flag whose value is a number of seconds (-w, -q): one that
// is not is refused in plain words (errNotSeconds; run names the flag),
// not in strconv's.
type secondsFlag struct{ p *float64 }

// errNotSeconds is a secondsFlag given something else than a number.
var errNotSeconds = errors.New("want a number of seconds, such as 1 or 0.5")

func (f secondsFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return errNotSeconds
	}
	*f.p = v
	return nil
}

func (f secondsFlag) String() string { return strconv.FormatFloat(*f.p, 'g', -1, 64) }
func (f secondsFlag) Type() string   { return "float64" }

// flagValueError rewords pflag's error for a secondsFlag given something
// else (`invalid argument "x" for "-q, --quit" flag: ...`) as rawtalk's.
func flagValueError(err error) error {
	var bad *pflag.InvalidValueError
	if !errors.As(err, &bad) || !errors.Is(err, errNotSeconds) {
		return &usageError{err.Error()}
	}
	name := "--" + bad.GetFlag().Name
	if bad.GetFlag().Shorthand != "" {
		name = "-" + bad.GetFlag().Shorthand
	}
	return &usageError{fmt.Sprintf("invalid %s %q: %s", name, bad.GetValue(), errNotSeconds)}
}

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

// positiveInt is a count that must be 1 or more when given; 0 means unset.
type positiveInt int

func (n *positiveInt) String() string {
	if *n == 0 {
		return ""
	}
	return strconv.Itoa(int(*n))
}

func (n *positiveInt) Type() string { return "int" }

func (n *positiveInt) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return errors.New("want a whole number, 1 or more")
	}
	*n = positiveInt(v)
	return nil
}
