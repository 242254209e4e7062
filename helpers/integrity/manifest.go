package integrity

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// Manifest maps object keys to the hex SHA-256 their uploader recorded, for
// objects whose S3 checksum cannot be compared with the body (a multipart
// upload's composite checksum) or that were stored without one.
type Manifest map[string]string

// ParseManifest reads a manifest in sha256sum format: one "<64 hex digits>
// <key>" line per object (two spaces, or " *" for binary mode, between
// digest and key); blank lines and lines starting with # are ignored.
func ParseManifest(b []byte) (Manifest, error) {
	m := Manifest{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		sum, key, ok := strings.Cut(text, " ")
		key = strings.TrimPrefix(strings.TrimPrefix(key, " "), "*")
		if !ok || len(sum) != 64 || !isHex(sum) || key == "" {
			return nil, fmt.Errorf("manifest line %d: want \"<sha256 hex>  <key>\", got %q", line, text)
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("manifest line %d: %s listed twice", line, key)
		}
		m[key] = strings.ToLower(sum)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return m, nil
}
