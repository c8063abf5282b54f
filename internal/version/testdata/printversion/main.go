// Command printversion prints version.Get(), for the test that links a
// release version in with -ldflags -X as the release build does.
package main

import (
	"fmt"

	"github.com/rawtalk/rawtalk/internal/version"
)

func main() { fmt.Println(version.Get()) }
