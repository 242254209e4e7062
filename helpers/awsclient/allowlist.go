package awsclient

import "sort"

// Allowlist is the read-only operations the suites may call, by SDK service
// ID ("Connect") and operation name. Everything else is refused by the guard.
// The least-privilege IAM policy (`compliance iam-policy`,
// deploy/iam/readonly-policy.json) is generated from the same list, and a
// test checks that every operation the suites call in sim mode is on it and
// that every operation on it is called by some suite or justified in
// NotCalledInSim. A new service needs its row in Services.
var Allowlist = map[string][]string{
	// Amazon Connect: reads only (service ID from the SDK's ServiceID constant).
	"Connect": {
		"DescribeQueue",
		"GetCurrentMetricData",
		"GetMetricDataV2",
		"ListQueues",
		"ListRoutingProfileQueues",
		"ListRoutingProfiles",
	},
	"CloudWatch": {
		"GetMetricData",
	},
	// STS: credentials only (assume the configured role, identify the caller).
	"STS": {
		"AssumeRole",
		"GetCallerIdentity",
	},
}

// NotCalledInSim justifies allowlisted operations that no suite calls
// against the simulator ("Service:Operation" -> why it is on the list).
var NotCalledInSim = map[string]string{
	"STS:AssumeRole": "live mode only: the harness assumes accounts[].role_arn from the config; sim mode signs as the account directly",
}

// DrillAllowlist is the mutating operations of the opt-in drill steps of the
// dr suite (shift traffic to the standby region, restore a backup into a
// scratch bucket). They pass the guard only for a client built with
// Target.AllowDrill, which the harness sets only when the run opted in
// (COMPLIANCE_ALLOW_DRILL=1) and the config enables drills for that account
// and region (drill.enabled: true). `compliance iam-policy --drill` prints the
// separate policy for them (deploy/iam/drill-policy.json).
var DrillAllowlist = map[string][]string{
	"Connect": {
		"UpdateTrafficDistribution",
	},
	"S3": {
		"PutObject",
	},
}

// drillResources scopes drill actions to the resources a drill may touch
// (IAM resource ARN patterns); unlisted actions get "*".
var drillResources = map[string]string{
	"connect:UpdateTrafficDistribution": "arn:aws:connect:*:*:traffic-distribution-group/*",
	"s3:PutObject":                      "arn:aws:s3:::connect-compliance-drill-*/*",
}

// readResources scopes read-only actions that can be scoped without knowing
// the accounts; unlisted actions get "*" (read actions on Connect instances
// in any account the role lives in).
var readResources = map[string]string{
	// The roles the harness assumes follow the naming convention of
	// deploy/iam/README.md.
	"sts:AssumeRole": "arn:aws:iam::*:role/connect-compliance-*",
}

// Allowed reports whether an operation is on the read-only allowlist.
func Allowed(service, operation string) bool { return listed(Allowlist, service, operation) }

// DrillOperation reports whether an operation is on the drill allowlist.
func DrillOperation(service, operation string) bool {
	return listed(DrillAllowlist, service, operation)
}

func listed(list map[string][]string, service, operation string) bool {
	for _, op := range list[service] {
		if op == operation {
			return true
		}
	}
	return false
}

// AllowedOperations returns "Service:Operation" for every allowed operation, sorted.
func AllowedOperations() []string { return operations(Allowlist) }

// DrillOperations returns "Service:Operation" for every drill operation, sorted.
func DrillOperations() []string { return operations(DrillAllowlist) }

func operations(list map[string][]string) []string {
	var out []string
	for svc, ops := range list {
		for _, op := range ops {
			out = append(out, svc+":"+op)
		}
	}
	sort.Strings(out)
	return out
}
