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
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

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
	Waivers  string    `yaml:"waivers"`
	Accounts []Account `yaml:"accounts"`
	// Thresholds overrides the defaults of Thresholds (see Defaults).
	Thresholds map[string]float64 `yaml:"thresholds"`
	// Overrides sets thresholds for single resources ("queue/Overflow").
	Overrides []Override `yaml:"overrides"`

	// Path is the file the config was read from.
	Path string `yaml:"-"`
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

	// monthly (7.2): add thresholds below this line

	// quarterly (7.3.5-7.3.7): add thresholds below this line

	// dr (7.3.1-7.3.4): add thresholds below this line

	// change (7.4): add thresholds below this line
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
	for k := range c.Thresholds {
		if _, ok := Default(k); !ok {
			return nil, doc.Errorf("$.thresholds."+k, "unknown threshold %q (known: %s)", k, strings.Join(keys(), ", "))
		}
	}
	for i, o := range c.Overrides {
		p := fmt.Sprintf("$.overrides[%d]", i)
		if o.Resource == "" {
			return nil, doc.Errorf(p+".resource", "missing resource (for example queue/Overflow)")
		}
		for k := range o.Thresholds {
			if _, ok := Default(k); !ok {
				return nil, doc.Errorf(p+".thresholds."+k, "unknown threshold %q", k)
			}
		}
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
