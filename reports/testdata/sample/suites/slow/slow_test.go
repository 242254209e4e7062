package slow

import (
	"testing"
	"time"
)

func TestSlow(t *testing.T) {
	t.Attr("control", "SLOW-HANG-01")
	time.Sleep(time.Minute)
}
