// Package s3data reads what the retention and backup-integrity controls
// judge of Amazon S3: a bucket's protection (versioning, default encryption,
// public access block, lifecycle rules, Object Lock) and, read-only, the
// newest objects under a date-partitioned prefix and their bodies with the
// checksum S3 stored at upload.
//
// "Not configured" answers are not errors: NoSuchLifecycleConfiguration,
// ServerSideEncryptionConfigurationNotFoundError,
// NoSuchPublicAccessBlockConfiguration and ObjectLockConfigurationNotFoundError
// (S3 API reference, error codes; all 404) become a nil part of Protection,
// which the controls judge as non-compliant. Every other error is returned
// wrapped. It judges nothing.
package s3data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// API is the part of the S3 client this package uses.
type API interface {
	GetBucketVersioning(context.Context, *s3.GetBucketVersioningInput, ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketLifecycleConfiguration(context.Context, *s3.GetBucketLifecycleConfigurationInput, ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error)
	GetObjectLockConfiguration(context.Context, *s3.GetObjectLockConfigurationInput, ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error)
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var _ API = (*s3.Client)(nil)

// Reader reads S3 with one client (one account and region). A bucket's
// protection is read once and shared.
type Reader struct {
	api API

	mu        sync.Mutex
	protected map[string]*Protection
}

// NewReader returns a reader.
func NewReader(api API) *Reader { return &Reader{api: api, protected: map[string]*Protection{}} }

// notConfigured reports whether err is one of S3's "this configuration does
// not exist" answers.
func notConfigured(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "NoSuchLifecycleConfiguration", "ServerSideEncryptionConfigurationNotFoundError",
		"NoSuchPublicAccessBlockConfiguration", "ObjectLockConfigurationNotFoundError":
		return true
	}
	return false
}

// Encryption is a bucket's default encryption.
type Encryption struct {
	Algorithm string // aws:kms, aws:kms:dsse, AES256
	KMSKeyID  string
}

// PublicAccessBlock is the bucket's public access block.
type PublicAccessBlock struct {
	BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets bool
}

// All reports whether every public access setting is on.
func (p PublicAccessBlock) All() bool {
	return p.BlockPublicAcls && p.IgnorePublicAcls && p.BlockPublicPolicy && p.RestrictPublicBuckets
}

// Rule is an enabled or disabled lifecycle rule.
type Rule struct {
	ID      string
	Enabled bool
	// Prefix is the rule's filter prefix ("" = the whole bucket); Filtered
	// is true when the filter also has tags or size limits.
	Prefix   string
	Filtered bool
	// ExpirationDays expires current versions (0 = never).
	ExpirationDays int32
	// NoncurrentDays expires noncurrent versions (0 = never).
	NoncurrentDays int32
}

// Covers reports whether the rule applies to every object under prefix.
func (r Rule) Covers(prefix string) bool {
	return r.Enabled && !r.Filtered && strings.HasPrefix(prefix, r.Prefix)
}

// ObjectLock is a bucket's Object Lock configuration.
type ObjectLock struct {
	Enabled bool
	Mode    string // GOVERNANCE | COMPLIANCE ("" = no default retention)
	// Days is the default retention in days (years converted at 365 days).
	Days int32
}

// Protection is what the retention controls judge of a bucket. A nil part
// is a configuration the bucket does not have.
type Protection struct {
	Bucket     string
	Versioning string // Enabled | Suspended | "" (never enabled)
	Encryption *Encryption
	Public     *PublicAccessBlock
	// Lifecycle is nil when the bucket has no lifecycle configuration.
	Lifecycle  []Rule
	ObjectLock *ObjectLock
}

// Protection reads a bucket's protection: versioning, encryption, public
// access block, lifecycle and Object Lock (five calls, once per bucket).
func (r *Reader) Protection(ctx context.Context, bucket string) (*Protection, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := r.protected[bucket]; ok {
		return p, nil
	}
	p, err := r.protection(ctx, bucket)
	if err != nil {
		return nil, err
	}
	r.protected[bucket] = p
	return p, nil
}

func (r *Reader) protection(ctx context.Context, bucket string) (*Protection, error) {
	b := aws.String(bucket)
	p := &Protection{Bucket: bucket}
	v, err := r.api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
	if err != nil {
		return nil, fmt.Errorf("versioning of bucket %s: %w", bucket, err)
	}
	p.Versioning = string(v.Status)
	if p.Encryption, err = r.encryption(ctx, b); err != nil {
		return nil, err
	}
	pab, err := r.api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	switch {
	case notConfigured(err):
	case err != nil:
		return nil, fmt.Errorf("public access block of bucket %s: %w", bucket, err)
	case pab.PublicAccessBlockConfiguration != nil:
		c := pab.PublicAccessBlockConfiguration
		p.Public = &PublicAccessBlock{BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls),
			BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets)}
	}
	if p.Lifecycle, err = r.lifecycle(ctx, b); err != nil {
		return nil, err
	}
	lock, err := r.api.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b})
	switch {
	case notConfigured(err):
	case err != nil:
		return nil, fmt.Errorf("Object Lock configuration of bucket %s: %w", bucket, err)
	case lock.ObjectLockConfiguration != nil:
		c := lock.ObjectLockConfiguration
		p.ObjectLock = &ObjectLock{Enabled: c.ObjectLockEnabled == types.ObjectLockEnabledEnabled}
		if c.Rule != nil && c.Rule.DefaultRetention != nil {
			d := c.Rule.DefaultRetention
			p.ObjectLock.Mode = string(d.Mode)
			p.ObjectLock.Days = aws.ToInt32(d.Days) + 365*aws.ToInt32(d.Years)
		}
	}
	return p, nil
}

