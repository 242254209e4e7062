package harness

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/gruntwork-io/terratest/modules/retry"
)

// identityAttempts bounds the identity check's retries of errors that are
// not AWS answers (credential resolution, network): CI runners sometimes get
// their web-identity token a moment after the job starts.
const (
	identityRetries = 3
	identitySleep   = 2 * time.Second
)

// verifyIdentity makes sure the credentials belong to the account the config
// names: judging another account and calling it compliant is the worst
// mistake a compliance run can make.
func verifyIdentity(ctx context.Context, cfg aws.Config, account string) error {
	client := sts.NewFromConfig(cfg)
	get := func() (string, error) {
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Account), nil
	}
	got, err := get()
	var api smithy.APIError
	if err != nil && !errors.As(err, &api) {
		// Not an answer from AWS: retry a few times before giving up.
		var last error
		got, err = retry.DoWithRetryE(setupT{}, "verify AWS identity for account "+account, identityRetries, identitySleep, func() (string, error) {
			v, err := get()
			if errors.As(err, &api) {
				return "", retry.FatalError{Underlying: err}
			}
			last = err
			return v, err
		})
		if err != nil && last != nil {
			err = last
		}
	}
	if err != nil {
		return fmt.Errorf("verify AWS identity for account %s (sts:GetCallerIdentity): %w", account, err)
	}
	if got != account {
		return &wrongAccountError{got: got, want: account}
	}
	return nil
}

// wrongAccountError: the credentials belong to another account than the
// config names. It stops the whole run (a credential or config mistake),
// unlike a target that merely cannot be reached.
type wrongAccountError struct{ got, want string }

func (e *wrongAccountError) Error() string {
	return fmt.Sprintf("the credentials are for account %s, but the config names account %s: refusing to judge the wrong account", e.got, e.want)
}

// setupT lets terratest's retry run in TestMain, before any test exists; the
// E variants only log with it.
type setupT struct{}

func (setupT) Fail()                 {}
func (setupT) FailNow()              {}
func (setupT) Fatal(...any)          {}
func (setupT) Fatalf(string, ...any) {}
func (setupT) Error(...any)          {}
func (setupT) Errorf(string, ...any) {}
func (setupT) Name() string          { return "connect-compliance setup" }
