package config

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/connect-compliance/connect-compliance/helpers/yamldoc"
)

// MonthlyConfig is the monthly: section (log review, retention, backups and
// databases, runbook 7.2.1 to 7.2.4). Every field has a default; the section
// may be omitted, but the backup integrity test needs to know where the
// backup copy is (integrity).
//
//	monthly:
//	  trail_admins: [cloudtrail-admin, "OrganizationAccountAccessRole"]
//	  retention:
//	    CALL_RECORDINGS: {days: 2555, object_lock: true}
//	    CHAT_TRANSCRIPTS: {days: 2555}
//	    SCHEDULED_REPORTS: {days: 365}
//	  integrity:
//	    - {bucket: acme-connect-backup, prefix: connect/acme-contact/CallRecordings/, kind: recording, sample: 3}
//	    - {bucket: acme-connect-backup, prefix: ctr/, kind: contact_record, sample: 3}
//	  db_instance_vcpus: {db.x2iedn.xlarge: 4}
type MonthlyConfig struct {
	// TrailAdmins are the principals allowed to stop, delete or update a
	// CloudTrail trail: IAM role names (of assumed-role sessions) or IAM user
	// names, as case-insensitive glob patterns (path.Match). Default none:
	// any such change is a finding.
	TrailAdmins []string `yaml:"trail_admins"`
	// Retention is, per Amazon Connect storage resource type
	// (ListInstanceStorageConfigs ResourceType), how long its S3 objects
	// must be kept; the types listed are the ones judged. Default
	// DefaultRetention.
	Retention map[string]Retention `yaml:"retention"`
	// Integrity lists where the backup integrity test samples objects.
	Integrity []IntegritySource `yaml:"integrity"`
	// DBInstanceVCPUs adds vCPU counts for RDS instance classes the built-in
	// rule does not know (DB load is judged per vCPU).
	DBInstanceVCPUs map[string]int `yaml:"db_instance_vcpus"`
}

// Retention is the retention policy of one kind of Connect data.
type Retention struct {
	// Days is the lifecycle expiration the prefix must have: objects kept
	// exactly this long, then deleted.
	Days int32 `yaml:"days"`
	// ObjectLock requires S3 Object Lock (with a default retention) on the bucket.
	ObjectLock bool `yaml:"object_lock"`
}

// IntegritySource is a prefix of the backup copy the integrity test samples.
type IntegritySource struct {
	// Account and Region are where the bucket is read (default: the
	// config's first account and its first region). A source outside the
	// run's scope (COMPLIANCE_ACCOUNT, COMPLIANCE_REGION) is not sampled.
	Account string `yaml:"account"`
	Region  string `yaml:"region"`
	Bucket  string `yaml:"bucket"`
	// Prefix is followed by YYYY/MM/DD/ date partitions, as Amazon Connect
	// writes recordings and Kinesis Data Firehose contact records.
	Prefix string `yaml:"prefix"`
	// Kind is recording (WAV) or contact_record (contact trace record JSON).
	Kind string `yaml:"kind"`
	// Sample is how many of the newest objects are verified (default 3).
	Sample int `yaml:"sample"`
	// Manifest is the key, in the same bucket, of a sha256sum-format
	// manifest ("<hex>  <key>" lines) that objects without a comparable S3
	// checksum (multipart uploads) are verified against; "" = none.
	Manifest string `yaml:"manifest"`
}

// Integrity source kinds.
const (
	KindRecording     = "recording"
	KindContactRecord = "contact_record"
)

// DefaultIntegritySample is how many objects a source samples by default.
const DefaultIntegritySample = 3

// DefaultRetention: seven years for recordings and transcripts (a common
// financial-services retention period), one year for scheduled reports.
var DefaultRetention = map[string]Retention{
	"CALL_RECORDINGS":   {Days: 2555},
	"CHAT_TRANSCRIPTS":  {Days: 2555},
	"SCHEDULED_REPORTS": {Days: 365},
}

// storageResourceTypes is the Connect model's InstanceStorageResourceType enum.
var storageResourceTypes = []string{"CHAT_TRANSCRIPTS", "CALL_RECORDINGS", "SCHEDULED_REPORTS", "MEDIA_STREAMS",
	"CONTACT_TRACE_RECORDS", "AGENT_EVENTS", "REAL_TIME_CONTACT_ANALYSIS_SEGMENTS", "ATTACHMENTS", "CONTACT_EVALUATIONS",
	"SCREEN_RECORDINGS", "REAL_TIME_CONTACT_ANALYSIS_CHAT_SEGMENTS", "REAL_TIME_CONTACT_ANALYSIS_VOICE_SEGMENTS", "EMAIL_MESSAGES"}

// RetentionPolicies returns the retention table (default DefaultRetention),
// sorted by resource type.
func (m MonthlyConfig) RetentionPolicies() []RetentionPolicy {
	table := m.Retention
	if table == nil {
		table = DefaultRetention
	}
	out := make([]RetentionPolicy, 0, len(table))
	for rt, r := range table {
		out = append(out, RetentionPolicy{ResourceType: rt, Retention: r})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ResourceType < out[j].ResourceType })
	return out
}

