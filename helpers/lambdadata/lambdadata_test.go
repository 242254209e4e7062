package lambdadata_test

import (
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/lambdadata"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want lambdadata.Ref
	}{
		{"arn:aws:lambda:us-east-1:123456789012:function:crm-lookup:live", lambdadata.Ref{Name: "crm-lookup", Qualifier: "live", Region: "us-east-1", Account: "123456789012"}},
		{"arn:aws:lambda:us-west-2:123456789012:function:crm-lookup", lambdadata.Ref{Name: "crm-lookup", Region: "us-west-2", Account: "123456789012"}},
		{"crm-lookup:7", lambdadata.Ref{Name: "crm-lookup", Qualifier: "7"}},
		{"crm-lookup", lambdadata.Ref{Name: "crm-lookup"}},
		{"arn:aws:sqs:us-east-1:1:q", lambdadata.Ref{Name: "arn:aws:sqs:us-east-1:1:q"}},
	}
	for _, tt := range tests {
		if got := lambdadata.ParseRef(tt.in); got != tt.want {
			t.Errorf("ParseRef(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
