// Package config reads compliance.yaml: which target the suites judge (the
// embedded simulator or live AWS), the accounts, regions and Amazon Connect
// instances in scope, the thresholds controls compare against (with
// per-resource overrides) and where the waiver file lives.
//
// It validates strictly: an unknown key, a wrong type, an unknown threshold or
// a missing instance id is an error naming the file, line and field. It does
// not talk to AWS and does not read the environment (helpers/harness applies
// COMPLIANCE_* overrides).
package config

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/yamldoc"
)

// Targets a run can judge.
const (
	TargetSim  = "sim"
	TargetLive = "live"
)

// Config is the parsed configuration file.
type Config struct {
	// Target is sim (the embedded simulator, default) or live.
	Target string `yaml:"target"`
	// Scenario is the simulator scenario loaded in sim mode (default healthy).
	Scenario string `yaml:"scenario"`
	// Waivers is the waiver file, relative to the config file; empty means none.
	Waivers string `yaml:"waivers"`
	// WaiverHorizonDays bounds how far ahead of today a waiver may expire
	// (default 365; see WaiverHorizon).
	WaiverHorizonDays *int `yaml:"waiver_horizon_days"`
	// Signing pins the key that signs reports (compliance verify).
	Signing  Signing   `yaml:"signing"`
	Accounts []Account `yaml:"accounts"`
	// Thresholds overrides the defaults of Thresholds (see Defaults).
	Thresholds map[string]float64 `yaml:"thresholds"`
	// Overrides sets thresholds for single resources ("queue/Overflow").
	Overrides []Override `yaml:"overrides"`
	// Daily is the daily suite's section (dashboards, agent statuses, SIP
	// trunks; see daily.go).
	Daily *Daily `yaml:"daily"`
	// Quarterly is the quarterly suite's section (helpers/config/quarterly.go).
	Quarterly QuarterlyConfig `yaml:"quarterly"`
	// DR is the dr suite's section (helpers/config/dr.go).
	DR DRConfig `yaml:"dr"`
	// Monthly is the monthly suite's section (helpers/config/monthly.go).
	Monthly MonthlyConfig `yaml:"monthly"`
	// Change is the change suite's section (helpers/config/change.go).
	Change ChangeConfig `yaml:"change"`

	// Path is the file the config was read from.
	Path string `yaml:"-"`
}

// Signing is the config's half of report signing.
type Signing struct {
	// Fingerprint is the fingerprint of the ed25519 public key reports are
	// signed with ("SHA256:" and 43 base64 characters, as compliance keygen
	// and verify print it): compliance verify checks a report against it
	// when no --pub is given.
	Fingerprint string `yaml:"fingerprint"`
}

// Account is one AWS account in scope.
type Account struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// RoleARN is assumed (live only) before reading the account; empty uses
	// the ambient credentials.
	RoleARN string   `yaml:"role_arn"`
	Regions []Region `yaml:"regions"`
	// Drill enables the opt-in drill steps in every region of the account
	// (a region's own drill setting wins).
	Drill *Drill `yaml:"drill"`
}

// Region is one region of an account and the Connect instances in it.
type Region struct {
	Name             string     `yaml:"name"`
	ConnectInstances []Instance `yaml:"connect_instances"`
	// Drill enables the opt-in drill steps in this region.
	Drill *Drill `yaml:"drill"`
}

// Drill is the config's half of the opt-in for the mutating drill steps of
// the dr suite (traffic shift, restore into a scratch bucket): they run only
// where drill.enabled is true *and* the run sets COMPLIANCE_ALLOW_DRILL=1.
type Drill struct {
	// Enabled is false when omitted.
	Enabled *bool `yaml:"enabled"`
}

// Target is one account and region in scope with its Connect instances.
type Target struct {
	Account     string // 12-digit id
	AccountName string
	Region      string
	RoleARN     string
	Instances   []Instance
	// Drill is true when the config enables drills for this account and region.
	Drill bool
}

// Key names the target as account/region.
func (t Target) Key() string { return t.Account + "/" + t.Region }

// Instance is one Amazon Connect instance.
type Instance struct {
	ID    string `yaml:"id"`
	Alias string `yaml:"alias"`
}

// Override sets thresholds for one resource, named as findings name it
// ("queue/Overflow").
type Override struct {
	Resource   string             `yaml:"resource"`
	Thresholds map[string]float64 `yaml:"thresholds"`
}

