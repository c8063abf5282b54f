//go:build !linux

package pump

import "io"

// growPipe is a Linux tuning; elsewhere pipes keep their size.
func growPipe(io.Writer) {}

// pollableStdin is a Linux tuning; elsewhere stdin is read as it is.
func pollableStdin(r io.Reader) (io.Reader, func()) { return r, func() {} }
