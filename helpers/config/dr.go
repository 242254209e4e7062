package config

import (
	"fmt"
	"strings"
)

// DRConfig is the dr: section: the Amazon Connect Global Resiliency pairing
// of each primary instance (the region of its replica) and, per instance,
// what the restore drill restores. The replica is configured here, not as
// another account/region target: it is a standby (no agents signed in, no
// traffic) that the daily and monthly controls must not judge as a primary,
// and Connect gives the replica the same instance id as its source
// (ReplicateInstance: "The replicated instance has the same identifier as the
// instance it was replicated from").
//
//	dr:
//	  instances:
//	    - id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f   # a connect_instances id of accounts[]
//	      replica_region: us-west-2
//	      agents_fail_over: true                     # default true: agents must sign in to the replica (SAML)
//	      restore:
//	        vault: acme-contact-vault                # AWS Backup vault holding the backups
//	        buckets: [acme-contact-recordings]       # S3 buckets whose backups must be restorable
//	        scratch_bucket: connect-compliance-drill-acme
//	        role_arn: arn:aws:iam::123456789012:role/connect-compliance-restore
//	        samples: 2                               # objects restored per bucket by the drill
type DRConfig struct {
	Instances []DRInstance `yaml:"instances"`
}

// DRInstance is the DR setup of one primary Connect instance.
type DRInstance struct {
	// ID is the primary instance's id; it must be one of the config's
	// connect_instances.
	ID string `yaml:"id"`
	// ReplicaRegion is the region of the Global Resiliency replica.
	ReplicaRegion string `yaml:"replica_region"`
	// AgentsFailOver (default true) says agents must be able to sign in to
	// the replica: the instance must then use SAML identity management.
	AgentsFailOver *bool `yaml:"agents_fail_over"`
	// Restore is what the restore readiness control and drill use (nil: the
	// instance's recordings are not backed up with AWS Backup).
	Restore *DRRestore `yaml:"restore"`

	// Account and Region are where the primary instance is configured
	// (filled by validation).
	Account string `yaml:"-"`
	Region  string `yaml:"-"`
}

// AgentsMustFailOver is AgentsFailOver with its default.
func (d DRInstance) AgentsMustFailOver() bool { return d.AgentsFailOver == nil || *d.AgentsFailOver }

// DRRestore names the backups of an instance's recordings and contact
// records and where the restore drill may write.
type DRRestore struct {
	// Vault is the AWS Backup vault holding the buckets' recovery points.
	Vault string `yaml:"vault"`
	// Buckets are the S3 buckets (recordings, contact records) whose
	// backups must be restorable.
	Buckets []string `yaml:"buckets"`
	// ScratchBucket receives the drill's restores; it must be named
	// connect-compliance-drill-* (the drill policy only allows those).
	ScratchBucket string `yaml:"scratch_bucket"`
	// RoleARN is the IAM role AWS Backup restores with (passed to
	// StartRestoreJob); named connect-compliance-*, the roles the drill
	// policy may pass.
	RoleARN string `yaml:"role_arn"`
	// Samples is how many objects per bucket the drill restores (default 2,
	// at most 5: an item-level S3 restore takes up to 5 items).
	Samples int `yaml:"samples"`
}

// DefaultRestoreSamples is the objects per bucket a restore drill restores.
const DefaultRestoreSamples = 2

// MaxRestoreItems is the most keys one item-level S3 restore may name
// (AWS Backup Developer Guide, "Restoring S3 data": ItemsToRestore, "up to
// five items").
const MaxRestoreItems = 5

// ScratchBucketPrefix is the prefix the drill policy scopes restores to.
const ScratchBucketPrefix = "connect-compliance-drill-"

// SampleCount is Samples with its default.
func (r DRRestore) SampleCount() int {
	if r.Samples == 0 {
		return DefaultRestoreSamples
	}
	return r.Samples
}

// DRFor returns the DR setup of a configured instance.
func (c *Config) DRFor(account, region, instanceID string) (DRInstance, bool) {
	for _, d := range c.DR.Instances {
		if d.ID == instanceID && d.Account == account && d.Region == region {
			return d, true
		}
	}
	return DRInstance{}, false
}

// validateDR checks the dr: section against the accounts it refers to.
func (c *Config) validateDR(doc docErrorf) error {
	seen := map[string]bool{}
	for i, d := range c.DR.Instances {
		p := fmt.Sprintf("$.dr.instances[%d]", i)
		if d.ID == "" {
			return doc.Errorf(p+".id", "missing the primary Connect instance id")
		}
		if seen[d.ID] {
			return doc.Errorf(p+".id", "instance %s is listed twice", d.ID)
		}
		seen[d.ID] = true
		var found []Target
		for _, t := range c.Targets() {
			for _, in := range t.Instances {
				if in.ID == d.ID {
					found = append(found, t)
				}
			}
		}
		switch len(found) {
		case 0:
			return doc.Errorf(p+".id", "instance %s is not one of the config's connect_instances", d.ID)
		case 1:
		default:
			return doc.Errorf(p+".id", "instance %s is configured in %d regions; list the primary only", d.ID, len(found))
		}
		c.DR.Instances[i].Account, c.DR.Instances[i].Region = found[0].Account, found[0].Region
		if !regionPattern.MatchString(d.ReplicaRegion) {
			return doc.Errorf(p+".replica_region", "want the AWS region of the replica instance such as us-west-2, got %q", d.ReplicaRegion)
		}
		if d.ReplicaRegion == found[0].Region {
			return doc.Errorf(p+".replica_region", "the replica must be in another region than the primary (%s)", found[0].Region)
		}
		if r := d.Restore; r != nil {
			rp := p + ".restore"
			switch {
			case r.Vault == "":
				return doc.Errorf(rp+".vault", "missing the AWS Backup vault name")
			case len(r.Buckets) == 0:
				return doc.Errorf(rp+".buckets", "name at least one bucket whose backups must be restorable")
			case !strings.HasPrefix(r.ScratchBucket, ScratchBucketPrefix):
				return doc.Errorf(rp+".scratch_bucket", "want a bucket named %s* (the drill policy allows restores only there), got %q", ScratchBucketPrefix, r.ScratchBucket)
			case !strings.HasPrefix(r.RoleARN, "arn:aws") || !strings.Contains(r.RoleARN, ":role/connect-compliance-"):
				return doc.Errorf(rp+".role_arn", "want the ARN of the IAM role AWS Backup restores with, named connect-compliance-* (the drill policy passes only those), got %q", r.RoleARN)
			case r.Samples < 0 || r.Samples > MaxRestoreItems:
				return doc.Errorf(rp+".samples", "want 1 to %d objects per bucket (an item-level restore takes at most %d), got %d", MaxRestoreItems, MaxRestoreItems, r.Samples)
			}
			for j, b := range r.Buckets {
				if b == "" || strings.ContainsAny(b, "/: ") {
					return doc.Errorf(fmt.Sprintf("%s.buckets[%d]", rp, j), "want an S3 bucket name, got %q", b)
				}
			}
		}
	}
	return nil
}

// docErrorf is the part of *yamldoc.Doc the section validators use.
type docErrorf interface {
	Errorf(path, format string, args ...any) error
}
