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
		"ListInstanceStorageConfigs",       // monthly
		"DescribeInstance",                 // quarterly, dr
		"ListTrafficDistributionGroups",    // quarterly, dr
		"GetTrafficDistribution",           // quarterly, dr
		"DescribeTrafficDistributionGroup", // quarterly, dr
		"ListContactFlows",                 // quarterly, dr
		"DescribeContactFlow",              // quarterly, dr
		"ListContactFlowModules",           // quarterly, dr
		"DescribeContactFlowModule",        // quarterly, dr
		"ListBots",                         // quarterly, dr
		"ListIntegrationAssociations",      // quarterly: QUARTERLY-INTEG-01
		"SearchQueues",                     // daily: queue inventory, 500 a call
		"SearchRoutingProfiles",            // daily: routing profiles with queues and user counts
		"SearchAgentStatuses",              // daily
		"ListPhoneNumbersV2",               // daily
		"DescribePhoneNumber",              // daily: claim status
		"ListFlowAssociations",             // daily: phone number -> flow
		"GetCurrentUserData",               // daily: agents' real-time status
		"ListLambdaFunctions",              // daily: functions the instance invokes
		"DescribeInstanceAttribute",        // daily: CONTACTFLOW_LOGS
		"DescribeRoutingProfile",           // change: configuration snapshot
		"ListHoursOfOperations",            // change: configuration snapshot
		"DescribeHoursOfOperation",         // change: configuration snapshot
		"ListPrompts",                      // change: configuration snapshot
		"ListSecurityProfiles",             // change: configuration snapshot
		"DescribeSecurityProfile",          // change: configuration snapshot
		"ListSecurityProfilePermissions",   // change: configuration snapshot
		"ListContactFlowVersions",          // change: flow versions to roll back to
	},
	"CloudWatch": {
		"GetMetricData",
		"DescribeAlarms", // daily
		"GetDashboard",   // daily
		"ListDashboards", // daily
	},
	// daily (7.1.5): an external SIP trunk's termination health
	"Chime SDK Voice": {
		"GetVoiceConnectorTerminationHealth",
	},
	// STS: credentials only (assume the configured role, identify the caller).
	"STS": {
		"AssumeRole",
		"GetCallerIdentity",
	},
	// change (7.4): the deployment pipeline, its runs and their actions
	"CodePipeline": {
		"GetPipeline",
		"GetPipelineState",
		"ListActionExecutions",
		"ListPipelineExecutions",
	},
	// monthly (7.2): trails, their status, trail changes
	"CloudTrail": {
		"DescribeTrails",
		"GetTrailStatus",
		"LookupEvents",
	},
	// monthly (7.2): log group retention, CloudTrail and database logs
	"CloudWatch Logs": {
		"DescribeLogGroups",
		"FilterLogEvents",
	},
	// monthly (7.2): retention settings of Connect storage buckets; sampled backup objects (GetObject reads only)
	"S3": {
		"GetBucketEncryption",
		"GetBucketLifecycleConfiguration",
		"GetBucketVersioning",
		"GetObject",
		"GetObjectLockConfiguration",
		"GetPublicAccessBlock",
		"ListObjectsV2",
	},
	// monthly (7.2): recovery points, backup and restore jobs
	"Backup": {
		"DescribeRestoreJob", // dr: the restore drill polls its job
		"ListBackupJobs",
		"ListProtectedResources",
		"ListRecoveryPointsByResource",
		"ListRestoreJobs",
	},
	// monthly (7.2): tables, point-in-time recovery
	"DynamoDB": {
		"DescribeContinuousBackups",
		"DescribeTable",
		"ListTables",
	},
	// monthly (7.2): DB instances
	"RDS": {
		"DescribeDBInstances",
	},
	// quarterly, dr (7.3): function runtimes, versions and aliases
	"Lambda": {
		"ListAliases",
		"ListFunctions",
		"ListVersionsByFunction",
		"GetFunctionConfiguration", // daily
	},
	// quarterly (7.3.6): Lex V2 bots and their aliases
	"Lex Models V2": {
		"ListBotAliases",
		"ListBots",
	},
	// quarterly (7.3.7): CRM connector credentials' rotation metadata (never their values)
	"Secrets Manager": {
		"DescribeSecret",
		"ListSecrets",
	},
}

// NotCalledInSim justifies allowlisted operations that no suite calls
// against the simulator ("Service:Operation" -> why it is on the list).
var NotCalledInSim = map[string]string{
	"STS:AssumeRole":                           "live mode only: the harness assumes accounts[].role_arn from the config; sim mode signs as the account directly",
	"Backup:DescribeRestoreJob":                "dr drill only (COMPLIANCE_ALLOW_DRILL=1 and drill.enabled): polls the restore drill's job; the scenario runs are read-only",
	"Connect:DescribeTrafficDistributionGroup": "dr drill only (COMPLIANCE_ALLOW_DRILL=1 and drill.enabled): polls the group's status while a traffic shift is applied; the scenario runs are read-only",
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
	// The restore drill restores sampled objects from an AWS Backup recovery
	// point into a connect-compliance-drill-* scratch bucket (StartRestoreJob
	// also needs iam:PassRole on the restore role).
	"Backup": {
		"StartRestoreJob",
	},
}

// drillResources scopes drill actions to the resources a drill may touch
// (IAM resource ARN patterns); unlisted actions get "*".
var drillResources = map[string]string{
	"connect:UpdateTrafficDistribution": "arn:aws:connect:*:*:traffic-distribution-group/*",
	"iam:PassRole":                      "arn:aws:iam::*:role/connect-compliance-*",
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
