package integrity

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestParseManifest(t *testing.T) {
	body := []byte("a recording")
	s := sha256.Sum256(body)
	sum := hex.EncodeToString(s[:])
	m, err := ParseManifest([]byte("# written by the backup job\n" + strings.ToUpper(sum) + "  rec/2026/11/28/a.wav\n\n" + sum + " *rec/b.wav\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m["rec/2026/11/28/a.wav"] != sum || m["rec/b.wav"] != sum {
		t.Fatalf("manifest %v", m)
	}
	if err := VerifySHA256(body, m["rec/2026/11/28/a.wav"]); err != nil {
		t.Errorf("verify against the manifest: %v", err)
	}
	for _, bad := range []string{"abc  rec/a.wav", sum, sum + "  ", sum + "  a\n" + sum + "  a"} {
		if _, err := ParseManifest([]byte(bad)); err == nil {
			t.Errorf("ParseManifest(%q): no error", bad)
		}
	}
}
