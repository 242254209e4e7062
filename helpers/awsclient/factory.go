package awsclient

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// Factory builds SDK configurations for one run. It is safe for concurrent use.
type Factory struct {
	// Endpoint, when set, points every client at the simulator (sim mode);
	// credentials then come from SimCredentials.
	Endpoint string
	// SimCredentials returns the static credentials the simulator maps to an
	// account (sim mode only).
	SimCredentials func(account string) aws.Credentials
	// Limiter is shared by every client of the run.
	Limiter *Limiter
	// MaxAttempts bounds the adaptive retryer (default 10): throttling is
	// retried with backoff rather than surfacing as an error.
	MaxAttempts int
	// HTTPClient is used for every client (default: a pooled client).
	HTTPClient *http.Client
}

// Target is one account and region a run reads.
type Target struct {
	Account, Region string
	// RoleARN, when set, is assumed (live mode) with the ambient credentials.
	RoleARN string
	// AllowDrill lets the operations of DrillAllowlist pass the guard. The
	// harness sets it only when the run opted in (COMPLIANCE_ALLOW_DRILL=1)
	// and the config enables drills for this account and region.
	AllowDrill bool
}

// Config returns the read-only SDK configuration for an account and region
// (ConfigFor without drills).
func (f *Factory) Config(ctx context.Context, account, region, roleARN string) (aws.Config, error) {
	return f.ConfigFor(ctx, Target{Account: account, Region: region, RoleARN: roleARN})
}

// ConfigFor returns the SDK configuration for a target with the guard, the
// rate limiter and the call recorder installed. In live mode the standard
// credential chain is used (environment, shared profiles, SSO, web
// identity/OIDC in CI, instance roles) and, when t.RoleARN is set, that role
// is assumed.
func (f *Factory) ConfigFor(ctx context.Context, t Target) (aws.Config, error) {
	account, region, roleARN := t.Account, t.Region, t.RoleARN
	var cfg aws.Config
	if f.Endpoint != "" {
		cfg = aws.Config{
			Region:       region,
			Credentials:  aws.NewCredentialsCache(credentials.StaticCredentialsProvider{Value: f.SimCredentials(account)}),
			BaseEndpoint: aws.String(f.Endpoint),
		}
	} else {
		var err error
		cfg, err = awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(region))
		if err != nil {
			return aws.Config{}, fmt.Errorf("load AWS credentials for account %s: %w", account, err)
		}
		if roleARN != "" {
			stsClient := sts.NewFromConfig(cfg, func(o *sts.Options) {
				o.APIOptions = append(o.APIOptions, AddReadOnlyGuard)
			})
			cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, roleARN, func(o *stscreds.AssumeRoleOptions) {
				o.RoleSessionName = "connect-compliance"
			}))
		}
	}
	if f.HTTPClient != nil {
		cfg.HTTPClient = f.HTTPClient
	}
	attempts := f.MaxAttempts
	if attempts == 0 {
		attempts = 10
	}
	cfg.Retryer = func() aws.Retryer {
		return retry.AddWithMaxBackoffDelay(retry.AddWithMaxAttempts(retry.NewAdaptiveMode(), attempts), 5*time.Second)
	}
	limiter := f.Limiter
	if limiter == nil {
		limiter = NewLimiter(nil)
	}
	guard := AddReadOnlyGuard
	if t.AllowDrill {
		guard = AddDrillGuard
	}
	cfg.APIOptions = append(cfg.APIOptions,
		guard,
		func(s *middleware.Stack) error {
			return s.Finalize.Add(rateLimit{limiter: limiter, account: account}, middleware.After)
		},
		func(s *middleware.Stack) error {
			return s.Finalize.Add(recordCalls{account: account}, middleware.After)
		},
	)
	return cfg, nil
}
