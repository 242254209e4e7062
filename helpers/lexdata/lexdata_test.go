package lexdata_test

import (
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/lexdata"
)

func TestParseAliasARN(t *testing.T) {
	tests := []struct {
		in   string
		want lexdata.AliasRef
		ok   bool
	}{
		{"arn:aws:lex:us-east-1:123456789012:bot-alias/ACMEORDER1/LIVEALIAS1", lexdata.AliasRef{Region: "us-east-1", Account: "123456789012", BotID: "ACMEORDER1", AliasID: "LIVEALIAS1"}, true},
		{"arn:aws:lex:us-east-1:123456789012:bot/ACMEORDER1", lexdata.AliasRef{}, false},
		{"$.Attributes.bot", lexdata.AliasRef{}, false},
	}
	for _, tt := range tests {
		got, ok := lexdata.ParseAliasARN(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseAliasARN(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
