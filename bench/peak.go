package main

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"time"
)

// peakWatch follows a child's peak resident memory (VmHWM) while it runs.
//
// The child's rusage cannot be used for this: Go starts children with
// vfork (CLONE_VM), and on exec Linux carries the shared memory's
// high-water mark into the child's ru_maxrss, so every child would report
// at least the benchmark's own RSS. VmHWM belongs to the memory map the
// program got at exec and is not polluted that way. It is sampled every few
// milliseconds; growth in the last interval before exit is not seen.
type peakWatch struct {
	done chan struct{}
	peak chan int64
	once sync.Once
	max  int64 // the result, once stopped
}

const peakInterval = 5 * time.Millisecond

func watchPeak(pid int) *peakWatch {
	w := &peakWatch{done: make(chan struct{}), peak: make(chan int64, 1)}
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	go func() {
		var peak int64
		t := time.NewTicker(peakInterval)
		defer t.Stop()
		for {
			if v := vmHWM(path); v > peak {
				peak = v
			}
			select {
			case <-w.done:
				w.peak <- peak
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// stop ends the watch and returns the highest VmHWM seen, in bytes, or 0 if
// none was read. Call it after the child has exited.
// It may be called more than once.
func (w *peakWatch) stop() int64 {
	w.once.Do(func() {
		close(w.done)
		w.max = <-w.peak
	})
	return w.max
}

// vmHWM reads the "VmHWM:    1234 kB" line of /proc/PID/status.
func vmHWM(path string) int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	i := bytes.Index(data, []byte("VmHWM:"))
	if i < 0 {
		return 0
	}
	f := bytes.Fields(data[i+len("VmHWM:"):])
	if len(f) < 2 {
		return 0
	}
	kb, _ := strconv.ParseInt(string(f[0]), 10, 64)
	return kb << 10
}
