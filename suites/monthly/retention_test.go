//go:build monthly

package monthly

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/connectstorage"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/s3data"
)

// Requirement 7.2.2: S3 call recordings and logs meet the retention policy.

// stored is one storage configuration of an instance, with its policy and
// its bucket's protection (nil for data not stored in S3).
type stored struct {
	policy config.RetentionPolicy
	cfg    connectstorage.Config
	bucket *s3data.Protection
}

// storedData is what the retention controls read of an instance: per
// resource type of the retention table, its storage configurations.
type storedData struct {
	policies []config.RetentionPolicy
	byType   map[string][]stored
}

// readStored reads the storage configurations of every resource type the
// retention table names, and the protection of each bucket once.
func readStored(ctx context.Context, in *connectdata.Instance, r *region) (d storedData, err error) {
	d.policies = env.Config.Monthly.RetentionPolicies()
	d.byType = map[string][]stored{}
	buckets := map[string]*s3data.Protection{}
	for _, p := range d.policies {
		cfgs, err := r.storage.Configs(ctx, in.ID, p.ResourceType)
		if err != nil {
			return d, err
		}
		for _, sc := range cfgs {
			s := stored{policy: p, cfg: sc}
			if sc.Bucket != "" {
				if buckets[sc.Bucket] == nil {
					if buckets[sc.Bucket], err = r.s3.Protection(ctx, sc.Bucket); err != nil {
						return d, err
					}
				}
				s.bucket = buckets[sc.Bucket]
			}
			d.byType[p.ResourceType] = append(d.byType[p.ResourceType], s)
		}
	}
	return d, nil
}

// forEachStored judges every storage configuration of the retention table's
// types; a type with no configuration at all fails (its data is not stored,
// so not retained), one not in S3 cannot be judged here.
func forEachStored(c *control.C, judge func(f *control.R, s stored)) {
	forEachInstance(c, readStored, func(in *connectdata.Instance, r *region, d storedData) {
		for _, p := range d.policies {
			list := d.byType[p.ResourceType]
			if len(list) == 0 {
				f := c.On("storage/"+p.ResourceType, at(r, in.ARN()))
				assert.GreaterOrEqual(f, f.Observe("storage configurations", 0), 1.0,
					fmt.Sprintf("storage configurations of %s on instance %s", p.ResourceType, in.Name()))
				continue
			}
			for _, s := range list {
				f := c.On(s.cfg.Resource(), at(r, "arn:aws:s3:::"+s.cfg.Bucket))
				if s.bucket == nil {
					f.Error(fmt.Errorf("%s is stored in %s, not S3: its retention is the stream's; list only S3-stored types in monthly.retention", p.ResourceType, s.cfg.StorageType))
					continue
				}
				f.Note("s3://%s/%s", s.cfg.Bucket, s.cfg.Prefix)
				judge(f, s)
			}
		}
	})
}

// sameKey compares KMS key references by key id (key ARN, key id); aliases
// compare as written.
func sameKey(a, b string) bool {
	id := func(k string) string {
		if i := strings.LastIndex(k, ":key/"); i >= 0 {
			return k[i+len(":key/"):]
		}
		return k
	}
	return id(a) == id(b)
}

func TestStorageBucketsProtected(t *testing.T) {
	c := control.Start(t, "MONTHLY-S3-01")
	forEachStored(c, func(f *control.R, s stored) {
		b := s.bucket
		f.Note("versioning %q", b.Versioning)
		assert.GreaterOrEqual(f, f.Observe("versioning enabled (1 = yes)", b2f(b.Versioning == "Enabled")), 1.0, "bucket versioning enabled")
		kms := b.Encryption != nil && strings.HasPrefix(b.Encryption.Algorithm, "aws:kms")
		switch {
		case b.Encryption == nil:
			f.Note("no default encryption configuration")
		default:
			f.Note("default encryption %s %s", b.Encryption.Algorithm, b.Encryption.KMSKeyID)
		}
		assert.GreaterOrEqual(f, f.Observe("default encryption SSE-KMS (1 = yes)", b2f(kms)), 1.0, "bucket default encryption is SSE-KMS")
		if want := s.cfg.KMSKeyID; want != "" {
			match := kms && sameKey(b.Encryption.KMSKeyID, want)
			assert.GreaterOrEqual(f, f.Observe("bucket key is the instance's key (1 = yes)", b2f(match)), 1.0,
				"bucket default KMS key is the key the instance encrypts "+s.policy.ResourceType+" with ("+want+")")
		} else {
			f.Note("the instance names no KMS key for %s: any KMS key is accepted", s.policy.ResourceType)
		}
		all := b.Public != nil && b.Public.All()
		if b.Public == nil {
			f.Note("no public access block on the bucket")
		}
		assert.GreaterOrEqual(f, f.Observe("all public access blocked (1 = yes)", b2f(all)), 1.0, "all four public access block settings on")
	})
}

func TestStorageRetentionLifecycle(t *testing.T) {
	c := control.Start(t, "MONTHLY-S3-02")
	forEachStored(c, func(f *control.R, s stored) {
		b, want := s.bucket, float64(s.policy.Days)
		prefix := s.cfg.Prefix
		if prefix != "" && !strings.HasSuffix(prefix, "/") {
			prefix += "/"
		}
		if b.Lifecycle == nil {
			f.Note("no lifecycle configuration on the bucket")
		}
		// The most specific enabled rule that covers the prefix and expires objects decides.
		var rule *s3data.Rule
		noncurrent := math.Inf(1)
		for i, x := range b.Lifecycle {
			if !x.Covers(prefix) {
				continue
			}
			if x.ExpirationDays > 0 && (rule == nil || len(x.Prefix) > len(rule.Prefix)) {
				rule = &b.Lifecycle[i]
			}
			if x.NoncurrentDays > 0 {
				noncurrent = math.Min(noncurrent, float64(x.NoncurrentDays))
			}
		}
		expiry := 0.0
		if rule == nil {
			f.Note("no enabled lifecycle rule expires objects under %q", prefix)
		} else {
			expiry = float64(rule.ExpirationDays)
			f.Note("rule %q (prefix %q) expires objects after %d days", rule.ID, rule.Prefix, rule.ExpirationDays)
		}
		f.Note("retention policy of %s: %g days", s.policy.ResourceType, want)
		assert.GreaterOrEqual(f, f.Observe("lifecycle expiration (days)", expiry), want, "lifecycle expiration (days) at least the retention policy")
		assert.LessOrEqual(f, expiry, want, "lifecycle expiration (days) at most the retention policy")
		if math.IsInf(noncurrent, 1) {
			f.Note("noncurrent versions never expire")
		}
		assert.LessOrEqual(f, f.Observe("noncurrent version expiry (days)", noncurrent), f.Threshold("s3.max_noncurrent_version_days"),
			"noncurrent version expiry (days)")
		if s.policy.ObjectLock {
			lock := b.ObjectLock
			ok := lock != nil && lock.Enabled && lock.Mode != ""
			if lock == nil {
				f.Note("Object Lock is not enabled on the bucket")
			} else {
				f.Note("Object Lock %s, %d days default retention", lock.Mode, lock.Days)
			}
			assert.GreaterOrEqual(f, f.Observe("Object Lock with default retention (1 = yes)", b2f(ok)), 1.0,
				"Object Lock with a default retention (required by monthly.retention."+s.policy.ResourceType+")")
		}
	})
}
