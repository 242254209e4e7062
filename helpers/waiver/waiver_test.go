package waiver_test

import (
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/waiver"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func TestParseRejectsMalformedWaivers(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"missing approver", "waivers:\n  - control: DAILY-QUEUE-01\n    justification: j\n    ticket: T-1\n    expires: 2026-12-31\n", "w.yaml:2: waivers[0].approver: missing"},
		{"bad date", "waivers:\n  - {control: DAILY-QUEUE-01, justification: j, approver: a, ticket: T-1, expires: next week}\n", "w.yaml:2: waivers[0].expires: want a date YYYY-MM-DD"},
		{"unknown key", "waivers:\n  - {control: DAILY-QUEUE-01, justification: j, approver: a, ticket: T-1, expires: 2026-12-31, owner: me}\n", "w.yaml:2:"},
		{"bad glob", "waivers:\n  - {control: DAILY-QUEUE-01, resource: \"queue/[\", justification: j, approver: a, ticket: T-1, expires: 2026-12-31}\n", "waivers[0].resource: bad pattern"},
		{"not a list", "waivers: yes\n", "w.yaml:1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := waiver.Parse("w.yaml", []byte(tt.in), now)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCoverHonoursScopeAndExpiry(t *testing.T) {
	s, err := waiver.Parse("w.yaml", []byte(`waivers:
  - {control: A-B-01, resource: "queue/Over*", justification: j, approver: a, ticket: T-1, expires: "2026-11-29"}
  - {control: A-B-02, justification: j, approver: a, ticket: T-2, expires: "2026-11-28"}
  - {control: A-B-03, justification: j, approver: a, ticket: T-3, expires: "2027-01-01"}
`), now)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		control, resource string
		covered           bool
	}{
		{"A-B-01", "queue/Overflow", true}, // in force through its expiry day
		{"A-B-01", "queue/Sales", false},   // outside its resource scope
		{"A-B-02", "queue/Sales", false},   // expired yesterday
		{"A-B-03", "queue/Anything", true}, // no scope: whole control
		{"A-B-04", "queue/Sales", false},   // no waiver
	} {
		if _, got := s.Cover(tt.control, tt.resource); got != tt.covered {
			t.Errorf("Cover(%s, %s) = %v, want %v", tt.control, tt.resource, got, tt.covered)
		}
	}
	if exp := s.ExpiredFor("A-B-02"); len(exp) != 1 || exp[0].Ticket != "T-2" {
		t.Errorf("ExpiredFor(A-B-02) = %+v, want the expired waiver", exp)
	}
}

func TestShippedWaiverFileIsValid(t *testing.T) {
	if _, err := waiver.Load("../../waivers.yaml", now); err != nil {
		t.Fatal(err)
	}
}

// TestHorizon: a waiver may not expire further ahead than the horizon (one
// year unless the config says otherwise); "9999-12-31" is refused with its
// file and line.
func TestHorizon(t *testing.T) {
	doc := func(expires string) []byte {
		return []byte("waivers:\n  - control: A-B-01\n    justification: j\n    approver: a\n    ticket: T-1\n    expires: " + expires + "\n")
	}
	_, err := waiver.Parse("w.yaml", doc("9999-12-31"), now)
	if err == nil || !strings.Contains(err.Error(), "w.yaml:6: waivers[0].expires:") || !strings.Contains(err.Error(), "365 days") {
		t.Errorf("9999-12-31: %v", err)
	}
	if _, err := waiver.Parse("w.yaml", doc("2027-11-29"), now); err != nil {
		t.Errorf("exactly a year ahead: %v", err)
	}
	if _, err := waiver.Parse("w.yaml", doc("2027-11-30"), now); err == nil {
		t.Error("a year and a day ahead was accepted")
	}
	if _, err := waiver.ParseWithin("w.yaml", doc("2028-06-30"), now, 730*24*time.Hour); err != nil {
		t.Errorf("within a configured two-year horizon: %v", err)
	}
	if _, err := waiver.Parse("w.yaml", doc("2020-01-01"), now); err != nil {
		t.Errorf("an expired waiver is kept (and reported), not refused: %v", err)
	}
}

// TestCheckControls names each waiver whose control the catalog lacks, with
// its file and line.
func TestCheckControls(t *testing.T) {
	s, err := waiver.Parse("w.yaml", []byte(`waivers:
  - {control: A-B-01, justification: j, approver: a, ticket: T-1, expires: "2026-12-31"}
  - {control: A-B-09, justification: j, approver: a, ticket: T-2, expires: "2026-01-01"}
`), now)
	if err != nil {
		t.Fatal(err)
	}
	err = s.CheckControls(func(id string) bool { return id == "A-B-01" })
	if err == nil || !strings.Contains(err.Error(), `w.yaml:3: waivers[1].control: control "A-B-09" is not in the catalog`) {
		t.Errorf("error %v", err)
	}
	if err := s.CheckControls(func(string) bool { return true }); err != nil {
		t.Error(err)
	}
}
