// Package lexdata reads the Amazon Lex V2 bots of one account and region
// (ListBots) and their aliases (ListBotAliases), paginated and cached per
// Region reader. Errors are returned wrapped; nothing is judged here.
package lexdata

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	ctypes "github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/aws-sdk-go-v2/service/lexmodelsv2"
)

// API is the part of the Lex Models V2 client this package uses.
type API interface {
	ListBots(context.Context, *lexmodelsv2.ListBotsInput, ...func(*lexmodelsv2.Options)) (*lexmodelsv2.ListBotsOutput, error)
	ListBotAliases(context.Context, *lexmodelsv2.ListBotAliasesInput, ...func(*lexmodelsv2.Options)) (*lexmodelsv2.ListBotAliasesOutput, error)
}

var _ API = (*lexmodelsv2.Client)(nil)

// Region reads the bots of one account and region.
type Region struct {
	Account, Name string
	api           API

	mu      sync.Mutex
	bots    map[string]Bot // by id; nil until read
	aliases map[string][]Alias
}

// New returns a reader of a region's bots.
func New(api API, account, region string) *Region {
	return &Region{Account: account, Name: region, api: api, aliases: map[string][]Alias{}}
}

// Bot is a Lex V2 bot.
type Bot struct{ ID, Name, Status string }

// Alias is a bot alias and the version it serves.
type Alias struct{ ID, Name, Version, Status string }

// TestAliasID is the built-in test alias every bot has (TestBotAlias, on
// the DRAFT version).
const TestAliasID = "TSTALIASID"

// Bots returns the region's bots by id. Read once.
func (r *Region) Bots(ctx context.Context) (map[string]Bot, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bots != nil {
		return r.bots, nil
	}
	bots := map[string]Bot{}
	p := lexmodelsv2.NewListBotsPaginator(r.api, &lexmodelsv2.ListBotsInput{MaxResults: aws.Int32(1000)}) // 1..1000 (service model)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list Lex bots in %s: %w", r.Name, err)
		}
		for _, b := range page.BotSummaries {
			bots[aws.ToString(b.BotId)] = Bot{ID: aws.ToString(b.BotId), Name: aws.ToString(b.BotName), Status: string(b.BotStatus)}
		}
	}
	r.bots = bots
	return bots, nil
}

// Aliases returns a bot's aliases, read once per bot.
func (r *Region) Aliases(ctx context.Context, botID string) ([]Alias, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if a, ok := r.aliases[botID]; ok {
		return a, nil
	}
	as := []Alias{}
	p := lexmodelsv2.NewListBotAliasesPaginator(r.api, &lexmodelsv2.ListBotAliasesInput{BotId: aws.String(botID), MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list aliases of Lex bot %s in %s: %w", botID, r.Name, err)
		}
		for _, a := range page.BotAliasSummaries {
			as = append(as, Alias{ID: aws.ToString(a.BotAliasId), Name: aws.ToString(a.BotAliasName), Version: aws.ToString(a.BotVersion), Status: string(a.BotAliasStatus)})
		}
	}
	r.aliases[botID] = as
	return as, nil
}

// AliasRef is a bot alias ARN's parts
// (arn:aws:lex:REGION:ACCOUNT:bot-alias/BOT_ID/ALIAS_ID).
type AliasRef struct{ Region, Account, BotID, AliasID string }

// ParseAliasARN parses a bot alias ARN.
func ParseAliasARN(arn string) (AliasRef, bool) {
	f := strings.Split(arn, ":")
	if len(f) != 6 || f[0] != "arn" || f[2] != "lex" {
		return AliasRef{}, false
	}
	parts := strings.Split(f[5], "/")
	if len(parts) != 3 || parts[0] != "bot-alias" {
		return AliasRef{}, false
	}
	return AliasRef{Region: f[3], Account: f[4], BotID: parts[1], AliasID: parts[2]}, true
}

// ConnectBotsAPI is the part of the Connect client Associated uses.
type ConnectBotsAPI interface {
	ListBots(context.Context, *connect.ListBotsInput, ...func(*connect.Options)) (*connect.ListBotsOutput, error)
}

// Associated returns the Lex V2 bot alias ARNs associated with a Connect
// instance (Connect ListBots, lexVersion V2, 25 a page: MaxResult25 in the
// service model).
func Associated(ctx context.Context, api ConnectBotsAPI, instanceID string) ([]string, error) {
	var out []string
	p := connect.NewListBotsPaginator(api, &connect.ListBotsInput{InstanceId: aws.String(instanceID), LexVersion: ctypes.LexVersionV2, MaxResults: aws.Int32(25)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list Lex bots associated with instance %s: %w", instanceID, err)
		}
		for _, b := range page.LexBots {
			if b.LexV2Bot != nil && b.LexV2Bot.AliasArn != nil {
				out = append(out, aws.ToString(b.LexV2Bot.AliasArn))
			}
		}
	}
	return out, nil
}
