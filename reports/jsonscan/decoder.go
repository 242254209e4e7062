// Package jsonscan reads and indents JSON on the reporter's hot paths (the
// test2json events, the controls' evidence.json files, results.json)
// without reflection.
//
// Its Decoder reads a strict subset of what encoding/json accepts, and reads
// it exactly as encoding/json does (the same strings, numbers and times);
// on anything outside that subset (a syntax error, a null where the caller
// does not take one, a duplicate key, a key that matches a field only when
// case is ignored, a number out of range) it gives up, and the caller
// decodes that document with encoding/json instead. So a document decodes to
// what encoding/json makes of it, errors included; the Decoder only makes the
// common case fast. Callers prove the equivalence with differential fuzz
// tests against encoding/json.
//
// It is not a general JSON library: no reflection, no streaming, no
// encoding beyond Indent.
package jsonscan

import (
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting (encoding/json allows 10,000; deeper documents
// are left to it).
const maxDepth = 512

// Decoder reads one JSON document held in memory. Its methods read the next
// value as the caller expects it; when the input is anything else the
// Decoder fails (Failed), and every later call is a no-op returning zero
// values. The zero Decoder is ready for Reset.
type Decoder struct {
	data  []byte
	pos   int
	fail  bool
	first []bool // per open object or array: no member read yet
	buf   []byte // scratch for strings with escapes
	// strs interns the strings read with Intern (account ids, regions,
	// services: the same few values in thousands of documents).
	strs map[string]string
}

// Reset starts reading data; interned strings are kept.
func (d *Decoder) Reset(data []byte) {
	d.data, d.pos, d.fail, d.first = data, 0, false, d.first[:0]
}

// Fail gives up on the document.
func (d *Decoder) Fail() { d.fail = true }

// Failed reports whether the document is outside what the Decoder reads:
// decode it with encoding/json.
func (d *Decoder) Failed() bool { return d.fail }

func (d *Decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next byte after whitespace, 0 at the end or on failure.
func (d *Decoder) peek() byte {
	if d.fail {
		return 0
	}
	d.ws()
	if d.pos >= len(d.data) {
		return 0
	}
	return d.data[d.pos]
}

// Null consumes a null and reports whether there was one.
func (d *Decoder) Null() bool {
	return d.peek() == 'n' && d.literal("null")
}

func (d *Decoder) literal(lit string) bool {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		d.fail = true
		return false
	}
	d.pos += len(lit)
	return true
}

// Object starts reading an object: it consumes '{' (else fails). Read its
// members with Key.
func (d *Decoder) Object() bool { return d.open('{') }

// Array starts reading an array: it consumes '[' (else fails). Read its
// elements with Elem.
func (d *Decoder) Array() bool { return d.open('[') }

func (d *Decoder) open(c byte) bool {
	if d.peek() != c || len(d.first) >= maxDepth {
		d.fail = true
		return false
	}
	d.pos++
	d.first = append(d.first, true)
	return true
}

// next moves to the next member of the innermost object or array (closing
// byte end): it consumes the separating comma, or the closing byte and
// returns false.
func (d *Decoder) next(end byte) bool {
	c := d.peek()
	if d.fail || len(d.first) == 0 {
		d.fail = true
		return false
	}
	top := len(d.first) - 1
	if c == end {
		d.pos++
		d.first = d.first[:top]
		return false
	}
	if !d.first[top] {
		if c != ',' {
			d.fail = true
			return false
		}
		d.pos++
	}
	d.first[top] = false
	return true
}

// Key reads the next member's key of the innermost object and the colon
// after it; at the object's end it consumes '}' and returns false. Keys
// with escapes fail. The key is valid until the next call.
func (d *Decoder) Key() ([]byte, bool) {
	if !d.next('}') {
		return nil, false
	}
	if d.peek() != '"' {
		d.fail = true
		return nil, false
	}
	start := d.pos + 1
	i := start
	for i < len(d.data) && d.data[i] != '"' {
		if c := d.data[i]; c < 0x20 || c == '\\' || c >= utf8.RuneSelf {
			d.fail = true // escaped or non-ASCII keys: left to encoding/json
			return nil, false
		}
		i++
	}
	if i >= len(d.data) {
		d.fail = true
		return nil, false
	}
	key := d.data[start:i]
	d.pos = i + 1
	if d.peek() != ':' {
		d.fail = true
		return nil, false
	}
	d.pos++
	return key, true
}

// Elem reports whether the innermost array has another element (and
// consumes the comma before it); at the array's end it consumes ']' and
// returns false.
func (d *Decoder) Elem() bool { return d.next(']') }

// Fields reads an object as encoding/json reads it into a struct whose
// fields have the JSON names fields: for each member it calls member with
// the index of its key in fields, and member reads the value. A key not in
// fields is left to Unknown; a key given twice fails (encoding/json's rules
// for repeated keys differ by type); null reads nothing, as encoding/json
// leaves a struct alone. At most 64 fields.
func (d *Decoder) Fields(fields []string, member func(i int)) {
	if d.Null() || !d.Object() {
		return
	}
	var seen uint64
	for {
		k, ok := d.Key()
		if !ok {
			return
		}
		i := -1
		for j, f := range fields {
			if f == string(k) {
				i = j
				break
			}
		}
		if i < 0 {
			d.Unknown(k, fields)
			continue
		}
		if i >= 64 || seen&(1<<i) != 0 {
			d.fail = true
			return
		}
		seen |= 1 << i
		member(i)
	}
}

// SetString reads a string into *p; null leaves *p as it is (as
// encoding/json does). With intern, equal strings are shared (Intern).
func (d *Decoder) SetString(p *string, intern bool) {
	switch {
	case d.Null():
	case intern:
		*p = d.Intern()
	default:
		*p = d.String()
	}
}

// Unknown handles a key the caller has no field for: encoding/json ignores
// it, unless it matches one of the fields' names with case ignored (then
// encoding/json would set that field: the Decoder fails). The value is
// skipped.
func (d *Decoder) Unknown(key []byte, fields []string) {
	for _, f := range fields {
		if equalFoldASCII(key, f) {
			d.fail = true
			return
		}
	}
	d.Skip()
}

func equalFoldASCII(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// String reads a string as encoding/json decodes it: escapes resolved,
// invalid UTF-8 and unpaired surrogates as U+FFFD.
func (d *Decoder) String() string {
	b := d.str()
	if d.fail {
		return ""
	}
	return string(b)
}

// Intern reads a string like String, returning the same string for equal
// values read by this Decoder (for the few values repeated in thousands of
// documents).
func (d *Decoder) Intern() string {
	b := d.str()
	if d.fail {
		return ""
	}
	return d.InternBytes(b)
}

// InternBytes returns b as a string, the same string for equal values (a
// key from Key, for instance).
func (d *Decoder) InternBytes(b []byte) string {
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	if d.strs == nil {
		d.strs = map[string]string{}
	}
	if len(d.strs) >= 4096 { // not so few after all: stop remembering
		return string(b)
	}
	s := string(b)
	d.strs[s] = s
	return s
}

// str reads a string token; the bytes returned are valid until the next call.
func (d *Decoder) str() []byte {
	if d.peek() != '"' {
		d.fail = true
		return nil
	}
	start := d.pos + 1
	i := start
	for i < len(d.data) {
		c := d.data[i]
		if c == '"' {
			d.pos = i + 1
			return d.data[start:i]
		}
		if c < 0x20 || c == '\\' || c >= utf8.RuneSelf {
			break
		}
		i++
	}
	return d.unquote(start, i)
}

// unquote reads the rest of a string from i, which starts an escape or a
// byte that is not plain ASCII, into d.buf.
func (d *Decoder) unquote(start, i int) []byte {
	b := append(d.buf[:0], d.data[start:i]...)
	s := d.data
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.buf = b
			return b
		case c < 0x20:
			d.fail = true
			return nil
		case c == '\\':
			if i+1 >= len(s) {
				d.fail = true
				return nil
			}
			switch s[i+1] {
			case '"', '\\', '/':
				b = append(b, s[i+1])
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(s[i+2:])
				if r < 0 {
					d.fail = true
					return nil
				}
				i += 6
				if utf16.IsSurrogate(r) {
					// As encoding/json: a valid pair is one character,
					// anything else U+FFFD (and the next escape is read on
					// its own).
					if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if r2 := hex4(s[i+2:]); r2 >= 0 {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								b = utf8.AppendRune(b, dec)
								i += 6
								continue
							}
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				d.fail = true
				return nil
			}
			i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
	d.fail = true // unterminated
	return nil
}

// hex4 reads the 4 hex digits of a \u escape, -1 if they are not.
func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// RawString reads a string token and returns it as it is in the input,
// quotes and escapes included, for UnmarshalJSON methods (which encoding/json
// hands the raw token). Valid until the next call.
func (d *Decoder) RawString() []byte {
	if d.peek() != '"' {
		d.fail = true
		return nil
	}
	start := d.pos
	d.str()
	if d.fail {
		return nil
	}
	return d.data[start:d.pos]
}

// Time reads a string as time.Time's UnmarshalJSON does (RFC 3339); null
// leaves t as it is, as encoding/json does.
func (d *Decoder) Time(t *time.Time) {
	if d.Null() {
		return
	}
	raw := d.RawString()
	if d.fail {
		return
	}
	if err := t.UnmarshalJSON(raw); err != nil {
		d.fail = true
	}
}

// number reads a number token (JSON's grammar); integer reports whether
// it has no fraction or exponent.
func (d *Decoder) number() (tok []byte, integer bool) {
	if d.fail {
		return nil, false
	}
	d.ws()
	s, i := d.data, d.pos
	start := i
	integer = true
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i)
	default:
		d.fail = true
		return nil, false
	}
	if i < len(s) && s[i] == '.' {
		integer = false
		if i = digits(s, i+1); s[i-1] == '.' {
			d.fail = true // no digit after the point
			return nil, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		integer = false
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			d.fail = true // no digit in the exponent
			return nil, false
		}
		i = j
	}
	d.pos = i
	return s[start:i], integer
}

// digits returns the end of the run of digits at s[i:].
func digits(s []byte, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// Float reads a number into a float64 as encoding/json does (one out of
// range fails).
func (d *Decoder) Float() float64 {
	tok, _ := d.number()
	if d.fail {
		return 0
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		d.fail = true
		return 0
	}
	return f
}

// Int reads a number into an int as encoding/json does: a fraction, an
// exponent or a value out of range fails.
func (d *Decoder) Int() int {
	tok, integer := d.number()
	if d.fail || !integer {
		d.fail = true
		return 0
	}
	n, err := strconv.ParseInt(string(tok), 10, strconv.IntSize)
	if err != nil {
		d.fail = true
		return 0
	}
	return int(n)
}

// Bool reads true or false.
func (d *Decoder) Bool() bool {
	switch d.peek() {
	case 't':
		return d.literal("true")
	case 'f':
		d.literal("false")
		return false
	}
	d.fail = true
	return false
}

// Skip reads any value, checking its syntax, and drops it.
func (d *Decoder) Skip() {
	switch d.peek() {
	case '{':
		d.Object()
		for {
			if _, ok := d.Key(); !ok {
				return
			}
			d.Skip()
		}
	case '[':
		d.Array()
		for d.Elem() {
			d.Skip()
		}
	case '"':
		d.str()
	case 't', 'f':
		d.Bool()
	case 'n':
		d.literal("null")
	default:
		d.number()
	}
}

// End reports whether the document was read whole and without failure:
// nothing but whitespace may follow the value.
func (d *Decoder) End() bool {
	if d.fail {
		return false
	}
	d.ws()
	if d.pos != len(d.data) || len(d.first) != 0 {
		d.fail = true
	}
	return !d.fail
}
