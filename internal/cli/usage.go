package cli

// Usage errors that teach: pflag's words for a command line it cannot
// parse, said in rawtalk's, and flag values checked as they are parsed.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/rawtalk/rawtalk/session/dial"
)

// commandLineError rewords what pflag says about a command line it
// cannot parse: a negative port (`rawtalk HOST -1`) is an invalid port,
// not an unknown flag -1; a bad flag value names the flag as typed and
// what it wants, without Go's strconv text.
func commandLineError(err error) error {
	var unknown *pflag.NotExistError
	if errors.As(err, &unknown) {
		if group := unknown.GetSpecifiedShortnames(); group != "" && isDigitsOnly(group) {
			return &dial.ArgError{Arg: "-" + group, What: "port", Reason: "out of range 1-65535"}
		}
	}
	var bad *pflag.InvalidValueError
	if !errors.As(err, &bad) || errors.Is(err, errNotSeconds) {
		return flagValueError(err)
	}
	why := bad.Unwrap().Error()
	var num *strconv.NumError
	if errors.As(err, &num) {
		why = "want a number"
		if bad.GetFlag().Value.Type() == "bool" {
			why = "want true or false"
		}
	}
	return &usageError{fmt.Sprintf("invalid %s %q: %s", flagName(bad.GetFlag()), bad.GetValue(), why)}
}

// flagName is a flag as the user most likely typed it: -w, or --wait
// when it has no short form.
func flagName(f *pflag.Flag) string {
	if f.Shorthand != "" {
		return "-" + f.Shorthand
	}
	return "--" + f.Name
}

func isDigitsOnly(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
