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
