package connectflow

import (
	"os"
	"slices"
	"testing"
)

func TestLexV2BotAliases(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string
	}{
		{"resilient", "testdata/resilient-inbound.json", []string{"arn:aws:lex:us-east-1:123456789012:bot-alias/BOTID1234/ALIAS12345"}},
		{"fragile (test alias)", "testdata/fragile-inbound.json", []string{"arn:aws:lex:us-east-1:123456789012:bot-alias/BOTID1234/TSTALIASID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.LexV2BotAliases(); !slices.Equal(got, tt.want) {
				t.Errorf("LexV2BotAliases() = %v, want %v", got, tt.want)
			}
		})
	}
	f, err := Parse([]byte(`{"Version":"2019-10-30","StartAction":"b","Actions":[
	  {"Identifier":"b","Type":"ConnectParticipantWithLexBot","Parameters":{"LexV2Bot":{"AliasArn":"$.Attributes.bot"}},"Transitions":{}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.LexV2BotAliases(); len(got) != 0 {
		t.Errorf("dynamic alias: %v, want none", got)
	}
}
