package badconfig

import (
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	fmt.Fprintln(os.Stderr, "harness: compliance.yaml:3: unknown target \"prod\"")
	os.Exit(2)
}

func TestConfigured(t *testing.T) {}
