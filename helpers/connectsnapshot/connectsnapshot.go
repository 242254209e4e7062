// Package connectsnapshot takes a helpers/snapshot.Snapshot of a live (or
// simulated) Amazon Connect instance through the read-only clients: its
// flows and flow modules with their content, standard queues, routing
// profiles, hours of operation, prompts, claimed phone numbers and the flow
// each reaches, the Lambda functions and Lex bots associated with it, and
// its security profiles.
//
// Instance-specific identifiers are replaced by "kind/name" references
// everywhere (flow content included): ids and ARNs of the instance's
// resources, Lambda function ARNs (lambda-functions/NAME[:QUALIFIER]) and
// Lex V2 alias ARNs (lex-bots/BOT:ALIAS), so snapshots of staging and
// production, or of a primary and its replica in another region, compare
// line by line. Volatile fields (last-modified times and regions, layout
// metadata of flow content) are left out; the result is deterministic.
//
// Every list is paginated to the end and every error is returned wrapped
// with what was being read: a snapshot is complete or it is an error. It
// judges nothing.
package connectsnapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	ctypes "github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/aws-sdk-go-v2/service/lexmodelsv2"

	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

// ConnectAPI is the part of the Connect client an export uses.
type ConnectAPI interface {
	ListContactFlows(context.Context, *connect.ListContactFlowsInput, ...func(*connect.Options)) (*connect.ListContactFlowsOutput, error)
	DescribeContactFlow(context.Context, *connect.DescribeContactFlowInput, ...func(*connect.Options)) (*connect.DescribeContactFlowOutput, error)
	ListContactFlowModules(context.Context, *connect.ListContactFlowModulesInput, ...func(*connect.Options)) (*connect.ListContactFlowModulesOutput, error)
	DescribeContactFlowModule(context.Context, *connect.DescribeContactFlowModuleInput, ...func(*connect.Options)) (*connect.DescribeContactFlowModuleOutput, error)
	ListQueues(context.Context, *connect.ListQueuesInput, ...func(*connect.Options)) (*connect.ListQueuesOutput, error)
	DescribeQueue(context.Context, *connect.DescribeQueueInput, ...func(*connect.Options)) (*connect.DescribeQueueOutput, error)
	ListRoutingProfiles(context.Context, *connect.ListRoutingProfilesInput, ...func(*connect.Options)) (*connect.ListRoutingProfilesOutput, error)
	DescribeRoutingProfile(context.Context, *connect.DescribeRoutingProfileInput, ...func(*connect.Options)) (*connect.DescribeRoutingProfileOutput, error)
	ListRoutingProfileQueues(context.Context, *connect.ListRoutingProfileQueuesInput, ...func(*connect.Options)) (*connect.ListRoutingProfileQueuesOutput, error)
	ListHoursOfOperations(context.Context, *connect.ListHoursOfOperationsInput, ...func(*connect.Options)) (*connect.ListHoursOfOperationsOutput, error)
	DescribeHoursOfOperation(context.Context, *connect.DescribeHoursOfOperationInput, ...func(*connect.Options)) (*connect.DescribeHoursOfOperationOutput, error)
	ListPrompts(context.Context, *connect.ListPromptsInput, ...func(*connect.Options)) (*connect.ListPromptsOutput, error)
	ListPhoneNumbersV2(context.Context, *connect.ListPhoneNumbersV2Input, ...func(*connect.Options)) (*connect.ListPhoneNumbersV2Output, error)
	ListFlowAssociations(context.Context, *connect.ListFlowAssociationsInput, ...func(*connect.Options)) (*connect.ListFlowAssociationsOutput, error)
	ListLambdaFunctions(context.Context, *connect.ListLambdaFunctionsInput, ...func(*connect.Options)) (*connect.ListLambdaFunctionsOutput, error)
	ListBots(context.Context, *connect.ListBotsInput, ...func(*connect.Options)) (*connect.ListBotsOutput, error)
	ListSecurityProfiles(context.Context, *connect.ListSecurityProfilesInput, ...func(*connect.Options)) (*connect.ListSecurityProfilesOutput, error)
	DescribeSecurityProfile(context.Context, *connect.DescribeSecurityProfileInput, ...func(*connect.Options)) (*connect.DescribeSecurityProfileOutput, error)
	ListSecurityProfilePermissions(context.Context, *connect.ListSecurityProfilePermissionsInput, ...func(*connect.Options)) (*connect.ListSecurityProfilePermissionsOutput, error)
}