// Threshold documents one threshold and its default.
type Threshold struct {
	Key     string
	Default float64
	Unit    string
	Doc     string
}

// Defaults are every threshold a control reads, with its default. A config
// that sets a key not listed here is rejected (a typo must not silently fall
// back to the default).
var Defaults = []Threshold{
	{"queue.max_oldest_contact_age_seconds", 300, "seconds", "real-time age of the oldest contact waiting in a queue (DAILY-QUEUE-01)"},
	{"queue.max_contacts_in_queue", 20, "contacts", "real-time contacts waiting in a queue (DAILY-QUEUE-01)"},
	{"queue.max_queued_time_24h_seconds", 600, "seconds", "longest time a contact waited in a queue over the last 24 h (DAILY-QUEUE-02)"},
	{"queue.max_size_ratio", 0.8, "ratio", "largest queue size over 24 h as a share of the queue's maximum contacts (DAILY-QUEUE-02)"},
	{"queue.min_staffed_agents", 1, "agents", "staffed agents a routing profile serving a queue with waiting contacts must have (DAILY-QUEUE-03)"},
	// daily, more (7.1.1-7.1.3, 7.1.5, 7.1.6): add thresholds below this line
	{"alarms.max_in_alarm", 0, "alarms", "Connect alarms of the instance and alarms of its Lambda functions in state ALARM (DAILY-DASH-02)"},
	{"telephony.max_throttled_calls_24h", 0, "calls", "voice calls throttled over 24 h, CloudWatch ThrottledCalls (DAILY-DASH-03)"},
	{"telephony.max_calls_breaching_concurrency_24h", 0, "calls", "calls over the concurrent calls quota over 24 h, CallsBreachingConcurrencyQuota (DAILY-DASH-03)"},
	{"telephony.max_concurrent_calls_percent", 80, "percent", "peak concurrent calls as a share of the quota over 24 h, ConcurrentCallsPercentage (DAILY-DASH-03)"},
	{"flows.max_errors_24h", 20, "errors", "errors of one flow over 24 h, ContactFlowErrors (DAILY-DASH-04)"},
	{"flows.max_fatal_errors_24h", 0, "errors", "fatal errors of one flow over 24 h, ContactFlowFatalErrors (DAILY-DASH-04)"},
	{"routing.min_profiles_with_agents", 1, "profiles", "routing profiles with agents that must serve each enabled standard queue (DAILY-ROUTING-01)"},
	{"phone.max_misconfigured_calls_24h", 0, "calls", "calls that failed over 24 h because their number has no flow, MisconfiguredPhoneNumbers (DAILY-ROUTING-02)"},
	{"queue.service_level_seconds", 20, "seconds", "answer time the service level counts (the SERVICE_LEVEL threshold) (DAILY-ROUTING-03)"},
	{"queue.min_service_level_percent", 80, "percent", "contacts of a queue answered within queue.service_level_seconds over 24 h (DAILY-ROUTING-03)"},
	{"queue.max_abandonment_rate_percent", 10, "percent", "contacts of a queue abandoned while queued over 24 h, ABANDONMENT_RATE (DAILY-ROUTING-03)"},
	{"queue.max_capacity_exceeded_24h", 0, "contacts", "contacts refused because the queue was full over 24 h, QueueCapacityExceededError (DAILY-ROUTING-03)"},
	{"routing.max_missed_calls_24h", 10, "calls", "calls routed to an agent who did not answer over 24 h, MissedCalls (DAILY-ROUTING-03)"},
	{"lambda.max_error_rate", 0.01, "ratio", "failed invocations of a function over 24 h, Errors / Invocations (DAILY-LAMBDA-02)"},
	{"lambda.max_throttles_24h", 0, "invocations", "throttled invocations of a function over 24 h, Throttles (DAILY-LAMBDA-02)"},
	{"lambda.max_timeouts_24h", 0, "lines", `"Task timed out" lines in a function's log group over 24 h (DAILY-LAMBDA-02)`},
	{"telephony.min_claimed_numbers", 1, "numbers", "phone numbers of an instance in status CLAIMED (DAILY-TEL-01)"},
	{"telephony.max_packet_loss_rate", 0.01, "ratio", "worst 5-minute average packet loss of agents' voice streams over 24 h, ToInstancePacketLossRate (DAILY-TEL-02)"},
	{"sip.max_health_age_seconds", 600, "seconds", "age of an external SIP trunk's last healthy termination check (DAILY-TEL-03)"},
	{"agent.max_in_error", 0, "agents", "agents of a routing profile in an error state now (DAILY-AGENT-01)"},
	{"agent.max_status_count_mismatch", 0, "agents", "agents counted differently by their own real-time status and by the aggregate metrics (DAILY-AGENT-02)"},
	{"agent.max_status_duration_seconds", 36000, "seconds", "longest time an agent may stay in one status (DAILY-AGENT-03)"},

	// monthly (7.2): add thresholds below this line
	{"trail.max_delivery_age_hours", 24, "hours", "age of a multi-region trail's last log file delivery to S3 (MONTHLY-TRAIL-01)"},
	{"trail.max_unapproved_changes_30d", 0, "events", "StopLogging, DeleteTrail or UpdateTrail calls in 30 days by principals not in monthly.trail_admins (MONTHLY-TRAIL-02)"},
	{"security.max_failed_console_logins_30d", 10, "sign-ins", "failed AWS console sign-ins in 30 days (MONTHLY-TRAIL-03)"},
	{"security.max_root_events_30d", 0, "events", "calls made by the root user in 30 days (MONTHLY-TRAIL-03)"},
	{"security.max_connect_security_changes_30d", 20, "events", "Connect security profile and user changes in 30 days (MONTHLY-TRAIL-03)"},
	{"security.max_access_denied_per_principal_hour", 20, "events", "AccessDenied or UnauthorizedOperation errors of one principal in one hour (MONTHLY-TRAIL-03)"},
	{"trend.max_swing", 0.5, "ratio", "month-over-month change of a volume or error metric, relative to last month (MONTHLY-TREND-01)"},
	{"trend.min_volume", 20, "count", "smallest monthly total a swing is computed against, so tiny counts do not swing (MONTHLY-TREND-01)"},
	{"logs.min_retention_days", 90, "days", "retention of the Connect, CloudTrail and Lambda log groups (MONTHLY-LOGS-01)"},
	{"s3.max_noncurrent_version_days", 90, "days", "days after which noncurrent versions of stored Connect data expire (MONTHLY-S3-02)"},
	{"backup.max_recovery_point_age_hours", 26, "hours", "age of a protected resource's newest completed recovery point: the RPO (MONTHLY-BACKUP-01)"},
	{"backup.max_failed_jobs_30d", 0, "jobs", "failed, aborted, expired or partial backup jobs of a resource in 30 days (MONTHLY-BACKUP-02)"},
	{"backup.max_restore_test_age_days", 30, "days", "age of the newest completed and validated restore of each protected resource type (MONTHLY-BACKUP-03)"},
	{"backup.min_pitr_recovery_days", 7, "days", "DynamoDB point-in-time recovery period (MONTHLY-BACKUP-04)"},
	{"db.max_dynamodb_throttle_events_30d", 0, "events", "DynamoDB read and write throttle events of a table in 30 days (MONTHLY-DB-01)"},
	{"db.max_dynamodb_system_errors_30d", 0, "errors", "DynamoDB system errors (HTTP 500) of a table in 30 days (MONTHLY-DB-01)"},
	{"db.min_capacity_headroom", 0.2, "ratio", "unused share of a provisioned table's read and write capacity at its busiest 5 minutes (MONTHLY-DB-01)"},
	{"db.max_cpu_percent", 80, "percent", "highest hourly average CPU of an RDS DB instance over 30 days (MONTHLY-DB-02)"},
	{"db.max_load_per_vcpu", 1, "sessions per vCPU", "highest hourly average DB load (active sessions) per vCPU over 30 days (MONTHLY-DB-02)"},
	{"db.max_read_latency_ms", 20, "milliseconds", "highest hourly average read latency of an RDS DB instance over 30 days (MONTHLY-DB-02)"},
	{"db.max_write_latency_ms", 20, "milliseconds", "highest hourly average write latency of an RDS DB instance over 30 days (MONTHLY-DB-02)"},
	{"db.max_slow_queries_30d", 100, "queries", "slow queries in an RDS DB instance's exported slow-query log over 30 days (MONTHLY-DB-04)"},

	// quarterly (7.3.5-7.3.7): add thresholds below this line
	{"quarterly.max_unpublished_flow_age_days", 7, "days", "age of saved, unpublished changes to a flow, or of a flow never published (QUARTERLY-CONNECT-02)"},
	{"quarterly.runtime_deprecation_notice_days", 90, "days", "a Lambda runtime deprecated within this many days counts as soon-deprecated (QUARTERLY-LAMBDA-01, QUARTERLY-INTEG-03)"},
	{"quarterly.max_secret_rotation_age_days", 90, "days", "time since a CRM connector secret was last rotated (QUARTERLY-INTEG-02)"},

	// dr (7.3.1-7.3.4): add thresholds below this line
	{"dr.max_days_since_traffic_shift", 90, "days", "time since traffic was last shifted between the linked regions, from CloudTrail (DR-FAILOVER-03; CloudTrail event history keeps 90 days)"},
	{"dr.failover_rto_seconds", 900, "seconds", "recovery time objective of the failover drill: from the shift request until telephony, agents and sign-in are in the replica region (DR-FAILOVER-04)"},
	{"dr.max_days_since_restore", 93, "days", "time since the last completed restore of each configured bucket's backups (DR-RESTORE-01)"},
	{"dr.restore_rto_seconds", 3600, "seconds", "recovery time objective of the restore drill: from the restore request until the restored objects are verified (DR-RESTORE-02)"},
	{"dr.restore_rpo_seconds", 86400, "seconds", "recovery point objective: age of the newest recovery point the restore drill restores (DR-RESTORE-02)"},
	{"dr.max_parity_differences", 0, "fields", "configuration differences of one resource between a primary instance and its replica, from their snapshots (DR-PARITY-01)"},

	// change (7.4): add thresholds below this line
	{"change.lookback_days", 30, "days", "window of pipeline runs and CloudTrail changes judged (1..90: CloudTrail LookupEvents reaches back 90 days) (CHANGE-APPROVAL-01, CHANGE-STAGING-01, CHANGE-PIPELINE-01)"},
	{"change.min_request_approvers", 1, "approvers", "approvals by others than the requester a change request needs before its window (CHANGE-APPROVAL-01)"},
	{"change.min_pipeline_approvals", 1, "approvals", "manual approval actions before the production deploy, in the pipeline and in each production run (CHANGE-APPROVAL-01)"},
	{"change.min_staging_tests", 1, "actions", "test actions the staging stage runs after its deploy (CHANGE-STAGING-01)"},
	{"change.min_staging_runs", 1, "runs", "successful staging runs of a revision before it deploys to production (CHANGE-STAGING-01)"},
	{"change.min_flow_versions", 1, "versions", "saved versions of each published production flow (CHANGE-ROLLBACK-01)"},
	{"change.min_function_versions", 1, "versions", "published versions of each Lambda function the production instance may invoke (CHANGE-ROLLBACK-01)"},
	{"change.min_bot_versions", 1, "versions", "numbered versions of each Lex bot the production instance uses (CHANGE-ROLLBACK-01)"},
	{"change.max_manual_changes", 0, "changes", "Connect changes to the production instance by other principals than the pipeline (CHANGE-PIPELINE-01)"},
	{"change.recent_executions", 10, "runs", "latest finished pipeline runs whose success ratio is judged (CHANGE-PIPELINE-01)"},
	{"change.min_execution_success_ratio", 0.8, "ratio", "share of the recent finished pipeline runs that succeeded (CHANGE-PIPELINE-01)"},
}

