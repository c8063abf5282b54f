package term

import (
	"os"
	"strconv"
)

// procTTYName is the terminal's name as /proc tells it, the quick way on
// Linux; "" when /proc is not mounted (some containers), and KeyReader
// searches /dev instead.
func procTTYName(fd int) string {
	name, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return ""
	}
	return name
}