// LexAPI is the part of the Lex V2 model-building client an export uses to
// name the bots and aliases associated with the instance.
type LexAPI interface {
	ListBots(context.Context, *lexmodelsv2.ListBotsInput, ...func(*lexmodelsv2.Options)) (*lexmodelsv2.ListBotsOutput, error)
	ListBotAliases(context.Context, *lexmodelsv2.ListBotAliasesInput, ...func(*lexmodelsv2.Options)) (*lexmodelsv2.ListBotAliasesOutput, error)
}

var (
	_ ConnectAPI = (*connect.Client)(nil)
	_ LexAPI     = (*lexmodelsv2.Client)(nil)
)

// Clients builds the clients of an export from an SDK configuration (the
// harness's guarded, rate-limited one, or the CLI's).
func Clients(cfg aws.Config) (ConnectAPI, LexAPI) {
	return connect.NewFromConfig(cfg), lexmodelsv2.NewFromConfig(cfg)
}

// Instance names the instance to export.
type Instance struct {
	Account, Region, ID, Alias string
}

// ARN is the instance ARN.
func (in Instance) ARN() string {
	return fmt.Sprintf("arn:aws:connect:%s:%s:instance/%s", in.Region, in.Account, in.ID)
}

// Name is the alias, or the id.
func (in Instance) Name() string {
	if in.Alias != "" {
		return in.Alias
	}
	return in.ID
}

// inFlight bounds the describe calls an export has in flight: the client's
// rate limiter paces them; a few at once keep its token bucket busy.
const inFlight = 4

// exporter holds one export's state.
type exporter struct {
	c   ConnectAPI
	lex LexAPI
	in  Instance
	s   *snapshot.Snapshot

	refs  map[string]string // id or ARN of a resource -> "kind/name"
	flows []flowItem        // flows and modules, listed before their content is read
}

// Take exports an instance. The snapshot's Instance records the account,
// region, instance id and alias (not compared).
func Take(ctx context.Context, c ConnectAPI, lex LexAPI, in Instance) (*snapshot.Snapshot, error) {
	x := &exporter{c: c, lex: lex, in: in, refs: map[string]string{},
		s: snapshot.New(map[string]string{"account": in.Account, "region": in.Region, "instance": in.ID, "alias": in.Alias})}
	// Inventory first: every list that gives the names references resolve to.
	steps := []struct {
		what string
		fn   func(context.Context) error
	}{
		{"hours of operation", x.hours},
		{"prompts", x.prompts},
		{"queues", x.queues},
		{"flows and modules", x.flowInventory},
		{"Lambda functions", x.lambdas},
		{"Lex bots", x.bots},
		{"phone numbers", x.phoneNumbers},
		{"routing profiles", x.routingProfiles},
		{"security profiles", x.securityProfiles},
		{"flow content", x.flowContent},
	}
	for _, st := range steps {
		if err := st.fn(ctx); err != nil {
			return nil, fmt.Errorf("snapshot of instance %s (%s/%s): %s: %w", in.Name(), in.Account, in.Region, st.what, err)
		}
	}
	return x.s, nil
}

// ref records that id and arn name the resource kind/name.
func (x *exporter) ref(k snapshot.Kind, name string, ids ...string) string {
	r := snapshot.Ref(k, name)
	for _, id := range ids {
		if id != "" {
			x.refs[id] = r
		}
	}
	return r
}

