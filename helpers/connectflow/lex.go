package connectflow

import (
	"encoding/json"
	"fmt"
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

// lexBotV1 is a Lex V1 bot reference (ConnectParticipantWithLexBot,
// Parameters.LexBot {Name, Region, Alias}).
type lexBotV1 struct {
	Name   string `json:"Name"`
	Region string `json:"Region"`
	Alias  string `json:"Alias"`
}

// lexV1 describes the Lex V1 bot an action talks to, if it does.
func (a *Action) lexV1() (string, bool) {
	if a.Type != "ConnectParticipantWithLexBot" {
		return "", false
	}
	raw, ok := a.Parameters["LexBot"]
	if !ok {
		return "", false
	}
	var bot lexBotV1
	if json.Unmarshal(raw, &bot) != nil || bot.Name == "" {
		return "", false
	}
	s := fmt.Sprintf("%q", bot.Name)
	if bot.Alias != "" {
		s += fmt.Sprintf(" (alias %q", bot.Alias)
		if bot.Region != "" {
			s += ", " + bot.Region
		}
		s += ")"
	}
	return s, true
}

// LexV1Bots returns the Lex V1 bots (Parameters.LexBot: "name:alias",
// or the name when no alias is given) the flow's actions talk to, sorted
// and without duplicates. Amazon Lex V1 has reached end of support: every
// one of them is a finding for 7.3.5/7.3.6.
func (f *Flow) LexV1Bots() []string {
	set := map[string]bool{}
	for i := range f.Actions {
		a := &f.Actions[i]
		if a.Type != "ConnectParticipantWithLexBot" {
			continue
		}
		var bot lexBotV1
		if raw, ok := a.Parameters["LexBot"]; ok && json.Unmarshal(raw, &bot) == nil && bot.Name != "" {
			if bot.Alias != "" {
				set[bot.Name+":"+bot.Alias] = true
			} else {
				set[bot.Name] = true
			}
		}
	}
	return sortedKeys(set)
}