// RetentionPolicy is one row of the retention table.
type RetentionPolicy struct {
	ResourceType string
	Retention
}

// TrailAdmin reports whether a principal (role or user name) may change trails.
func (m MonthlyConfig) TrailAdmin(principal string) bool {
	for _, p := range m.TrailAdmins {
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(principal)); ok {
			return true
		}
	}
	return false
}

// vcpusBySize is the vCPU count of the RDS instance sizes of the general
// purpose, memory optimized and burstable classes (Amazon RDS User Guide,
// "Hardware specifications for DB instance classes": db.m5/m6g/m6i/m7g,
// db.r5/r6g/r6i/r7g and db.t3/t4g share the size-to-vCPU mapping; the
// burstable micro, small and medium sizes have 2 vCPUs).
var vcpusBySize = map[string]int{
	"micro": 2, "small": 2, "medium": 2, "large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32,
	"12xlarge": 48, "16xlarge": 64, "24xlarge": 96, "32xlarge": 128, "48xlarge": 192,
}

// vcpuFamilies are the classes the size rule holds for.
var vcpuFamilies = []string{"t3", "t4g", "m5", "m5d", "m6g", "m6gd", "m6i", "m6id", "m7g", "m7i", "r5", "r5b", "r5d",
	"r6g", "r6gd", "r6i", "r6id", "r7g", "r7i", "r8g"}

// VCPUs returns the vCPU count of an RDS instance class (db.r6g.large): the
// config's db_instance_vcpus, else the documented size rule. ok is false for
// a class neither knows (Aurora Serverless db.serverless among them).
func (m MonthlyConfig) VCPUs(class string) (int, bool) {
	if n, ok := m.DBInstanceVCPUs[class]; ok {
		return n, true
	}
	parts := strings.Split(class, ".")
	if len(parts) != 3 || parts[0] != "db" || !slices.Contains(vcpuFamilies, parts[1]) {
		return 0, false
	}
	n, ok := vcpusBySize[parts[2]]
	return n, ok
}

// IntegritySources returns the integrity sources with their sample size,
// account and region defaulted.
func (c *Config) IntegritySources() []IntegritySource {
	out := slices.Clone(c.Monthly.Integrity)
	for i := range out {
		if out[i].Sample == 0 {
			out[i].Sample = DefaultIntegritySample
		}
		if out[i].Account == "" && len(c.Accounts) > 0 {
			out[i].Account = c.Accounts[0].ID
		}
		if out[i].Region == "" && len(c.Accounts) > 0 && len(c.Accounts[0].Regions) > 0 {
			out[i].Region = c.Accounts[0].Regions[0].Name
		}
	}
	return out
}

func (c *Config) validateMonthly(doc *yamldoc.Doc) error {
	m := c.Monthly
	for i, p := range m.TrailAdmins {
		if _, err := path.Match(p, ""); err != nil || p == "" {
			return doc.Errorf(fmt.Sprintf("$.monthly.trail_admins[%d]", i), "%q is not a glob pattern", p)
		}
	}
	for _, rt := range monthlyKeys(m.Retention) {
		p := "$.monthly.retention." + rt
		if !slices.Contains(storageResourceTypes, rt) {
			return doc.Errorf(p, "unknown Connect storage resource type %q (known: %s)", rt, strings.Join(storageResourceTypes, ", "))
		}
		if d := m.Retention[rt].Days; d < 1 {
			return doc.Errorf(p+".days", "want a positive number of days, got %d", d)
		}
	}
	for i, s := range m.Integrity {
		p := fmt.Sprintf("$.monthly.integrity[%d]", i)
		switch {
		case len(s.Bucket) < 3 || len(s.Bucket) > 63:
			return doc.Errorf(p+".bucket", "want an S3 bucket name, got %q", s.Bucket)
		case s.Kind != KindRecording && s.Kind != KindContactRecord:
			return doc.Errorf(p+".kind", "want %s or %s, got %q", KindRecording, KindContactRecord, s.Kind)
		case s.Sample < 0 || s.Sample > 100:
			return doc.Errorf(p+".sample", "want 1..100 objects, got %d", s.Sample)
		case s.Account != "" && !accountPattern.MatchString(s.Account):
			return doc.Errorf(p+".account", "want a 12-digit AWS account id (quoted), got %q", s.Account)
		case s.Region != "" && !regionPattern.MatchString(s.Region):
			return doc.Errorf(p+".region", "want an AWS region such as us-east-1, got %q", s.Region)
		}
	}
	for _, class := range monthlyKeys(m.DBInstanceVCPUs) {
		if !strings.HasPrefix(class, "db.") {
			return doc.Errorf("$.monthly.db_instance_vcpus."+class, "want an RDS instance class (db.r6g.large), got %q", class)
		}
		if n := m.DBInstanceVCPUs[class]; n < 1 {
			return doc.Errorf("$.monthly.db_instance_vcpus."+class, "want a positive vCPU count, got %d", n)
		}
	}
	return nil
}

func monthlyKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
