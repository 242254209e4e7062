//go:build daily

package daily

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/connect-compliance/connect-compliance/helpers/dashboards"
	"github.com/connect-compliance/connect-compliance/helpers/lambdahealth"
	"github.com/connect-compliance/connect-compliance/helpers/siptrunk"
)

// targetClients are the guarded, rate-limited clients of one account and
// region beyond Connect (which connectdata.Instance holds), built once per
// test binary from the harness's configuration of that target.
type targetClients struct {
	cw     dashboards.API
	lambda lambdahealth.LambdaAPI
	logs   lambdahealth.LogsAPI
	sip    siptrunk.API
}

var clientsOf = struct {
	sync.Mutex
	m map[string]*targetClients
}{m: map[string]*targetClients{}}

// clients returns the clients of an account and region; the error is the
// target's setup error (credentials, identity) or that it is not in scope.
func clients(account, region string) (*targetClients, error) {
	cfg, err := env.AWSConfig(account, region)
	if err != nil {
		return nil, err
	}
	clientsOf.Lock()
	defer clientsOf.Unlock()
	k := account + "/" + region
	if c := clientsOf.m[k]; c != nil {
		return c, nil
	}
	c := &targetClients{cw: cloudwatch.NewFromConfig(cfg), lambda: lambda.NewFromConfig(cfg),
		logs: cloudwatchlogs.NewFromConfig(cfg), sip: chimesdkvoice.NewFromConfig(cfg)}
	clientsOf.m[k] = c
	return c, nil
}
