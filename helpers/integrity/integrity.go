// Package integrity checks that backed-up contact-center data is whole and
// readable: a call recording is a well-formed WAV file, a contact record is a
// parseable Amazon Connect contact trace record, and an object's body matches
// its checksum (S3 ChecksumSHA256 or a manifest's SHA-256).
//
// It works on bytes the caller has read (read-only: it never writes or
// restores anything). It is what the backup-integrity control and the
// restore drill use to say "recoverable", not where objects are sampled.
package integrity

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// WAV describes a parsed WAV recording.
type WAV struct {
	Format        uint16 // 1 PCM, 6 A-law, 7 mu-law
	Channels      uint16
	SampleRate    uint32
	BitsPerSample uint16
	DataBytes     uint32
	Duration      time.Duration
}

// CheckWAV verifies that b is a complete RIFF/WAVE file: the RIFF size matches
// the length, a "fmt " chunk describes a format Amazon Connect records in
// (PCM, A-law or mu-law, 1 or 2 channels), and a "data" chunk lies wholly
// inside the file. A truncated or corrupted upload fails here.
func CheckWAV(b []byte) (WAV, error) {
	var w WAV
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return w, errors.New("not a RIFF/WAVE file")
	}
	if size := binary.LittleEndian.Uint32(b[4:8]); int64(size)+8 != int64(len(b)) {
		return w, fmt.Errorf("RIFF size says %d bytes, the file has %d: truncated or padded", int64(size)+8, len(b))
	}
	var haveFmt, haveData bool
	for off := 12; off < len(b); {
		if off+8 > len(b) {
			return w, fmt.Errorf("chunk header at byte %d runs past the end", off)
		}
		id := string(b[off : off+4])
		size := binary.LittleEndian.Uint32(b[off+4 : off+8])
		body := off + 8
		end := int64(body) + int64(size)
		if end > int64(len(b)) {
			return w, fmt.Errorf("%q chunk of %d bytes at byte %d runs past the end of the file", id, size, off)
		}
		switch id {
		case "fmt ":
			if size < 16 {
				return w, fmt.Errorf("fmt chunk of %d bytes, want at least 16", size)
			}
			w.Format = binary.LittleEndian.Uint16(b[body:])
			w.Channels = binary.LittleEndian.Uint16(b[body+2:])
			w.SampleRate = binary.LittleEndian.Uint32(b[body+4:])
			w.BitsPerSample = binary.LittleEndian.Uint16(b[body+14:])
			haveFmt = true
		case "data":
			w.DataBytes = size
			haveData = true
		}
		off = int(end) + int(size%2) // chunks are word aligned
	}
	switch {
	case !haveFmt:
		return w, errors.New("no fmt chunk")
	case !haveData:
		return w, errors.New("no data chunk")
	case w.Format != 1 && w.Format != 6 && w.Format != 7:
		return w, fmt.Errorf("audio format %d, want PCM (1), A-law (6) or mu-law (7)", w.Format)
	case w.Channels != 1 && w.Channels != 2:
		return w, fmt.Errorf("%d channels, want 1 or 2", w.Channels)
	case w.SampleRate == 0 || w.BitsPerSample == 0:
		return w, errors.New("sample rate or bits per sample is zero")
	}
	bytesPerSecond := uint64(w.SampleRate) * uint64(w.Channels) * uint64(w.BitsPerSample) / 8
	if bytesPerSecond == 0 {
		return w, fmt.Errorf("%d Hz x %d channels x %d bits is less than a byte a second", w.SampleRate, w.Channels, w.BitsPerSample)
	}
	w.Duration = time.Duration(uint64(w.DataBytes) * uint64(time.Second) / bytesPerSecond)
	return w, nil
}

// ContactRecord is the part of an Amazon Connect contact trace record the
// checks read (Amazon Connect Administrator Guide, "Contact records data
// model").
type ContactRecord struct {
	ContactID           string `json:"ContactId"`
	InstanceARN         string `json:"InstanceARN"`
	Channel             string `json:"Channel"`
	InitiationMethod    string `json:"InitiationMethod"`
	InitiationTimestamp string `json:"InitiationTimestamp"`
	DisconnectTimestamp string `json:"DisconnectTimestamp"`
	FormatVersion       string `json:"AWSContactTraceRecordFormatVersion"`
	Recording           *struct {
		Location string `json:"Location"`
	} `json:"Recording"`
}

// CheckContactRecords parses a contact-record object: one JSON record, or
// newline-delimited records as Kinesis Data Firehose delivers them. Every
// record needs its id, instance, channel and timestamps (RFC 3339), with the
// disconnect not before the initiation.
func CheckContactRecords(b []byte) ([]ContactRecord, error) {
	var out []ContactRecord
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(trimmed) {
		// A single (possibly pretty-printed) record.
		sc = bufio.NewScanner(bytes.NewReader(compact(trimmed)))
	}
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var r ContactRecord
		if err := json.Unmarshal(text, &r); err != nil {
			return nil, fmt.Errorf("record %d: not JSON: %w", line, err)
		}
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("record %d (contact %q): %w", line, r.ContactID, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read contact records: %w", err)
	}
	if len(out) == 0 {
		return nil, errors.New("no contact record in the object")
	}
	return out, nil
}

func compact(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}

func (r ContactRecord) check() error {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"ContactId", r.ContactID}, {"InstanceARN", r.InstanceARN}, {"Channel", r.Channel},
		{"InitiationTimestamp", r.InitiationTimestamp}, {"DisconnectTimestamp", r.DisconnectTimestamp},
	} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	if !strings.HasPrefix(r.InstanceARN, "arn:aws") {
		return fmt.Errorf("InstanceARN %q is not an ARN", r.InstanceARN)
	}
	start, err := time.Parse(time.RFC3339, r.InitiationTimestamp)
	if err != nil {
		return fmt.Errorf("InitiationTimestamp: %w", err)
	}
	end, err := time.Parse(time.RFC3339, r.DisconnectTimestamp)
	if err != nil {
		return fmt.Errorf("DisconnectTimestamp: %w", err)
	}
	if end.Before(start) {
		return fmt.Errorf("disconnected (%s) before it started (%s)", r.DisconnectTimestamp, r.InitiationTimestamp)
	}
	return nil
}

// ErrCompositeChecksum is returned for an S3 checksum of a multipart upload
// ("base64-N"): a checksum of the parts' checksums, which the whole body
// cannot be compared with. Verify such objects against a manifest instead.
var ErrCompositeChecksum = errors.New("composite (multipart) checksum: compare against a manifest instead")

// VerifySHA256 compares a body with an expected SHA-256, given as S3's
// ChecksumSHA256 (base64) or as hex (a manifest's).
func VerifySHA256(body []byte, want string) error {
	if want == "" {
		return errors.New("no checksum to verify against")
	}
	if i := strings.LastIndexByte(want, '-'); i > 0 && !isHex(want) {
		return ErrCompositeChecksum
	}
	sum := sha256.Sum256(body)
	var got string
	if isHex(want) && len(want) == 64 {
		got = hex.EncodeToString(sum[:])
		want = strings.ToLower(want)
	} else {
		got = base64.StdEncoding.EncodeToString(sum[:])
	}
	if got != want {
		return fmt.Errorf("SHA-256 %s, want %s: the body is not what was stored", got, want)
	}
	return nil
}

func isHex(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return s != ""
}
