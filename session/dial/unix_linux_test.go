package dial

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
)

// An abstract socket nobody listens on is said so, without a word about
// a socket file (there is none), and it is not taken for a refused file.
func TestDialUnixAbstractNobodyListens(t *testing.T) {
	name := fmt.Sprintf("@rawtalk-test-nobody-%d", os.Getpid())
	_, err := DialUnix(context.Background(), name, 0)
	var ue *UnixError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v (%T)", err, err)
	}
	if want := "connect to " + name + " failed: nothing listens on that abstract socket name"; err.Error() != want {
		t.Errorf("message %q\nwant %q", err, want)
	}
	if !ue.Abstract() || !ue.NoListener() || ue.Refused() || ue.NotASocket() || ue.NoSocket() {
		t.Errorf("classified as abstract %v, no listener %v, refused %v, not a socket %v, no socket %v",
			ue.Abstract(), ue.NoListener(), ue.Refused(), ue.NotASocket(), ue.NoSocket())
	}
}