// thresholdRange is the values a threshold may take: never negative, a
// ratio at most 1, a percentage at most 100, and the ranges some keys
// document (limits[key]).
func thresholdRange(t Threshold) (lo, hi float64, what string) {
	if r, ok := limits[t.Key]; ok {
		return r[0], r[1], fmt.Sprintf("want %g to %g", r[0], r[1])
	}
	switch t.Unit {
	case "ratio":
		return 0, 1, "a ratio is at most 1"
	case "percent":
		return 0, 100, "a percentage is at most 100"
	}
	return 0, math.Inf(1), ""
}

// limits are the ranges of thresholds narrower than their unit's.
var limits = map[string][2]float64{
	"change.lookback_days": {1, 90}, // CloudTrail LookupEvents reaches back 90 days
}

// checkThresholds rejects unknown keys and values out of range, naming the
// file and the key's own line.
func checkThresholds(path string, doc *yamldoc.Doc, at string, ths map[string]float64) error {
	ks := make([]string, 0, len(ths))
	for k := range ths {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		v := ths[k]
		// Keys hold dots: quoted, the YAML path finds the key's own line.
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s.%s: %s", path, doc.Line(at+".'"+k+"'"), strings.TrimPrefix(at, "$."), k, fmt.Sprintf(format, args...))
		}
		var t Threshold
		for _, d := range Defaults {
			if d.Key == k {
				t = d
			}
		}
		if t.Key == "" {
			return bad("unknown threshold %q (known: %s)", k, strings.Join(keys(), ", "))
		}
		lo, hi, what := thresholdRange(t)
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return bad("want a finite number, got %v", v)
		case v < 0 && lo == 0:
			return bad("must not be negative, got %v", v)
		case v < lo || v > hi:
			return bad("%s, got %v", what, v)
		}
	}
	return nil
}

