package lambdahealth_test

import (
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/lambdahealth"
)

func TestNameOf(t *testing.T) {
	for _, tt := range []struct{ arn, want string }{
		{"arn:aws:lambda:us-east-1:123456789012:function:crm-lookup", "crm-lookup"},
		{"arn:aws:lambda:us-east-1:123456789012:function:crm-lookup:live", "crm-lookup"},
		{"crm-lookup", "crm-lookup"},
	} {
		if got := lambdahealth.NameOf(tt.arn); got != tt.want {
			t.Errorf("NameOf(%q) = %q, want %q", tt.arn, got, tt.want)
		}
	}
}

func TestReady(t *testing.T) {
	for _, tc := range []struct {
		f    lambdahealth.Function
		want bool
	}{
		{lambdahealth.Function{Exists: true, State: "Active", LastUpdateStatus: "Successful"}, true},
		{lambdahealth.Function{Exists: true, State: "Active"}, true},
		{lambdahealth.Function{Exists: true, State: "Active", LastUpdateStatus: "Failed"}, false},
		{lambdahealth.Function{Exists: true, State: "Failed"}, false},
		{lambdahealth.Function{Exists: true, State: "Pending"}, false},
		{lambdahealth.Function{}, false},
	} {
		if got := tc.f.Ready(); got != tc.want {
			t.Errorf("%+v: Ready %v, want %v", tc.f, got, tc.want)
		}
	}
}
