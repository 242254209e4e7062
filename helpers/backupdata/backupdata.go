// Package backupdata reads AWS Backup for the backup controls: the protected
// resources of a region with their newest completed recovery point
// (ListProtectedResources, ListRecoveryPointsByResource), the backup jobs and
// the restore jobs created since a time (ListBackupJobs, ListRestoreJobs).
// Every page is followed (1,000 items a page, the API's maximum); every
// error is returned wrapped. Protected resources are read once per Reader.
// It judges nothing.
package backupdata

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// API is the part of the AWS Backup client this package uses.
type API interface {
	ListProtectedResources(context.Context, *backup.ListProtectedResourcesInput, ...func(*backup.Options)) (*backup.ListProtectedResourcesOutput, error)
	ListRecoveryPointsByResource(context.Context, *backup.ListRecoveryPointsByResourceInput, ...func(*backup.Options)) (*backup.ListRecoveryPointsByResourceOutput, error)
	ListBackupJobs(context.Context, *backup.ListBackupJobsInput, ...func(*backup.Options)) (*backup.ListBackupJobsOutput, error)
	ListRestoreJobs(context.Context, *backup.ListRestoreJobsInput, ...func(*backup.Options)) (*backup.ListRestoreJobsOutput, error)
}

var _ API = (*backup.Client)(nil)

// pageSize is the most items a list call returns (model MaxResults 1..1000).
const pageSize = 1000

// Reader reads AWS Backup in one account and region.
type Reader struct {
	api             API
	Account, Region string

	mu        sync.Mutex
	protected []Protected
}

// NewReader returns a reader.
func NewReader(api API, account, region string) *Reader {
	return &Reader{api: api, Account: account, Region: region}
}

// Protected is a resource with recovery points.
type Protected struct {
	ARN, Type, Name string
	LastBackup      time.Time
	// NewestCompleted is the creation time of its newest COMPLETED recovery
	// point (zero: none completed); NewestPoint is that point's ARN.
	NewestCompleted time.Time
	NewestPoint     string
}

// Resource names the resource in findings ("DynamoDB/customers").
func (p Protected) Resource() string {
	name := p.Name
	if name == "" {
		name = p.ARN
	}
	return p.Type + "/" + name
}

// Protected returns the region's protected resources sorted by ARN, each
// with its newest completed recovery point (one ListRecoveryPointsByResource
// per resource, every page).
func (r *Reader) Protected(ctx context.Context) ([]Protected, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.protected != nil {
		return r.protected, nil
	}
	out := []Protected{}
	p := backup.NewListProtectedResourcesPaginator(r.api, &backup.ListProtectedResourcesInput{MaxResults: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list protected resources in %s/%s: %w", r.Account, r.Region, err)
		}
		for _, x := range page.Results {
			out = append(out, Protected{ARN: aws.ToString(x.ResourceArn), Type: aws.ToString(x.ResourceType),
				Name: aws.ToString(x.ResourceName), LastBackup: aws.ToTime(x.LastBackupTime)})
		}
	}
	for i := range out {
		rp := backup.NewListRecoveryPointsByResourcePaginator(r.api, &backup.ListRecoveryPointsByResourceInput{
			ResourceArn: aws.String(out[i].ARN), MaxResults: aws.Int32(pageSize)})
		for rp.HasMorePages() {
			page, err := rp.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("recovery points of %s: %w", out[i].ARN, err)
			}
			for _, x := range page.RecoveryPoints {
				if x.Status != types.RecoveryPointStatusCompleted {
					continue
				}
				if t := aws.ToTime(x.CreationDate); t.After(out[i].NewestCompleted) {
					out[i].NewestCompleted, out[i].NewestPoint = t, aws.ToString(x.RecoveryPointArn)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	r.protected = out
	return out, nil
}

// Job is a backup job.
type Job struct {
	ID, ResourceARN, ResourceType, ResourceName, Vault string
	State, StatusMessage                               string
	Created                                            time.Time
}

// Jobs returns the backup jobs created after since, newest first.
func (r *Reader) Jobs(ctx context.Context, since time.Time) ([]Job, error) {
	var out []Job
	p := backup.NewListBackupJobsPaginator(r.api, &backup.ListBackupJobsInput{ByCreatedAfter: aws.Time(since), MaxResults: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list backup jobs in %s/%s: %w", r.Account, r.Region, err)
		}
		for _, j := range page.BackupJobs {
			out = append(out, Job{ID: aws.ToString(j.BackupJobId), ResourceARN: aws.ToString(j.ResourceArn), ResourceType: aws.ToString(j.ResourceType),
				ResourceName: aws.ToString(j.ResourceName), Vault: aws.ToString(j.BackupVaultName), State: string(j.State),
				StatusMessage: aws.ToString(j.StatusMessage), Created: aws.ToTime(j.CreationDate)})
		}
	}
	return out, nil
}

// Restore is a restore job.
type Restore struct {
	ID, ResourceType, SourceARN, CreatedResource string
	Status, ValidationStatus                     string
	Created, Completed                           time.Time
	TestingPlan                                  string
}

// Restores returns the restore jobs created after since, newest first.
func (r *Reader) Restores(ctx context.Context, since time.Time) ([]Restore, error) {
	var out []Restore
	p := backup.NewListRestoreJobsPaginator(r.api, &backup.ListRestoreJobsInput{ByCreatedAfter: aws.Time(since), MaxResults: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list restore jobs in %s/%s: %w", r.Account, r.Region, err)
		}
		for _, j := range page.RestoreJobs {
			x := Restore{ID: aws.ToString(j.RestoreJobId), ResourceType: aws.ToString(j.ResourceType), SourceARN: aws.ToString(j.SourceResourceArn),
				CreatedResource: aws.ToString(j.CreatedResourceArn), Status: string(j.Status), ValidationStatus: string(j.ValidationStatus),
				Created: aws.ToTime(j.CreationDate), Completed: aws.ToTime(j.CompletionDate)}
			if j.CreatedBy != nil {
				x.TestingPlan = aws.ToString(j.CreatedBy.RestoreTestingPlanArn)
			}
			out = append(out, x)
		}
	}
	return out, nil
}
