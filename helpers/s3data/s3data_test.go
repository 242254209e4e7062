package s3data_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/s3data"
)

const account, region = "123456789012", "us-east-1"

var now = time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(s[:])
}

// reader serves buckets from a fresh simulator through the real S3 client.
func reader(t *testing.T, buckets ...*awssim.Bucket) (*s3data.Reader, *awssim.Sim) {
	t.Helper()
	w := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{
		region: {S3: awssim.S3State{Buckets: buckets}}}}}}
	sim := awssim.New(w, awssim.WithoutQuotas(), awssim.WithClock(func() time.Time { return now }))
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	c := s3.New(s3.Options{Region: region, BaseEndpoint: aws.String(ep), UsePathStyle: true,
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "x"}, nil
		}))})
	return s3data.NewReader(c), sim
}

func TestProtection(t *testing.T) {
	key := "arn:aws:kms:us-east-1:123456789012:key/k1"
	r, _ := reader(t,
		&awssim.Bucket{Name: "full", Versioning: "Enabled", BucketSettings: awssim.BucketSettings{SSEAlgorithm: "aws:kms", KMSKeyID: key,
			PublicAccessBlock: &awssim.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true},
			ObjectLock:        &awssim.ObjectLock{Mode: "COMPLIANCE", Years: 1}},
			Lifecycle: []awssim.LifecycleRule{{ID: "r", Prefix: "rec/", ExpirationDays: 30, NoncurrentExpirationDays: 7}, {ID: "off", Status: "Disabled"}}},
		&awssim.Bucket{Name: "bare", BucketSettings: awssim.BucketSettings{SSEAlgorithm: "none"}})
	tests := []struct {
		bucket string
		want   *s3data.Protection
	}{
		{"full", &s3data.Protection{Bucket: "full", Versioning: "Enabled", Encryption: &s3data.Encryption{Algorithm: "aws:kms", KMSKeyID: key},
			Public:     &s3data.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true},
			Lifecycle:  []s3data.Rule{{ID: "r", Enabled: true, Prefix: "rec/", ExpirationDays: 30, NoncurrentDays: 7}, {ID: "off"}},
			ObjectLock: &s3data.ObjectLock{Enabled: true, Mode: "COMPLIANCE", Days: 365}}},
		// Every "not configured" answer is a nil part, not an error.
		{"bare", &s3data.Protection{Bucket: "bare"}},
	}
	for _, tc := range tests {
		t.Run(tc.bucket, func(t *testing.T) {
			got, err := r.Protection(context.Background(), tc.bucket)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if !(s3data.Rule{Enabled: true, Prefix: "rec/"}).Covers("rec/2026/") || (s3data.Rule{Enabled: true, Prefix: "rec/"}).Covers("ctr/") {
		t.Error("Covers")
	}
	_, err := r.Protection(context.Background(), "missing")
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchBucket" {
		t.Errorf("missing bucket: %v, want NoSuchBucket", err)
	}
}

func TestNewestAndGet(t *testing.T) {
	good, bad := []byte("recording one"), []byte("recording two")
	objs := []*awssim.Object{
		{Key: "rec/2026/11/29/a.wav", Body: good, LastModified: now.Add(-time.Hour), ChecksumSHA256: sum(good)},
		{Key: "rec/2026/11/28/b.wav", Body: bad, LastModified: now.Add(-26 * time.Hour), ChecksumSHA256: sum([]byte("what was stored"))},
		{Key: "rec/2026/11/28/c.wav", Body: good, LastModified: now.Add(-25 * time.Hour)},
		{Key: "rec/2026/11/20/old.wav", Body: good, LastModified: now.Add(-9 * 24 * time.Hour)},
		{Key: "other/2026/11/29/x.wav", Body: good, LastModified: now},
	}
	r, sim := reader(t, &awssim.Bucket{Name: "backup", Objects: objs})
	ctx := context.Background()
	got, err := r.Newest(ctx, "backup", "rec/", now, 31, 2)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range got {
		keys = append(keys, o.Key)
	}
	if diff := cmp.Diff([]string{"rec/2026/11/29/a.wav", "rec/2026/11/28/c.wav"}, keys); diff != "" {
		t.Errorf("newest two (-want +got):\n%s", diff)
	}
	lists := 0
	for _, c := range sim.LastAttempts() {
		if c.Operation == "ListObjectsV2" {
			lists++
		}
	}
	if lists != 2 { // today and yesterday: the sample was complete
		t.Errorf("%d ListObjectsV2 calls, want 2", lists)
	}
	// A body that does not match its stored checksum comes back as read:
	// judging it is the caller's business, not a read error.
	b, err := r.Get(ctx, "backup", "rec/2026/11/28/b.wav")
	if err != nil {
		t.Fatal(err)
	}
	if string(b.Data) != string(bad) || b.ChecksumSHA256 != sum([]byte("what was stored")) {
		t.Errorf("got %q %s", b.Data, b.ChecksumSHA256)
	}
	if b, err := r.Get(ctx, "backup", "rec/2026/11/28/c.wav"); err != nil || b.ChecksumSHA256 != "" {
		t.Errorf("object without checksum: %+v %v", b, err)
	}
	if _, err := r.Get(ctx, "backup", "rec/missing.wav"); err == nil {
		t.Error("missing object: no error")
	}
}
