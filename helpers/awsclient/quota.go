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
		b = rate.NewLimiter(rate.Limit(q.Rate), q.Burst)
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