var fingerprintPattern = regexp.MustCompile(`^SHA256:[A-Za-z0-9+/]{43}$`)

// WaiverHorizon is how far ahead of today a waiver may expire:
// waiver_horizon_days, else one year.
func (c *Config) WaiverHorizon() time.Duration {
	if c.WaiverHorizonDays == nil {
		return 365 * 24 * time.Hour
	}
	return time.Duration(*c.WaiverHorizonDays) * 24 * time.Hour
}

// Default returns the default of a threshold key.
func Default(key string) (float64, bool) {
	for _, t := range Defaults {
		if t.Key == key {
			return t.Default, true
		}
	}
	return 0, false
}

var (
	accountPattern  = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern   = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)
	instancePattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// Load reads and validates a config file.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, b)
}

// Parse validates config content read from path.
func Parse(path string, b []byte) (*Config, error) {
	var c Config
	doc, err := yamldoc.Decode(path, b, &c)
	if err != nil {
		return nil, err
	}
	c.Path = path
	if c.Target == "" {
		c.Target = TargetSim
	}
	if c.Scenario == "" {
		c.Scenario = "healthy"
	}
	if c.Target != TargetSim && c.Target != TargetLive {
		return nil, doc.Errorf("$.target", "want sim or live, got %q", c.Target)
	}
	if len(c.Accounts) == 0 {
		return nil, doc.Errorf("$.accounts", "at least one account is required")
	}
	seenAccounts := map[string]bool{}
	for i, a := range c.Accounts {
		p := fmt.Sprintf("$.accounts[%d]", i)
		if seenAccounts[a.ID] {
			return nil, doc.Errorf(p+".id", "account %s is listed twice; list each account once with all its regions", a.ID)
		}
		seenAccounts[a.ID] = true
		if !accountPattern.MatchString(a.ID) {
			return nil, doc.Errorf(p+".id", "want a 12-digit AWS account id (quoted), got %q", a.ID)
		}
		if a.RoleARN != "" && !strings.HasPrefix(a.RoleARN, "arn:aws") {
			return nil, doc.Errorf(p+".role_arn", "want an IAM role ARN, got %q", a.RoleARN)
		}
		if len(a.Regions) == 0 {
			return nil, doc.Errorf(p+".regions", "at least one region is required")
		}
		seenRegions := map[string]bool{}
		for j, r := range a.Regions {
			rp := fmt.Sprintf("%s.regions[%d]", p, j)
			if seenRegions[r.Name] {
				return nil, doc.Errorf(rp+".name", "region %s is listed twice for account %s", r.Name, a.ID)
			}
			seenRegions[r.Name] = true
			if !regionPattern.MatchString(r.Name) {
				return nil, doc.Errorf(rp+".name", "want an AWS region such as us-east-1, got %q", r.Name)
			}
			if len(r.ConnectInstances) == 0 {
				return nil, doc.Errorf(rp+".connect_instances", "at least one Connect instance is required")
			}
			for k, in := range r.ConnectInstances {
				ip := fmt.Sprintf("%s.connect_instances[%d]", rp, k)
				if in.ID == "" {
					return nil, doc.Errorf(ip+".id", "missing Connect instance id")
				}
				if !instancePattern.MatchString(in.ID) {
					return nil, doc.Errorf(ip+".id", "want a Connect instance id (a UUID, the last part of the instance ARN), got %q", in.ID)
				}
			}
		}
	}
	if err := checkThresholds(path, doc, "$.thresholds", c.Thresholds); err != nil {
		return nil, err
	}
	for i, o := range c.Overrides {
		p := fmt.Sprintf("$.overrides[%d]", i)
		if o.Resource == "" {
			return nil, doc.Errorf(p+".resource", "missing resource (for example queue/Overflow)")
		}
		if err := checkThresholds(path, doc, p+".thresholds", o.Thresholds); err != nil {
			return nil, err
		}
	}
	if h := c.WaiverHorizonDays; h != nil && (*h < 1 || *h > 3650) {
		return nil, doc.Errorf("$.waiver_horizon_days", "want 1 to 3650 days, got %d", *h)
	}
	if f := c.Signing.Fingerprint; f != "" && !fingerprintPattern.MatchString(f) {
		return nil, doc.Errorf("$.signing.fingerprint", `want SHA256: and 43 base64 characters (as compliance keygen and verify print it), got %q`, f)
	}
	if err := c.validateQuarterly(doc); err != nil {
		return nil, err
	}
	if err := c.validateDR(doc); err != nil {
		return nil, err
	}
	if err := c.validateMonthly(doc); err != nil {
		return nil, err
	}
	if err := c.validateDaily(doc); err != nil {
		return nil, err
	}
	if err := c.validateChange(doc); err != nil {
		return nil, err
	}
	return &c, nil
}