// resolve turns an id or ARN into its reference ("" when unknown).
func (x *exporter) resolve(idOrARN string) string {
	if idOrARN == "" {
		return ""
	}
	if r, ok := x.refs[idOrARN]; ok {
		return r
	}
	return ""
}

// each runs fn for 0..n-1, at most inFlight at once, and returns the first error.
func each(n int, fn func(i int) error) error {
	errs := make([]error, n)
	sem := make(chan struct{}, inFlight)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// --- hours, prompts, queues ----------------------------------------------------------

func (x *exporter) hours(ctx context.Context) error {
	var list []ctypes.HoursOfOperationSummary
	p := connect.NewListHoursOfOperationsPaginator(x.c, &connect.ListHoursOfOperationsInput{InstanceId: aws.String(x.in.ID), MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		list = append(list, page.HoursOfOperationSummaryList...)
	}
	cfgs := make([]map[string]any, len(list))
	err := each(len(list), func(i int) error {
		out, err := x.c.DescribeHoursOfOperation(ctx, &connect.DescribeHoursOfOperationInput{InstanceId: aws.String(x.in.ID), HoursOfOperationId: list[i].Id})
		if err != nil {
			return fmt.Errorf("describe %s: %w", aws.ToString(list[i].Name), err)
		}
		h := out.HoursOfOperation
		if h == nil {
			return fmt.Errorf("describe %s: empty answer", aws.ToString(list[i].Name))
		}
		days := map[string][]string{}
		for _, c := range h.Config {
			if c.StartTime == nil || c.EndTime == nil {
				return fmt.Errorf("describe %s: %s without start or end time", aws.ToString(list[i].Name), c.Day)
			}
			days[string(c.Day)] = append(days[string(c.Day)], fmt.Sprintf("%02d:%02d-%02d:%02d",
				aws.ToInt32(c.StartTime.Hours), aws.ToInt32(c.StartTime.Minutes), aws.ToInt32(c.EndTime.Hours), aws.ToInt32(c.EndTime.Minutes)))
		}
		week := map[string]any{}
		for d, slots := range days {
			sort.Strings(slots)
			week[d] = toAny(slots)
		}
		cfgs[i] = map[string]any{"time_zone": aws.ToString(h.TimeZone), "days": week}
		if d := aws.ToString(h.Description); d != "" {
			cfgs[i]["description"] = d
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, h := range list {
		x.ref(snapshot.Hours, aws.ToString(h.Name), aws.ToString(h.Id), aws.ToString(h.Arn))
		if err := x.s.Add(snapshot.Hours, aws.ToString(h.Name), cfgs[i]); err != nil {
			return err
		}
	}
	return nil
}

func (x *exporter) prompts(ctx context.Context) error {
	p := connect.NewListPromptsPaginator(x.c, &connect.ListPromptsInput{InstanceId: aws.String(x.in.ID), MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		for _, pr := range page.PromptSummaryList {
			// ListPrompts gives names only; the audio itself is not
			// readable through the API without downloading it.
			x.ref(snapshot.Prompts, aws.ToString(pr.Name), aws.ToString(pr.Id), aws.ToString(pr.Arn))
			if err := x.s.Add(snapshot.Prompts, aws.ToString(pr.Name), map[string]any{}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (x *exporter) queues(ctx context.Context) error {
	var list []ctypes.QueueSummary
	p := connect.NewListQueuesPaginator(x.c, &connect.ListQueuesInput{InstanceId: aws.String(x.in.ID),
		QueueTypes: []ctypes.QueueType{ctypes.QueueTypeStandard}, MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		list = append(list, page.QueueSummaryList...)
	}
	for _, q := range list {
		x.ref(snapshot.Queues, aws.ToString(q.Name), aws.ToString(q.Id), aws.ToString(q.Arn))
	}
	cfgs := make([]map[string]any, len(list))
	err := each(len(list), func(i int) error {
		out, err := x.c.DescribeQueue(ctx, &connect.DescribeQueueInput{InstanceId: aws.String(x.in.ID), QueueId: list[i].Id})
		if err != nil {
			return fmt.Errorf("describe %s: %w", aws.ToString(list[i].Name), err)
		}
		q := out.Queue
		if q == nil {
			return fmt.Errorf("describe %s: empty answer", aws.ToString(list[i].Name))
		}
		cfg := map[string]any{"status": string(q.Status), "max_contacts": float64(aws.ToInt32(q.MaxContacts))}
		if d := aws.ToString(q.Description); d != "" {
			cfg["description"] = d
		}
		if id := aws.ToString(q.HoursOfOperationId); id != "" {
			cfg["hours"] = x.resolveOr(id, "hours")
		}
		if oc := q.OutboundCallerConfig; oc != nil {
			if n := aws.ToString(oc.OutboundCallerIdName); n != "" {
				cfg["outbound_caller_id_name"] = n
			}
			// OutboundFlowId is resolved once the flows are listed (flowInventory runs later).
			if f := aws.ToString(oc.OutboundFlowId); f != "" {
				cfg["outbound_flow"] = f
			}
		}
		cfgs[i] = cfg
		return nil
	})
	if err != nil {
		return err
	}
	for i, q := range list {
		if err := x.s.Add(snapshot.Queues, aws.ToString(q.Name), cfgs[i]); err != nil {
			return err
		}
	}
	return nil
}

// resolveOr resolves a reference, keeping an unresolvable id visible as
// "unknown <what> <id>" (so a dangling reference shows up in a diff).
func (x *exporter) resolveOr(id, what string) string {
	if r := x.resolve(id); r != "" {
		return r
	}
	return "unknown " + what + " " + lastSegment(id)
}

func lastSegment(idOrARN string) string {
	if i := strings.LastIndexByte(idOrARN, '/'); i >= 0 {
		return idOrARN[i+1:]
	}
	return idOrARN
}

// --- flows and modules ----------------------------------------------------------------

// flowItem is a flow or module listed by flowInventory; its content is read
// last (flowContent), when every reference can be resolved.
type flowItem struct {
	kind        snapshot.Kind
	id, name    string
	typ         string
	state       string
	status      string
	description string
}

func (x *exporter) flowInventory(ctx context.Context) error {
	fp := connect.NewListContactFlowsPaginator(x.c, &connect.ListContactFlowsInput{InstanceId: aws.String(x.in.ID), MaxResults: aws.Int32(1000)})
	for fp.HasMorePages() {
		page, err := fp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list flows: %w", err)
		}
		for _, f := range page.ContactFlowSummaryList {
			x.ref(snapshot.Flows, aws.ToString(f.Name), aws.ToString(f.Id), aws.ToString(f.Arn))
			x.flows = append(x.flows, flowItem{kind: snapshot.Flows, id: aws.ToString(f.Id), name: aws.ToString(f.Name),
				typ: string(f.ContactFlowType), state: string(f.ContactFlowState), status: string(f.ContactFlowStatus)})
		}
	}
	mp := connect.NewListContactFlowModulesPaginator(x.c, &connect.ListContactFlowModulesInput{InstanceId: aws.String(x.in.ID), MaxResults: aws.Int32(1000)})
	for mp.HasMorePages() {
		page, err := mp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list flow modules: %w", err)
		}
		for _, m := range page.ContactFlowModulesSummaryList {
			x.ref(snapshot.Modules, aws.ToString(m.Name), aws.ToString(m.Id), aws.ToString(m.Arn))
			x.flows = append(x.flows, flowItem{kind: snapshot.Modules, id: aws.ToString(m.Id), name: aws.ToString(m.Name), state: string(m.State)})
		}
	}
	// Queues read before the flows: resolve their outbound flows now.
	for _, name := range x.s.Names(snapshot.Queues) {
		cfg := x.s.Resources[snapshot.Queues][name].Config
		if f, ok := cfg["outbound_flow"].(string); ok {
			cfg["outbound_flow"] = x.resolveOr(f, "flow")
		}
	}
	return nil
}

func (x *exporter) flowContent(ctx context.Context) error {
	cfgs := make([]map[string]any, len(x.flows))
	err := each(len(x.flows), func(i int) error {
		f := x.flows[i]
		var content, description, status, state string
		if f.kind == snapshot.Flows {
			if f.status == string(ctypes.ContactFlowStatusSaved) {
				// Saved, never published: DescribeContactFlow answers
				// ContactFlowNotPublishedException; there is no live content.
				cfgs[i] = map[string]any{"type": f.typ, "state": f.state, "status": f.status}
				return nil
			}
			out, err := x.c.DescribeContactFlow(ctx, &connect.DescribeContactFlowInput{InstanceId: aws.String(x.in.ID), ContactFlowId: aws.String(f.id)})
			if err != nil {
				return fmt.Errorf("describe flow %s: %w", f.name, err)
			}
			if out.ContactFlow == nil {
				return fmt.Errorf("describe flow %s: empty answer", f.name)
			}
			content, description = aws.ToString(out.ContactFlow.Content), aws.ToString(out.ContactFlow.Description)
			status, state = string(out.ContactFlow.Status), string(out.ContactFlow.State)
		} else {
			out, err := x.c.DescribeContactFlowModule(ctx, &connect.DescribeContactFlowModuleInput{InstanceId: aws.String(x.in.ID), ContactFlowModuleId: aws.String(f.id)})
			if err != nil {
				return fmt.Errorf("describe flow module %s: %w", f.name, err)
			}
			if out.ContactFlowModule == nil {
				return fmt.Errorf("describe flow module %s: empty answer", f.name)
			}
			content, description = aws.ToString(out.ContactFlowModule.Content), aws.ToString(out.ContactFlowModule.Description)
			status, state = string(out.ContactFlowModule.Status), string(out.ContactFlowModule.State)
		}
		norm, sum, err := x.normalize(content)
		if err != nil {
			return fmt.Errorf("%s %s: %w", strings.TrimSuffix(string(f.kind), "s"), f.name, err)
		}
		cfg := map[string]any{"state": state, "status": status, "content": norm, "content_sha256": sum}
		if f.typ != "" {
			cfg["type"] = f.typ
		}
		if description != "" {
			cfg["description"] = description
		}
		cfgs[i] = cfg
		return nil
	})
	if err != nil {
		return err
	}
	for i, f := range x.flows {
		if err := x.s.Add(f.kind, f.name, cfgs[i]); err != nil {
			return err
		}
	}
	return nil
}

// normalize parses flow content, drops its layout metadata, replaces every
// identifier it knows by a reference, and returns the result with the
// SHA-256 of its canonical JSON.
func (x *exporter) normalize(content string) (map[string]any, string, error) {
	var v map[string]any
	if err := json.Unmarshal([]byte(content), &v); err != nil {
		return nil, "", fmt.Errorf("content is not a JSON object: %w", err)
	}
	delete(v, "Metadata") // editor layout (positions, display names): not behaviour
	norm := x.replace(v).(map[string]any)
	b, err := snapshot.Encode(norm)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(b)
	return norm, hex.EncodeToString(sum[:]), nil
}

// replace walks a JSON value replacing strings that are identifiers.
func (x *exporter) replace(v any) any {
	switch t := v.(type) {
	case string:
		if r := x.resolve(t); r != "" {
			return r
		}
		if r, ok := lambdaRef(t); ok {
			return r
		}
		// An ARN of this instance that names nothing it has (a deleted
		// resource): keep it, without the instance's own id and region, so
		// that the same dangling reference compares equal across instances.
		if rest, ok := strings.CutPrefix(t, x.in.ARN()+"/"); ok {
			return "{instance}/" + rest
		}
		return t
	case map[string]any:
		for k, e := range t {
			t[k] = x.replace(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = x.replace(e)
		}
		return t
	}
	return v
}

// lambdaRef turns a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:
// function:NAME[:QUALIFIER]) into lambda-functions/NAME[:QUALIFIER].
func lambdaRef(s string) (string, bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" || len(parts) > 8 {
		return "", false
	}
	name := parts[6]
	if len(parts) == 8 {
		name += ":" + parts[7]
	}
	return snapshot.Ref(snapshot.LambdaFunctions, name), true
}

// --- Lambda and Lex associations -------------------------------------------------------------

func (x *exporter) lambdas(ctx context.Context) error {
	p := connect.NewListLambdaFunctionsPaginator(x.c, &connect.ListLambdaFunctionsInput{InstanceId: aws.String(x.in.ID), MaxResults: aws.Int32(25)}) // model MaxResult25
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list associations: %w", err)
		}
		for _, arn := range page.LambdaFunctions {
			r, ok := lambdaRef(arn)
			if !ok {
				return fmt.Errorf("associated function %q is not a Lambda function ARN", arn)
			}
			name := strings.TrimPrefix(r, string(snapshot.LambdaFunctions)+"/")
			fn, qual, _ := strings.Cut(name, ":")
			cfg := map[string]any{"function": fn}
			if qual != "" {
				cfg["qualifier"] = qual
			}
			x.refs[arn] = r
			if err := x.s.Add(snapshot.LambdaFunctions, name, cfg); err != nil {
				return err
			}
		}
	}
	return nil
}

// bots records the Lex V2 bot aliases associated with the instance as
// lex-bots/BOT:ALIAS (names from Lex V2 ListBots and ListBotAliases).
func (x *exporter) bots(ctx context.Context) error {
	var aliasARNs []string
	p := connect.NewListBotsPaginator(x.c, &connect.ListBotsInput{InstanceId: aws.String(x.in.ID), LexVersion: ctypes.LexVersionV2, MaxResults: aws.Int32(25)}) // model MaxResult25
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list associations: %w", err)
		}
		for _, b := range page.LexBots {
			if b.LexV2Bot != nil && aws.ToString(b.LexV2Bot.AliasArn) != "" {
				aliasARNs = append(aliasARNs, aws.ToString(b.LexV2Bot.AliasArn))
			}
		}
	}
	if len(aliasARNs) == 0 {
		return nil
	}
	botNames := map[string]string{}
	bp := lexmodelsv2.NewListBotsPaginator(x.lex, &lexmodelsv2.ListBotsInput{MaxResults: aws.Int32(1000)})
	for bp.HasMorePages() {
		page, err := bp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list Lex V2 bots: %w", err)
		}
		for _, b := range page.BotSummaries {
			botNames[aws.ToString(b.BotId)] = aws.ToString(b.BotName)
		}
	}
	aliasNames := map[string]map[string]string{} // bot id -> alias id -> name
	for _, arn := range aliasARNs {
		// arn:aws:lex:REGION:ACCOUNT:bot-alias/BOTID/ALIASID
		_, rest, ok := strings.Cut(arn, ":bot-alias/")
		botID, aliasID, ok2 := strings.Cut(rest, "/")
		if !ok || !ok2 {
			return fmt.Errorf("associated bot %q is not a Lex V2 alias ARN", arn)
		}
		bot, ok := botNames[botID]
		if !ok {
			return fmt.Errorf("associated bot alias %s: bot %s not found in Lex V2", arn, botID)
		}
		if aliasNames[botID] == nil {
			aliasNames[botID] = map[string]string{}
			ap := lexmodelsv2.NewListBotAliasesPaginator(x.lex, &lexmodelsv2.ListBotAliasesInput{BotId: aws.String(botID), MaxResults: aws.Int32(1000)})
			for ap.HasMorePages() {
				page, err := ap.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("list aliases of bot %s: %w", bot, err)
				}
				for _, a := range page.BotAliasSummaries {
					aliasNames[botID][aws.ToString(a.BotAliasId)] = aws.ToString(a.BotAliasName)
				}
			}
		}
		alias, ok := aliasNames[botID][aliasID]
		if !ok {
			return fmt.Errorf("associated bot alias %s: alias %s of bot %s not found in Lex V2", arn, aliasID, bot)
		}
		name := bot + ":" + alias
		x.refs[arn] = snapshot.Ref(snapshot.LexBots, name)
		if err := x.s.Add(snapshot.LexBots, name, map[string]any{"bot": bot, "alias": alias}); err != nil {
			return err
		}
	}
	return nil
}

// --- phone numbers ----------------------------------------------------------------------------------

func (x *exporter) phoneNumbers(ctx context.Context) error {
	flowOf := map[string]string{} // phone number ARN -> flow ARN
	ap := connect.NewListFlowAssociationsPaginator(x.c, &connect.ListFlowAssociationsInput{InstanceId: aws.String(x.in.ID),
		ResourceType: ctypes.ListFlowAssociationResourceTypeVoicePhoneNumber, MaxResults: aws.Int32(1000)})
	for ap.HasMorePages() {
		page, err := ap.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list flow associations: %w", err)
		}
		for _, a := range page.FlowAssociationSummaryList {
			flowOf[aws.ToString(a.ResourceId)] = aws.ToString(a.FlowId)
		}
	}
	p := connect.NewListPhoneNumbersV2Paginator(x.c, &connect.ListPhoneNumbersV2Input{TargetArn: aws.String(x.in.ARN()), MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		for _, n := range page.ListPhoneNumbersSummaryList {
			number := aws.ToString(n.PhoneNumber)
			x.ref(snapshot.PhoneNumbers, number, aws.ToString(n.PhoneNumberId), aws.ToString(n.PhoneNumberArn))
			cfg := map[string]any{"type": string(n.PhoneNumberType), "country": string(n.PhoneNumberCountryCode)}
			if d := aws.ToString(n.PhoneNumberDescription); d != "" {
				cfg["description"] = d
			}
			if f := flowOf[aws.ToString(n.PhoneNumberArn)]; f != "" {
				cfg["flow"] = f // resolved once the flows are listed
			}
			if err := x.s.Add(snapshot.PhoneNumbers, number, cfg); err != nil {
				return err
			}
		}
	}
	for _, name := range x.s.Names(snapshot.PhoneNumbers) {
		cfg := x.s.Resources[snapshot.PhoneNumbers][name].Config
		if f, ok := cfg["flow"].(string); ok {
			cfg["flow"] = x.resolveOr(f, "flow")
		}
	}
	return nil
}

// --- routing and security profiles ---------------------------------------------------------------------

func (x *exporter) routingProfiles(ctx context.Context) error {
	var list []ctypes.RoutingProfileSummary
	p := connect.NewListRoutingProfilesPaginator(x.c, &connect.ListRoutingProfilesInput{InstanceId: aws.String(x.in.ID), MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		list = append(list, page.RoutingProfileSummaryList...)
	}
	cfgs := make([]map[string]any, len(list))
	err := each(len(list), func(i int) error {
		name := aws.ToString(list[i].Name)
		out, err := x.c.DescribeRoutingProfile(ctx, &connect.DescribeRoutingProfileInput{InstanceId: aws.String(x.in.ID), RoutingProfileId: list[i].Id})
		if err != nil {
			return fmt.Errorf("describe %s: %w", name, err)
		}
		rp := out.RoutingProfile
		if rp == nil {
			return fmt.Errorf("describe %s: empty answer", name)
		}
		media := map[string]any{}
		for _, m := range rp.MediaConcurrencies {
			media[string(m.Channel)] = float64(aws.ToInt32(m.Concurrency))
		}
		queues := map[string]map[string]any{} // queue ref -> channel -> {priority, delay}
		qp := connect.NewListRoutingProfileQueuesPaginator(x.c, &connect.ListRoutingProfileQueuesInput{InstanceId: aws.String(x.in.ID),
			RoutingProfileId: list[i].Id, MaxResults: aws.Int32(100)}) // model MaxResult100
		for qp.HasMorePages() {
			page, err := qp.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list queues of %s: %w", name, err)
			}
			for _, q := range page.RoutingProfileQueueConfigSummaryList {
				r := x.resolveOr(aws.ToString(q.QueueId), "queue")
				if queues[r] == nil {
					queues[r] = map[string]any{}
				}
				queues[r][string(q.Channel)] = map[string]any{"priority": float64(aws.ToInt32(q.Priority)), "delay": float64(q.Delay)}
			}
		}
		var ql []any
		for _, r := range sortedKeys(queues) {
			ql = append(ql, map[string]any{"name": r, "channels": queues[r]})
		}
		cfg := map[string]any{"media_concurrency": media, "queues": ql}
		if ql == nil {
			cfg["queues"] = []any{}
		}
		if d := aws.ToString(rp.Description); d != "" {
			cfg["description"] = d
		}
		if q := aws.ToString(rp.DefaultOutboundQueueId); q != "" {
			cfg["default_outbound_queue"] = x.resolveOr(q, "queue")
		}
		cfgs[i] = cfg
		return nil
	})
	if err != nil {
		return err
	}
	for i, rp := range list {
		x.ref(snapshot.RoutingProfiles, aws.ToString(rp.Name), aws.ToString(rp.Id), aws.ToString(rp.Arn))
		if err := x.s.Add(snapshot.RoutingProfiles, aws.ToString(rp.Name), cfgs[i]); err != nil {
			return err
		}
	}
	return nil
}

func (x *exporter) securityProfiles(ctx context.Context) error {
	var list []ctypes.SecurityProfileSummary
	p := connect.NewListSecurityProfilesPaginator(x.c, &connect.ListSecurityProfilesInput{InstanceId: aws.String(x.in.ID), MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		list = append(list, page.SecurityProfileSummaryList...)
	}
	cfgs := make([]map[string]any, len(list))
	err := each(len(list), func(i int) error {
		name := aws.ToString(list[i].Name)
		out, err := x.c.DescribeSecurityProfile(ctx, &connect.DescribeSecurityProfileInput{InstanceId: aws.String(x.in.ID), SecurityProfileId: list[i].Id})
		if err != nil {
			return fmt.Errorf("describe %s: %w", name, err)
		}
		if out.SecurityProfile == nil {
			return fmt.Errorf("describe %s: empty answer", name)
		}
		var perms []string
		pp := connect.NewListSecurityProfilePermissionsPaginator(x.c, &connect.ListSecurityProfilePermissionsInput{InstanceId: aws.String(x.in.ID),
			SecurityProfileId: list[i].Id, MaxResults: aws.Int32(1000)})
		for pp.HasMorePages() {
			page, err := pp.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list permissions of %s: %w", name, err)
			}
			perms = append(perms, page.Permissions...)
		}
		sort.Strings(perms)
		cfg := map[string]any{"permissions": toAny(perms)}
		if d := aws.ToString(out.SecurityProfile.Description); d != "" {
			cfg["description"] = d
		}
		cfgs[i] = cfg
		return nil
	})
	if err != nil {
		return err
	}
	for i, sp := range list {
		x.ref(snapshot.SecurityProfiles, aws.ToString(sp.Name), aws.ToString(sp.Id), aws.ToString(sp.Arn))
		if err := x.s.Add(snapshot.SecurityProfiles, aws.ToString(sp.Name), cfgs[i]); err != nil {
			return err
		}
	}
	return nil
}

// --- helpers ------------------------------------------------------------------------------------------------

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
