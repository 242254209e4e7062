package suites

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
)

// simCalls is every operation the simulator answered while the suites ran
// the scenarios of this test binary (TestScenariosMeetTheirExpectations),
// by SDK service ID: "Connect:ListQueues".
var simCalls = struct {
	sync.Mutex
	ops       map[string][]string // op -> scenarios that called it
	scenarios map[string]bool     // scenarios whose call log was read
}{ops: map[string][]string{}, scenarios: map[string]bool{}}

// recordSimCalls reads a suite run's call log (sim-calls.jsonl) and checks
// that every operation the suites made is on the read-only allowlist and in
// the committed least-privilege IAM policy: a control calling something the
// shipped policy does not grant would be denied in every live account. A run
// that stopped before the simulator started has no log.
func recordSimCalls(t *testing.T, scenario, path string) {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	policy := committedPolicy(t)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	seen := map[string]bool{}
	for sc.Scan() {
		var c struct{ Service, Operation string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		svc, ok := awsclient.ServiceForSigningName(c.Service)
		if !ok {
			t.Errorf("scenario %s: the suites called %s:%s, a service with no row in awsclient.Services", scenario, c.Service, c.Operation)
			continue
		}
		op := svc + ":" + c.Operation
		if seen[op] {
			continue
		}
		seen[op] = true
		if !awsclient.Allowed(svc, c.Operation) {
			t.Errorf("scenario %s: the suites called %s, which is not on the read-only allowlist", scenario, op)
		}
		if !readOperation(c.Operation) {
			t.Errorf("scenario %s: the suites called %s, whose name is not a read (%s...): a mutating call", scenario, op, strings.Join(readVerbs, ", "))
		}
		actions, _ := awsclient.IAMActions(svc, c.Operation)
		for _, a := range actions {
			if !policy.Allows(a) {
				t.Errorf("scenario %s: the suites called %s, but deploy/iam/readonly-policy.json does not allow %s", scenario, op, a)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	simCalls.Lock()
	defer simCalls.Unlock()
	simCalls.scenarios[scenario] = true
	for op := range seen {
		simCalls.ops[op] = append(simCalls.ops[op], scenario)
	}
}

// readVerbs begin the names of the AWS operations that only read (the
// suites run outside drills, so every call they make must be one): a second
// line of defence besides the allowlist, should a write ever be listed there.
var readVerbs = []string{"Get", "List", "Describe", "Lookup", "Filter", "Search", "Head"}

func readOperation(op string) bool {
	for _, v := range readVerbs {
		if strings.HasPrefix(op, v) {
			return true
		}
	}
	return false
}

// checkAllowlistIsUsed runs after every scenario ran: each operation on the
// allowlist must have been called by some suite, or be justified in
// awsclient.NotCalledInSim; an unused grant is privilege nobody needs.
func checkAllowlistIsUsed(t *testing.T, scenarios []string) {
	t.Helper()
	simCalls.Lock()
	defer simCalls.Unlock()
	var missing []string
	for _, s := range scenarios {
		if !simCalls.scenarios[s] {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		t.Logf("allowlist usage not checked: no call log from scenarios %v (filtered with -run?)", missing)
		return
	}
	for _, op := range awsclient.AllowedOperations() {
		_, called := simCalls.ops[op]
		why, justified := awsclient.NotCalledInSim[op]
		switch {
		case called && justified:
			t.Errorf("%s is called by the suites; remove its justification from awsclient.NotCalledInSim (%q)", op, why)
		case !called && !justified:
			t.Errorf("%s is on the read-only allowlist but no suite called it in any scenario: remove it, or justify it in awsclient.NotCalledInSim", op)
		}
	}
	var ops []string
	for op := range simCalls.ops {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	t.Logf("operations the suites called in sim mode: %s", strings.Join(ops, ", "))
}

var policyOnce struct {
	sync.Once
	p   *awsclient.PolicyDocument
	err error
}

// committedPolicy is deploy/iam/readonly-policy.json (cmd/compliance tests
// that it is what `compliance iam-policy` generates).
func committedPolicy(t *testing.T) *awsclient.PolicyDocument {
	t.Helper()
	policyOnce.Do(func() {
		b, err := os.ReadFile("../deploy/iam/readonly-policy.json")
		if err != nil {
			policyOnce.err = err
			return
		}
		var p awsclient.PolicyDocument
		policyOnce.err = json.Unmarshal(b, &p)
		policyOnce.p = &p
	})
	if policyOnce.err != nil {
		t.Fatal(policyOnce.err)
	}
	return policyOnce.p
}
