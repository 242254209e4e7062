package safetext

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"plain text\n\tok\r":     "plain text\n\tok\r",
		"\x1b[31mred\x1b[0m":     "\uFFFD[31mred\uFFFD[0m",
		"nul\x00 bell\x07":       "nul\uFFFD bell\uFFFD",
		"bad \xff utf-8":         "bad \uFFFD utf-8",
		"ok é 日本 🙂":              "ok é 日本 🙂",
		"non-char \uFFFE\uFFFF.": "non-char \uFFFD\uFFFD.",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzWriter: writing in any pieces gives what String gives for the whole,
// and the result is valid UTF-8 of allowed characters only.
func FuzzWriter(f *testing.F) {
	f.Add([]byte("a\x00é日🙂\x1b\xff"), 3)
	f.Fuzz(func(t *testing.T, b []byte, chunk int) {
		if chunk <= 0 || chunk > 64 {
			chunk = 1
		}
		var out bytes.Buffer
		w := NewWriter(&out)
		for i := 0; i < len(b); i += chunk {
			if _, err := w.Write(b[i:min(len(b), i+chunk)]); err != nil {
				t.Fatal(err)
			}
		}
		w.Close()
		if want := String(string(b)); out.String() != want {
			t.Fatalf("in pieces of %d: %q, whole: %q", chunk, out.String(), want)
		}
		if !utf8.Valid(out.Bytes()) || strings.IndexFunc(out.String(), func(r rune) bool { return !Allowed(r) }) >= 0 {
			t.Fatalf("%q carries what XML cannot", out.String())
		}
	})
}
