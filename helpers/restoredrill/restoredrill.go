// Package restoredrill holds the steps of the restore drill of the dr suite:
// find the newest recovery point of a bucket (AWS Backup
// ListRecoveryPointsByResource), sample the objects it holds (S3
// ListObjectsV2 on the bucket, objects no newer than the recovery point),
// restore them item-level into a scratch bucket (StartRestoreJob, the drill's
// only mutating call, which the guard sends only for a run that opted in),
// read the job (DescribeRestoreJob), and verify what was restored (GetObject
// with checksum mode: the stored SHA-256, and readability with
// helpers/integrity). It decides nothing about compliance.
package restoredrill

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	btypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/connect-compliance/connect-compliance/helpers/integrity"
)

// BackupAPI is the part of the AWS Backup client the drill uses.
type BackupAPI interface {
	ListRecoveryPointsByResource(context.Context, *backup.ListRecoveryPointsByResourceInput, ...func(*backup.Options)) (*backup.ListRecoveryPointsByResourceOutput, error)
	StartRestoreJob(context.Context, *backup.StartRestoreJobInput, ...func(*backup.Options)) (*backup.StartRestoreJobOutput, error)
	DescribeRestoreJob(context.Context, *backup.DescribeRestoreJobInput, ...func(*backup.Options)) (*backup.DescribeRestoreJobOutput, error)
}

// S3API is the part of the S3 client the drill uses.
type S3API interface {
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var (
	_ BackupAPI = (*backup.Client)(nil)
	_ S3API     = (*s3.Client)(nil)
)

// RecoveryPoint is a completed backup of a bucket.
type RecoveryPoint struct {
	ARN     string
	Created time.Time
}

// Latest returns the newest COMPLETED recovery point of bucket in vault;
// ok is false when there is none.
func Latest(ctx context.Context, api BackupAPI, bucket, vault string) (rp RecoveryPoint, ok bool, err error) {
	arn := "arn:aws:s3:::" + bucket
	p := backup.NewListRecoveryPointsByResourcePaginator(api, &backup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(arn), MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return rp, false, fmt.Errorf("list recovery points of %s: %w", arn, err)
		}
		for _, r := range page.RecoveryPoints {
			if r.Status != btypes.RecoveryPointStatusCompleted || (vault != "" && aws.ToString(r.BackupVaultName) != vault) {
				continue
			}
			if at := aws.ToTime(r.CreationDate); !ok || at.After(rp.Created) {
				rp, ok = RecoveryPoint{ARN: aws.ToString(r.RecoveryPointArn), Created: at}, true
			}
		}
	}
	return rp, ok, nil
}

// Object is an object chosen for the drill.
type Object struct {
	Key          string
	LastModified time.Time
}

// Sample returns up to n of the newest objects of bucket last modified no
// later than at (so that the recovery point holds them).
func Sample(ctx context.Context, api S3API, bucket string, at time.Time, n int) ([]Object, error) {
	var all []Object
	p := s3.NewListObjectsV2Paginator(api, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list objects of %s: %w", bucket, err)
		}
		for _, o := range page.Contents {
			if lm := aws.ToTime(o.LastModified); !lm.After(at) && !strings.HasSuffix(aws.ToString(o.Key), "/") {
				all = append(all, Object{Key: aws.ToString(o.Key), LastModified: lm})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].LastModified.Equal(all[j].LastModified) {
			return all[i].LastModified.After(all[j].LastModified)
		}
		return all[i].Key < all[j].Key
	})
	if len(all) > n {
		all = all[:n]
	}
	return all, nil
}

// Start starts an item-level restore of objects of bucket from a recovery
// point into the scratch bucket (Metadata DestinationBucketName, NewBucket
// "false", ItemsToRestore: AWS Backup Developer Guide, "Restore S3 data").
func Start(ctx context.Context, api BackupAPI, rp RecoveryPoint, bucket string, objects []Object, scratch, role string) (string, error) {
	items := make([]string, len(objects))
	for i, o := range objects {
		items[i] = "s3://" + bucket + "/" + o.Key
	}
	b, err := json.Marshal(items)
	if err != nil {
		return "", err
	}
	out, err := api.StartRestoreJob(ctx, &backup.StartRestoreJobInput{
		RecoveryPointArn: aws.String(rp.ARN), IamRoleArn: aws.String(role), ResourceType: aws.String("S3"),
		Metadata: map[string]string{"DestinationBucketName": scratch, "NewBucket": "false", "ItemsToRestore": string(b)},
	})
	if err != nil {
		return "", fmt.Errorf("start restore of %d objects of %s into %s: %w", len(objects), bucket, scratch, err)
	}
	return aws.ToString(out.RestoreJobId), nil
}

// Job is a restore job's state.
type Job struct {
	Status, Message string
	Created, Done   time.Time
}

// Describe reads a restore job.
func Describe(ctx context.Context, api BackupAPI, id string) (Job, error) {
	out, err := api.DescribeRestoreJob(ctx, &backup.DescribeRestoreJobInput{RestoreJobId: aws.String(id)})
	if err != nil {
		return Job{}, fmt.Errorf("describe restore job %s: %w", id, err)
	}
	return Job{Status: string(out.Status), Message: aws.ToString(out.StatusMessage), Created: aws.ToTime(out.CreationDate), Done: aws.ToTime(out.CompletionDate)}, nil
}

// Verify reads a restored object back with its stored checksum and checks
// it: the body matches the SHA-256 S3 kept for it, and it is readable (a
// recording is a well-formed WAV file, anything else a contact record).
func Verify(ctx context.Context, api S3API, bucket, key string) (string, error) {
	out, err := api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil {
		return "", fmt.Errorf("read restored %s: %w", key, err)
	}
	body, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil {
		return "", fmt.Errorf("read restored %s: %w", key, err)
	}
	if err := integrity.VerifySHA256(body, aws.ToString(out.ChecksumSHA256)); err != nil {
		return "", fmt.Errorf("restored %s: %w", key, err)
	}
	if strings.HasSuffix(strings.ToLower(key), ".wav") {
		w, err := integrity.CheckWAV(body)
		if err != nil {
			return "", fmt.Errorf("restored recording %s: %w", key, err)
		}
		return fmt.Sprintf("WAV, %s", w.Duration), nil
	}
	recs, err := integrity.CheckContactRecords(body)
	if err != nil {
		return "", fmt.Errorf("restored contact record %s: %w", key, err)
	}
	return fmt.Sprintf("%d contact records", len(recs)), nil
}
