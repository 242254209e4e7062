package awsclient

import (
	"context"
	"fmt"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// Quota is a client-side token bucket: Rate requests per second, Burst at once.
type Quota struct {
	Rate  float64
	Burst int
}

// Quotas are per operation ("Service:Operation"), sized below the AWS
// defaults so that a run stays under the account's quota even with another
// tool reading at the same time. Sources:
// Amazon Connect service quotas (Amazon Connect Administrator Guide, "Amazon
// Connect service quotas", API throttling quotas: ListQueues, DescribeQueue
// 10 TPS burst 15; GetCurrentMetricData 5 TPS burst 8; GetMetricDataV2 10 TPS
// burst 15; most other List/Describe 2 TPS burst 5) and CloudWatch service
// quotas (GetMetricData 50 TPS).
var Quotas = map[string]Quota{
	"Connect:ListQueues":               {Rate: 9, Burst: 12},
	"Connect:DescribeQueue":            {Rate: 9, Burst: 12},
	"Connect:GetCurrentMetricData":     {Rate: 4.5, Burst: 6},
	"Connect:GetMetricDataV2":          {Rate: 9, Burst: 12},
	"Connect:ListRoutingProfiles":      {Rate: 1.8, Burst: 4},
	"Connect:ListRoutingProfileQueues": {Rate: 1.8, Burst: 4},
	"CloudWatch:GetMetricData":         {Rate: 45, Burst: 45},
	// daily: CloudWatch service quotas, DescribeAlarms 9 TPS; ListDashboards
	// and GetDashboard 10 TPS.
	"CloudWatch:DescribeAlarms": {Rate: 8, Burst: 8},
	"CloudWatch:ListDashboards": {Rate: 9, Burst: 9},
	"CloudWatch:GetDashboard":   {Rate: 9, Burst: 9},
	// daily: Lambda quotas, API requests: control plane operations other
	// than GetFunction and GetPolicy share 15 requests a second.
	"Lambda:GetFunctionConfiguration": {Rate: 10, Burst: 10},
	// quarterly (7.3.7): Secrets Manager ListSecrets 100 requests per second
	// (AWS What's New, 2022-11-11, "AWS Secrets Manager increases API
	// requests per second limits") and DescribeSecret 40,000 per second
	// (What's New, 2025-03-04); both kept far below.
	"Secrets Manager:ListSecrets":    {Rate: 50, Burst: 50},
	"Secrets Manager:DescribeSecret": {Rate: 50, Burst: 50},
	// monthly (7.2), each below its AWS default: CloudTrail LookupEvents 2
	// requests per second per account and Region, DescribeTrails and
	// GetTrailStatus 10 TPS (CloudTrail service quotas, AWS General
	// Reference); CloudWatch Logs FilterLogEvents 5 TPS, DescribeLogGroups
	// 10 TPS (CloudWatch Logs quotas); Connect ListInstanceStorageConfigs 2
	// TPS burst 5 (Connect API throttling, "all other operations"); RDS API
	// 12 per second sustained shared (RDS User Guide, "Request throttling
	// for the Amazon RDS API"); DynamoDB control plane (ListTables,
	// DescribeTable, DescribeContinuousBackups) 2,500 requests per second
	// (DynamoDB Developer Guide, service quotas); AWS Backup publishes no
	// per-operation read rate (kept at 9/s); S3 GET 5,500 per second per
	// prefix (S3 User Guide, performance guidelines; bucket configuration
	// reads are kept at 50/s).
	"CloudTrail:LookupEvents":             {Rate: 1.8, Burst: 2},
	"CloudTrail:DescribeTrails":           {Rate: 9, Burst: 9},
	"CloudTrail:GetTrailStatus":           {Rate: 9, Burst: 9},
	"CloudWatch Logs:FilterLogEvents":     {Rate: 4.5, Burst: 5},
	"CloudWatch Logs:DescribeLogGroups":   {Rate: 9, Burst: 9},
	"Connect:ListInstanceStorageConfigs":  {Rate: 1.8, Burst: 4},
	"RDS:DescribeDBInstances":             {Rate: 10, Burst: 20},
	"DynamoDB:ListTables":                 {Rate: 9, Burst: 9},
	"DynamoDB:DescribeTable":              {Rate: 9, Burst: 9},
	"DynamoDB:DescribeContinuousBackups":  {Rate: 9, Burst: 9},
	"Backup:ListProtectedResources":       {Rate: 9, Burst: 9},
	"Backup:ListRecoveryPointsByResource": {Rate: 9, Burst: 9},
	"Backup:ListBackupJobs":               {Rate: 9, Burst: 9},
	"Backup:ListRestoreJobs":              {Rate: 9, Burst: 9},
	"S3:GetBucketVersioning":              {Rate: 50, Burst: 50},
	"S3:GetBucketEncryption":              {Rate: 50, Burst: 50},
	"S3:GetPublicAccessBlock":             {Rate: 50, Burst: 50},
	"S3:GetBucketLifecycleConfiguration":  {Rate: 50, Burst: 50},
	"S3:GetObjectLockConfiguration":       {Rate: 50, Burst: 50},
	"S3:ListObjectsV2":                    {Rate: 50, Burst: 50},
	"S3:GetObject":                        {Rate: 50, Burst: 50},
	// change (7.4): CodePipeline publishes resource quotas only, no API
	// request rate (AWS General Reference, "AWS CodePipeline endpoints and
	// quotas"; CodePipeline User Guide, "Quotas in AWS CodePipeline"): its
	// reads are kept at 5/s. The new Connect reads (DescribeRoutingProfile,
	// the hours, prompts, security profiles and flow versions) take the
	// default, Connect's "all other operations" 2 TPS burst 5.
	"CodePipeline:GetPipeline":            {Rate: 5, Burst: 5},
	"CodePipeline:GetPipelineState":       {Rate: 5, Burst: 5},
	"CodePipeline:ListPipelineExecutions": {Rate: 5, Burst: 5},
	"CodePipeline:ListActionExecutions":   {Rate: 5, Burst: 5},
}

// defaultQuota applies to allowed operations missing from Quotas: the most
// conservative Connect quota.
var defaultQuota = Quota{Rate: 1.8, Burst: 4}

// Limiter holds one token bucket per account, region and operation. It is
// shared by every client of a run so that controls running in parallel
// together stay under the quota.
type Limiter struct {
	mu      sync.Mutex
	quotas  map[string]Quota
	buckets map[string]*rate.Limiter
	// Speedup multiplies every rate (set before first use; 0 means 1): only
	// against a simulator whose quotas run as much faster
	// (awssim.WithQuotaSpeedup).
	Speedup float64
}

// NewLimiter returns a limiter using Quotas, with overrides applied.
func NewLimiter(overrides map[string]Quota) *Limiter {
	q := make(map[string]Quota, len(Quotas)+len(overrides))
	for k, v := range Quotas {
		q[k] = v
	}
	for k, v := range overrides {
		q[k] = v
	}
	return &Limiter{quotas: q, buckets: map[string]*rate.Limiter{}}
}

// Wait blocks until the bucket of the operation has a token.
func (l *Limiter) Wait(ctx context.Context, account, region, service, operation string) error {
	key := service + ":" + operation
	l.mu.Lock()
	b, ok := l.buckets[account+"/"+region+"/"+key]
	if !ok {
		q, known := l.quotas[key]
		if !known {
			q = defaultQuota
		}
		r := q.Rate
		if l.Speedup > 0 {
			r *= l.Speedup
		}
		b = rate.NewLimiter(rate.Limit(r), q.Burst)
		l.buckets[account+"/"+region+"/"+key] = b
	}
	l.mu.Unlock()
	if err := b.Wait(ctx); err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	return nil
}

// rateLimit is a Finalize middleware after the retry middleware, so every
// attempt, retries included, takes a token.
type rateLimit struct {
	limiter *Limiter
	account string
}

func (rateLimit) ID() string { return "ComplianceRateLimit" }

func (m rateLimit) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	if err := m.limiter.Wait(ctx, m.account, awsmiddleware.GetRegion(ctx), awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)); err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, err
	}
	return next.HandleFinalize(ctx, in)
}
