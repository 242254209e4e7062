package connectflow

import (
	"encoding/json"
	"strings"
)

// LexV2BotAliases returns the Lex V2 bot alias ARNs the flow's "Get
// customer input" actions (ConnectParticipantWithLexBot, Parameters.LexV2Bot
// .AliasArn) talk to, sorted and without duplicates. Dynamic references
// ("$.Attributes...") are left out: they cannot be resolved statically.
func (f *Flow) LexV2BotAliases() []string {
	set := map[string]bool{}
	for i := range f.Actions {
		a := &f.Actions[i]
		if a.Type != "ConnectParticipantWithLexBot" {
			continue
		}
		raw, ok := a.Parameters["LexV2Bot"]
		if !ok {
			continue
		}
		var bot struct {
			AliasArn string `json:"AliasArn"`
		}
		if json.Unmarshal(raw, &bot) == nil && bot.AliasArn != "" && !strings.HasPrefix(bot.AliasArn, "$") {
			set[bot.AliasArn] = true
		}
	}
	return sortedKeys(set)
}
