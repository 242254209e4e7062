// Package rollback answers what a rollback of an Amazon Connect change can
// go back to: how many saved versions each published flow has
// (ListContactFlowVersions), and whether a configuration snapshot (the
// baseline a change request names) could be restored onto an instance:
// it reads back, its flow content parses, and everything it refers to
// either comes with it or still exists in the instance.
//
// It reads and reports; the change suite's rollback control judges.
package rollback

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	ctypes "github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/connect-compliance/connect-compliance/helpers/connectflow"
	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

// FlowAPI is the part of the Connect client FlowVersions uses.
type FlowAPI interface {
	ListContactFlows(context.Context, *connect.ListContactFlowsInput, ...func(*connect.Options)) (*connect.ListContactFlowsOutput, error)
	ListContactFlowVersions(context.Context, *connect.ListContactFlowVersionsInput, ...func(*connect.Options)) (*connect.ListContactFlowVersionsOutput, error)
}

var _ FlowAPI = (*connect.Client)(nil)

// FlowVersions returns, for every published, active flow of an instance, the
// number of saved versions it has (by flow name). Versions are what a flow
// can be reverted to without the pipeline.
func FlowVersions(ctx context.Context, api FlowAPI, instanceID string) (map[string]int, error) {
	type flow struct{ id, name string }
	var flows []flow
	p := connect.NewListContactFlowsPaginator(api, &connect.ListContactFlowsInput{InstanceId: aws.String(instanceID), MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list flows of instance %s: %w", instanceID, err)
		}
		for _, f := range page.ContactFlowSummaryList {
			if f.ContactFlowStatus == ctypes.ContactFlowStatusPublished && f.ContactFlowState != ctypes.ContactFlowStateArchived {
				flows = append(flows, flow{aws.ToString(f.Id), aws.ToString(f.Name)})
			}
		}
	}
	counts := make([]int, len(flows))
	errs := make([]error, len(flows))
	sem := make(chan struct{}, 4) // the rate limiter paces; a few in flight keep its bucket busy
	var wg sync.WaitGroup
	for i, f := range flows {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			vp := connect.NewListContactFlowVersionsPaginator(api, &connect.ListContactFlowVersionsInput{InstanceId: aws.String(instanceID),
				ContactFlowId: aws.String(f.id), MaxResults: aws.Int32(1000)}) // model MaxResult1000
			for vp.HasMorePages() {
				page, err := vp.NextPage(ctx)
				if err != nil {
					errs[i] = fmt.Errorf("list versions of flow %s: %w", f.name, err)
					return
				}
				counts[i] += len(page.ContactFlowVersionSummaryList)
			}
		}()
	}
	wg.Wait()
	out := make(map[string]int, len(flows))
	for i, f := range flows {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out[f.name] = counts[i]
	}
	return out, nil
}

// notRestorable are the kinds a restore cannot create: they live outside
// the instance's configuration (numbers are claimed, functions and bots are
// deployed elsewhere), so a baseline may only refer to ones that exist.
var notRestorable = map[snapshot.Kind]bool{snapshot.PhoneNumbers: true, snapshot.LambdaFunctions: true, snapshot.LexBots: true}

// Problems lists why baseline could not be restored onto an instance whose
// configuration is now current: flow or module content that does not
// parse, references to resources neither in the baseline nor in the
// instance (or to phone numbers, Lambda functions or bots the instance no
// longer has) unless the current configuration refers to them too, and
// resources a change touches (declared) that exist now
// but that the baseline lacks, so a rollback could not bring them back.
func Problems(baseline, current *snapshot.Snapshot, declared []string) []string {
	var out []string
	for _, k := range []snapshot.Kind{snapshot.Flows, snapshot.Modules} {
		for _, name := range baseline.Names(k) {
			content, ok := baseline.Resources[k][name].Config["content"]
			if !ok {
				continue // saved, never published: nothing to restore
			}
			b, err := json.Marshal(content)
			if err == nil {
				if k == snapshot.Modules {
					_, err = connectflow.ParseModule(b)
				} else {
					_, err = connectflow.Parse(b)
				}
			}
			if err != nil {
				out = append(out, fmt.Sprintf("%s: %v", snapshot.Ref(k, name), err))
			}
		}
	}
	// A reference the instance's current configuration makes as well is
	// not something a restore would break.
	live := map[string]bool{}
	for _, k := range snapshot.Kinds {
		for _, name := range current.Names(k) {
			for _, ref := range refs(current.Resources[k][name].Config) {
				live[ref] = true
			}
		}
	}
	for _, k := range snapshot.Kinds {
		for _, name := range baseline.Names(k) {
			from := snapshot.Ref(k, name)
			for _, ref := range refs(baseline.Resources[k][name].Config) {
				kind, target, _ := strings.Cut(ref, "/")
				_, inBaseline := baseline.Get(snapshot.Kind(kind), target)
				_, inCurrent := current.Get(snapshot.Kind(kind), target)
				switch {
				case live[ref]:
				case notRestorable[snapshot.Kind(kind)] && !inCurrent:
					out = append(out, fmt.Sprintf("%s refers to %s, which the instance no longer has", from, ref))
				case !inBaseline && !inCurrent:
					out = append(out, fmt.Sprintf("%s refers to %s, in neither the baseline nor the instance", from, ref))
				}
			}
		}
	}
	for _, ref := range declared {
		kind, name, _ := strings.Cut(ref, "/")
		_, inBaseline := baseline.Get(snapshot.Kind(kind), name)
		_, inCurrent := current.Get(snapshot.Kind(kind), name)
		if inCurrent && !inBaseline && !notRestorable[snapshot.Kind(kind)] {
			out = append(out, fmt.Sprintf("%s is changed by the request but missing from the baseline", ref))
		}
	}
	sort.Strings(out)
	return out
}

// refs lists the references ("kind/name" of a known kind) inside a value,
// sorted and unique.
func refs(v any) []string {
	seen := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if kind, name, ok := strings.Cut(x, "/"); ok && name != "" {
				for _, k := range snapshot.Kinds {
					if string(k) == kind {
						seen[x] = true
					}
				}
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}
