package results

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("evidence "), 10000)
	name := filepath.Join(dir, "evidence.json")
	if err := os.WriteFile(name, big, 0o644); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 16) // smaller than the file: grown
	got, err := readFile(name, buf)
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("read %d bytes of %d: %v", len(got), len(big), err)
	}
	if again, err := readFile(name, got); err != nil || !bytes.Equal(again, big) {
		t.Fatalf("reusing the buffer: %d bytes, %v", len(again), err)
	}
	if _, err := readFile(filepath.Join(dir, "missing.json"), nil); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := readFile(dir, nil); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("a directory: %v", err)
	}
}
