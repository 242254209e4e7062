package awsclient

import "sort"

// Allowlist is the read-only operations the suites may call, by SDK service
// ID ("Connect") and operation name. Everything else is refused by the guard.
// The least-privilege IAM policy is generated from the same list.
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

// Allowed reports whether an operation is on the read-only allowlist.
func Allowed(service, operation string) bool {
	for _, op := range Allowlist[service] {
		if op == operation {
			return true
		}
	}
	return false
}

// AllowedOperations returns "Service:Operation" for every allowed operation, sorted.
func AllowedOperations() []string {
	var out []string
	for svc, ops := range Allowlist {
		for _, op := range ops {
			out = append(out, svc+":"+op)
		}
	}
	sort.Strings(out)
	return out
}