func (r *Reader) encryption(ctx context.Context, b *string) (*Encryption, error) {
	enc, err := r.api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	if notConfigured(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("default encryption of bucket %s: %w", aws.ToString(b), err)
	}
	if enc.ServerSideEncryptionConfiguration == nil {
		return nil, nil
	}
	for _, rule := range enc.ServerSideEncryptionConfiguration.Rules {
		if d := rule.ApplyServerSideEncryptionByDefault; d != nil {
			return &Encryption{Algorithm: string(d.SSEAlgorithm), KMSKeyID: aws.ToString(d.KMSMasterKeyID)}, nil
		}
	}
	return nil, nil
}

func (r *Reader) lifecycle(ctx context.Context, b *string) ([]Rule, error) {
	lc, err := r.api.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	if notConfigured(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lifecycle configuration of bucket %s: %w", aws.ToString(b), err)
	}
	rules := []Rule{}
	for _, x := range lc.Rules {
		rule := Rule{ID: aws.ToString(x.ID), Enabled: x.Status == types.ExpirationStatusEnabled, Prefix: aws.ToString(x.Prefix)} //nolint:staticcheck // the deprecated top-level Prefix is still answered by old configurations
		if f := x.Filter; f != nil {
			switch {
			case f.Prefix != nil:
				rule.Prefix = aws.ToString(f.Prefix)
			case f.And != nil:
				rule.Prefix, rule.Filtered = aws.ToString(f.And.Prefix), true
			case f.Tag != nil || f.ObjectSizeGreaterThan != nil || f.ObjectSizeLessThan != nil:
				rule.Filtered = true
			}
		}
		if x.Expiration != nil {
			rule.ExpirationDays = aws.ToInt32(x.Expiration.Days)
		}
		if x.NoncurrentVersionExpiration != nil {
			rule.NoncurrentDays = aws.ToInt32(x.NoncurrentVersionExpiration.NoncurrentDays)
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

// Object is an object listed under a prefix.
type Object struct {
	Bucket, Key  string
	LastModified time.Time
	Size         int64
}

// Resource names the object in findings (bucket/key).
func (o Object) Resource() string { return "object/" + o.Bucket + "/" + o.Key }

// Newest returns the n most recently modified objects under prefix, newest
// first (ties by key), looking at the date partitions prefix+YYYY/MM/DD/ of
// the days from now back to days ago, newest day first, and stopping at the
// first day that completes the sample: a month of recordings is never listed
// whole. Partitions are read with ListObjectsV2, every page.
func (r *Reader) Newest(ctx context.Context, bucket, prefix string, now time.Time, days, n int) ([]Object, error) {
	var out []Object
	for d := 0; d < days && len(out) < n; d++ {
		part := prefix + now.UTC().AddDate(0, 0, -d).Format("2006/01/02") + "/"
		p := s3.NewListObjectsV2Paginator(r.api, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(part)})
		var day []Object
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list s3://%s/%s: %w", bucket, part, err)
			}
			for _, o := range page.Contents {
				day = append(day, Object{Bucket: bucket, Key: aws.ToString(o.Key), LastModified: aws.ToTime(o.LastModified), Size: aws.ToInt64(o.Size)})
			}
		}
		sort.Slice(day, func(i, j int) bool {
			if !day[i].LastModified.Equal(day[j].LastModified) {
				return day[i].LastModified.After(day[j].LastModified)
			}
			return day[i].Key < day[j].Key
		})
		out = append(out, day...)
	}
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// Body is an object's content and the SHA-256 checksum S3 stored with it.
type Body struct {
	Data []byte
	// ChecksumSHA256 is base64, "<base64>-<parts>" for a multipart upload,
	// "" when the object was uploaded without one.
	ChecksumSHA256 string
}

// maxBody bounds what Get reads (a sampled recording is minutes of audio).
const maxBody = 256 << 20

// Get reads an object with ChecksumMode ENABLED, so S3 returns the stored
// checksum. The SDK's own response validation is removed for this call: the
// caller verifies the body against the checksum and must see a mismatch as
// a corrupted object, not as a read error.
func (r *Reader) Get(ctx context.Context, bucket, key string) (*Body, error) {
	out, err := r.api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled},
		func(o *s3.Options) { o.APIOptions = append(o.APIOptions, withoutResponseValidation) })
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	if len(data) > maxBody {
		return nil, fmt.Errorf("s3://%s/%s is larger than %d MiB: not sampled", bucket, key, maxBody>>20)
	}
	return &Body{Data: data, ChecksumSHA256: aws.ToString(out.ChecksumSHA256)}, nil
}

// withoutResponseValidation removes the SDK's response checksum validation
// (service/internal/checksum, middleware "AWSChecksum:ValidateOutputPayloadChecksum").
func withoutResponseValidation(s *middleware.Stack) error {
	if _, err := s.Deserialize.Remove("AWSChecksum:ValidateOutputPayloadChecksum"); err != nil && !strings.Contains(err.Error(), "not found") {
		return err
	}
	return nil
}
