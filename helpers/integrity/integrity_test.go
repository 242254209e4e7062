package integrity_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/integrity"
)

// wav builds a RIFF/WAVE file: format, channels, rate, bits and data bytes.
func wav(format, channels uint16, rate uint32, bits uint16, data int) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(4 + 8 + 16 + 8 + data + data%2))
	b.WriteString("WAVE")
	b.WriteString("fmt ")
	le(uint32(16))
	le(format)
	le(channels)
	le(rate)
	le(rate * uint32(channels) * uint32(bits) / 8)
	le(channels * bits / 8)
	le(bits)
	b.WriteString("data")
	le(uint32(data))
	b.Write(make([]byte, data+data%2))
	return b.Bytes()
}

func TestCheckWAV(t *testing.T) {
	good := wav(1, 2, 8000, 16, 8000*2*2*3) // 3 s of stereo 8 kHz PCM, as Connect records
	w, err := integrity.CheckWAV(good)
	if err != nil {
		t.Fatal(err)
	}
	if w.Duration != 3*time.Second || w.Channels != 2 || w.SampleRate != 8000 {
		t.Errorf("parsed %+v, want 3 s stereo 8 kHz", w)
	}
	corrupt := append([]byte(nil), good...)
	copy(corrupt[36:40], "junk") // the data chunk's id
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"truncated upload", good[:len(good)-100], "RIFF size says"},
		{"not a WAV", []byte("ID3\x03 an mp3 header padding..."), "not a RIFF/WAVE file"},
		{"empty", nil, "not a RIFF/WAVE file"},
		{"no data chunk", corrupt, "no data chunk"},
		{"odd format", wav(85, 1, 8000, 16, 100), "audio format 85"},
		{"six channels", wav(1, 6, 8000, 16, 96), "6 channels"},
		{"less than a byte a second", wav(1, 1, 1, 4, 10), "less than a byte a second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := integrity.CheckWAV(tt.b)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

const record = `{"AWSContactTraceRecordFormatVersion": "2017-03-10", "ContactId": "c-1", "Channel": "VOICE",
 "InstanceARN": "arn:aws:connect:us-east-1:123456789012:instance/8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f",
 "InitiationMethod": "INBOUND", "InitiationTimestamp": "2026-11-28T10:00:00Z", "DisconnectTimestamp": "2026-11-28T10:05:00Z",
 "Recording": {"Location": "recordings/2026/11/28/c-1.wav"}}`

func TestCheckContactRecords(t *testing.T) {
	one := strings.ReplaceAll(record, "\n", "")
	ndjson := one + "\n" + strings.Replace(one, `"c-1"`, `"c-2"`, 1) + "\n"
	rs, err := integrity.CheckContactRecords([]byte(ndjson))
	if err != nil || len(rs) != 2 || rs[1].ContactID != "c-2" {
		t.Fatalf("NDJSON: %v, %+v", err, rs)
	}
	if rs, err := integrity.CheckContactRecords([]byte(record)); err != nil || len(rs) != 1 || rs[0].Recording.Location == "" {
		t.Fatalf("pretty single record: %v, %+v", err, rs)
	}
	tests := []struct{ name, in, want string }{
		{"missing id", strings.Replace(one, `"ContactId": "c-1", `, "", 1), "missing ContactId"},
		{"time travel", strings.Replace(one, "10:05:00Z", "09:05:00Z", 1), "disconnected (2026-11-28T09:05:00Z) before it started"},
		{"bad time", strings.Replace(one, "2026-11-28T10:00:00Z", "yesterday", 1), "InitiationTimestamp"},
		{"garbled line", one + "\n{\"ContactId\": \"c-3\"", "record 2: not JSON"},
		{"empty", "\n\n", "no contact record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := integrity.CheckContactRecords([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestVerifySHA256(t *testing.T) {
	body := []byte("recorded conversation")
	sum := sha256.Sum256(body)
	b64, hx := base64.StdEncoding.EncodeToString(sum[:]), hex.EncodeToString(sum[:])
	for _, want := range []string{b64, hx, strings.ToUpper(hx)} {
		if err := integrity.VerifySHA256(body, want); err != nil {
			t.Errorf("VerifySHA256(%s): %v", want, err)
		}
	}
	if err := integrity.VerifySHA256(append(body, '!'), b64); err == nil || !strings.Contains(err.Error(), "not what was stored") {
		t.Errorf("corrupted body: %v", err)
	}
	if err := integrity.VerifySHA256(body, b64+"-3"); !errors.Is(err, integrity.ErrCompositeChecksum) {
		t.Errorf("multipart checksum: %v", err)
	}
	if err := integrity.VerifySHA256(body, ""); err == nil {
		t.Error("an empty checksum verified")
	}
}

func FuzzCheckers(f *testing.F) {
	f.Add(wav(1, 1, 8000, 16, 10))
	f.Add([]byte(record))
	f.Fuzz(func(t *testing.T, b []byte) {
		integrity.CheckWAV(b)
		integrity.CheckContactRecords(b)
	})
}
