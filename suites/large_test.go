package suites

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
)

// TestDailySuiteOnLargeInstance runs the daily suite against the generated
// large scenario (fixtures/scenarios/large: 1,000 queues, 2,000 agents) with
// the simulator's AWS quotas on, as `make daily` would: no control may end
// in error (a throttling error would), every control passes, and the calls
// the run made stay within 5 % of the minimum its checks need (DESIGN.md
// section 7), counted from the simulator's call log.
func TestDailySuiteOnLargeInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the daily suite against a 1,000-queue instance (about 30 s)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "daily.test")
	if out, err := exec.Command("go", "test", "-c", "-tags", "daily", "-o", bin, "./daily").CombinedOutput(); err != nil {
		t.Fatalf("build the daily suite: %v\n%s", err, out)
	}
	scenarioPath, _ := filepath.Abs("../fixtures/scenarios/large/large.yaml")
	configPath, _ := filepath.Abs("../fixtures/scenarios/large/large.config.yaml")
	callsPath := filepath.Join(dir, "sim-calls.jsonl")
	res := runScenario(t, scenarioPath, []string{"daily"}, map[string]string{"daily": bin},
		"COMPLIANCE_CONFIG="+configPath, "COMPLIANCE_SIM_CALLS="+callsPath)
	if len(res.Controls) == 0 {
		t.Fatal("no control ran")
	}
	for _, c := range res.Controls {
		if c.Tag != "daily" {
			continue
		}
		if c.Outcome != evidence.Pass {
			t.Errorf("%s: %s, want pass: %s %s", c.ID, c.Outcome, c.Summary, c.Error)
		}
	}

	calls, throttled := readCalls(t, callsPath)
	if throttled > 0 {
		t.Errorf("%d calls were throttled by the simulator's quotas: the clients' rate limits must keep under them", throttled)
	}
	minimum := dailyMinimumCalls(t, scenarioPath)
	var lines []string
	total, min := 0, 0
	for _, op := range sortedOps(calls, minimum) {
		got, want := calls[op], minimum[op]
		total, min = total+got, min+want
		lines = append(lines, fmt.Sprintf("%-45s %4d (minimum %d)", op, got, want))
		if want == 0 {
			t.Errorf("%s: %d calls, but the checks need none", op, got)
		}
	}
	t.Logf("daily suite on the large instance: %d calls, minimum %d (%.3fx)\n%s", total, min, float64(total)/float64(min), strings.Join(lines, "\n"))
	if float64(total) > 1.05*float64(min) {
		t.Errorf("%d calls, more than 1.05 x the %d the checks need", total, min)
	}
}

// readCalls counts a call log by "service:Operation" (signing name).
func readCalls(t *testing.T, path string) (map[string]int, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("call log: %v", err)
	}
	defer f.Close()
	calls, throttled := map[string]int{}, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c struct {
			Service, Operation string
			Throttled          bool
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		calls[c.Service+":"+c.Operation]++
		if c.Throttled {
			throttled++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return calls, throttled
}

// dailyMinimumCalls is the fewest calls the daily checks need on the
// generated world, each API's largest page and batch taken: one pass over
// each inventory (SearchQueues 500 a page, SearchRoutingProfiles 500,
// ListLambdaFunctions 25 ...), real-time and historical metrics in batches of
// 100 queues or routing profiles, agents' real-time data 100 a page, one
// DescribePhoneNumber and one GetFunctionConfiguration and log search per
// number and function, and every CloudWatch query of the run packed 500 to a
// GetMetricData call.
func dailyMinimumCalls(t *testing.T, scenarioPath string) map[string]int {
	t.Helper()
	sc, err := scenarios.LoadFile(scenarioPath, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	in := sc.World.Accounts["123456789012"].Regions["us-east-1"].Connect.Instances[0]
	pages := func(n, size int) int { return max(1, (n+size-1)/size) }
	queues, online := 0, 0
	for _, q := range in.Queues {
		if q.Type == "STANDARD" && q.Status == "ENABLED" {
			queues++
		}
	}
	for _, u := range in.Users {
		if u.Status != "Offline" {
			online++
		}
	}
	fns, numbers, flows, profiles := len(in.LambdaFunctions), len(in.PhoneNumbers), len(in.Flows), len(in.RoutingProfiles)
	// CloudWatch queries: QueueSize per queue (DAILY-QUEUE-02), capacity per
	// queue and missed calls (DAILY-ROUTING-03), 3 capacity metrics
	// (DAILY-DASH-03), 2 per flow (DAILY-DASH-04), misconfigured numbers
	// (DAILY-ROUTING-02), 3 per function (DAILY-LAMBDA-02), packet loss
	// (DAILY-TEL-02).
	cwQueries := queues + queues + 1 + 3 + 2*flows + 1 + 3*fns + 1
	return map[string]int{
		"sts:GetCallerIdentity":                    1,
		"connect:SearchQueues":                     pages(queues, 500),
		"connect:SearchRoutingProfiles":            pages(profiles, 500),
		"connect:GetCurrentMetricData":             pages(queues, 100) + pages(profiles, 100),
		"connect:GetMetricDataV2":                  pages(queues, 100),
		"connect:GetCurrentUserData":               pages(online, 100),
		"connect:SearchAgentStatuses":              1,
		"connect:ListPhoneNumbersV2":               pages(numbers, 1000),
		"connect:DescribePhoneNumber":              numbers,
		"connect:ListFlowAssociations":             1,
		"connect:ListContactFlows":                 pages(flows, 1000),
		"connect:ListLambdaFunctions":              pages(fns, 25),
		"connect:DescribeInstanceAttribute":        1,
		"lambda:GetFunctionConfiguration":          fns,
		"logs:FilterLogEvents":                     fns,
		"monitoring:GetMetricData":                 pages(cwQueries, 500),
		"monitoring:ListDashboards":                1,
		"monitoring:GetDashboard":                  1,
		"monitoring:DescribeAlarms":                1,
		"chime:GetVoiceConnectorTerminationHealth": 1,
	}
}

func sortedOps(a, b map[string]int) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]int{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}
