package suites

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
)

// TestOneRunJudgesEveryAccountAndRegion runs the suites once with the
// two-account, two-region example config: the harness fans out over the
// four account/region targets and every control's findings carry all four.
// When one target cannot be read (ListQueues denied there), each control is
// error with an error finding located at that account and region, and the
// other three are still judged.
func TestOneRunJudgesEveryAccountAndRegion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the suites")
	}
	cat, err := catalog.Load("catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tags := suiteTags(t, cat)
	bins := buildSuites(t, tags)
	cfg, err := filepath.Abs("../deploy/examples/two-accounts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	down := filepath.Join(t.TempDir(), "one-target-down.yaml")
	// Every call refused in one account and region (the role lacks every
	// permission there): the identity check fails, so each daily control,
	// whatever service it reads, is error there.
	if err := os.WriteFile(down, []byte("description: Every call refused in one account and region.\nbase: two-accounts\nfaults:\n"+
		"  - {account: \"123456789012\", region: us-west-2, error: AccessDeniedException}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	all := []string{"123456789012/us-east-1", "123456789012/us-west-2", "210987654321/us-east-1", "210987654321/us-west-2"}
	for _, tc := range []struct {
		name, scenario, down string
	}{
		{"healthy", "two-accounts", ""},
		{"one target down", down, "123456789012/us-west-2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runScenario(t, tc.scenario, tags, bins, "COMPLIANCE_CONFIG="+cfg)
			for _, c := range res.Controls {
				if c.Tag != "daily" {
					continue // the multi-target scenario is written for the daily controls
				}
				if c.Outcome == evidence.NotApplicable {
					continue // nothing of it is configured for these targets (DAILY-TEL-03 without SIP trunks): no findings
				}
				worst := map[string]evidence.Outcome{}
				for _, f := range c.Findings {
					if f.Account == "" || f.Region == "" {
						t.Errorf("%s: finding %s (%s) has no account/region", c.ID, f.Resource, f.Outcome)
					}
					k := f.Account + "/" + f.Region
					if o, ok := worst[k]; ok {
						worst[k] = evidence.Worst(o, f.Outcome)
					} else {
						worst[k] = f.Outcome
					}
				}
				var got, want []string
				for k, o := range worst {
					got = append(got, fmt.Sprintf("%s=%s", k, o))
				}
				for _, k := range all {
					o := evidence.Pass
					if k == tc.down {
						o = evidence.Error
					}
					want = append(want, fmt.Sprintf("%s=%s", k, o))
				}
				sort.Strings(got)
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s (%s): findings by account/region\n%v\nwant\n%v", c.ID, c.Outcome, got, want)
				}
				if wantOutcome := map[bool]evidence.Outcome{true: evidence.Pass, false: evidence.Error}[tc.down == ""]; c.Outcome != wantOutcome {
					t.Errorf("%s: outcome %s, want %s\n%s", c.ID, c.Outcome, wantOutcome, c.Error)
				}
			}
		})
	}
}
