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