// Targets returns every account and region in scope, in config order.
func (c *Config) Targets() []Target {
	var out []Target
	for _, a := range c.Accounts {
		for _, r := range a.Regions {
			drill := false
			if a.Drill != nil && a.Drill.Enabled != nil {
				drill = *a.Drill.Enabled
			}
			if r.Drill != nil && r.Drill.Enabled != nil {
				drill = *r.Drill.Enabled
			}
			out = append(out, Target{Account: a.ID, AccountName: a.Name, Region: r.Name, RoleARN: a.RoleARN,
				Instances: r.ConnectInstances, Drill: drill})
		}
	}
	return out
}

// Select returns the targets whose account is in accounts and whose region is
// in regions (an empty list selects all). Each listed account or region that
// selects nothing is an error: a filter with a typo must not quietly judge
// nothing.
func (c *Config) Select(accounts, regions []string) ([]Target, error) {
	all := c.Targets()
	var out []Target
	usedA, usedR := map[string]bool{}, map[string]bool{}
	for _, t := range all {
		if (len(accounts) == 0 || slices.Contains(accounts, t.Account)) && (len(regions) == 0 || slices.Contains(regions, t.Region)) {
			out = append(out, t)
			usedA[t.Account], usedR[t.Region] = true, true
		}
	}
	for _, a := range accounts {
		if !usedA[a] {
			return nil, fmt.Errorf("%s: account %q selects no account/region of the config (in scope: %s)", c.Path, a, keysOf(all))
		}
	}
	for _, r := range regions {
		if !usedR[r] {
			return nil, fmt.Errorf("%s: region %q selects no account/region of the config (in scope: %s)", c.Path, r, keysOf(all))
		}
	}
	return out, nil
}

func keysOf(ts []Target) string {
	var ks []string
	for _, t := range ts {
		ks = append(ks, t.Key())
	}
	return strings.Join(ks, ", ")
}

func keys() []string {
	var out []string
	for _, t := range Defaults {
		out = append(out, t.Key)
	}
	sort.Strings(out)
	return out
}

// Threshold returns the value of a threshold for a resource: the resource's
// override, else the config's value, else the default. ok is false for a key
// that has no default (a programming error in a control).
func (c *Config) Threshold(key, resource string) (v float64, ok bool) {
	for _, o := range c.Overrides {
		if o.Resource == resource {
			if v, ok := o.Thresholds[key]; ok {
				return v, true
			}
		}
	}
	if v, ok := c.Thresholds[key]; ok {
		return v, true
	}
	return Default(key)
}

// WaiversPath is the waiver file resolved against the config's directory, or
// "" when the config names none.
func (c *Config) WaiversPath() string {
	if c.Waivers == "" {
		return ""
	}
	if filepath.IsAbs(c.Waivers) {
		return c.Waivers
	}
	return filepath.Join(filepath.Dir(c.Path), c.Waivers)
}
