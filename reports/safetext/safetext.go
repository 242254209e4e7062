// Package safetext keeps report text to what XML 1.0 and HTML can carry:
// control characters other than tab, newline and carriage return, invalid
// UTF-8 and the non-characters U+FFFE/U+FFFF become U+FFFD. Test output is
// untrusted terminal text (colour codes, NULs, binary); the JUnit and HTML
// writers pass everything through it so parsers and browsers read the
// reports.
//
// It does not escape markup: that is the writers' job.
package safetext

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Allowed reports whether XML 1.0 (and so the HTML report) may carry r.
func Allowed(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// String returns s with every character XML cannot carry replaced by U+FFFD.
func String(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || !Allowed(r) {
			r = utf8.RuneError // one per invalid byte
		}
		b.WriteRune(r)
		i += n
	}
	return b.String()
}

func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x20 && c < 0x80 || c == '\n' || c == '\t' || c == '\r' {
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || !Allowed(r) {
			return false
		}
		i += n - 1
	}
	return true
}

// Writer passes what is written through String, keeping a character split
// across two writes whole. Close writes what is left (an incomplete
// character as U+FFFD); it does not close the underlying writer.
type Writer struct {
	w       io.Writer
	pending []byte
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write implements io.Writer; it reports len(p) written on success.
func (c *Writer) Write(p []byte) (int, error) {
	n := len(p)
	if len(c.pending) > 0 {
		p = append(c.pending, p...)
		c.pending = nil
	}
	// Keep an incomplete character at the end for the next write.
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				c.pending = append(c.pending, p[i:]...)
				p = p[:i]
			}
			break
		}
	}
	if err := c.emit(p); err != nil {
		return 0, err
	}
	return n, nil
}

func (c *Writer) emit(p []byte) error {
	if cleanBytes(p) {
		_, err := c.w.Write(p)
		return err
	}
	_, err := io.WriteString(c.w, String(string(p)))
	return err
}

func cleanBytes(p []byte) bool {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c >= 0x20 && c < 0x80 || c == '\n' || c == '\t' || c == '\r' {
			continue
		}
		r, n := utf8.DecodeRune(p[i:])
		if (r == utf8.RuneError && n <= 1) || !Allowed(r) {
			return false
		}
		i += n - 1
	}
	return true
}

// Close writes what is left.
func (c *Writer) Close() error {
	if len(c.pending) == 0 {
		return nil
	}
	p := c.pending
	c.pending = nil
	return c.emit(p)
}
