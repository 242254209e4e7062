package harness

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
)

// connect builds the clients of every target and checks each target's
// identity, at most e.concurrency targets at a time. A target that cannot be
// set up (no credentials, the role cannot be assumed, STS unreachable in
// that region) keeps its error: its instances answer every read with it, so
// the controls report an error there and still judge the other targets.
// Credentials for another account than the config names stop the whole run.
func (e *Env) connect(ctx context.Context, factory *awsclient.Factory, o Options) error {
	sem := make(chan struct{}, e.concurrency)
	var wg sync.WaitGroup
	clients := make([]*connect.Client, len(e.targets))
	for i, t := range e.targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			awsCfg, err := factory.ConfigFor(ctx, awsclient.Target{Account: t.Account, Region: t.Region, RoleARN: t.RoleARN, AllowDrill: t.allowDrill})
			if err == nil {
				err = verifyIdentity(ctx, awsCfg, t.Account)
			}
			if err != nil {
				t.err = err
				return
			}
			t.awsCfg = awsCfg
			clients[i] = connect.NewFromConfig(awsCfg)
			t.cw = cloudwatch.NewFromConfig(awsCfg)
		}()
	}
	wg.Wait()
	var fatal []error
	e.targetOf = map[*connectdata.Instance]*target{}
	for i, t := range e.targets {
		var wrong *wrongAccountError
		if errors.As(t.err, &wrong) {
			fatal = append(fatal, t.err)
			continue
		}
		var api connectdata.API = clients[i]
		if t.err != nil {
			api, t.cw = failedConnect{t.err}, failedCloudWatch{t.err}
		}
		for _, in := range t.Instances {
			ci := connectdata.NewInstance(api, t.Account, t.Region, in.ID, in.Alias)
			e.instances = append(e.instances, ci)
			e.targetOf[ci] = t
		}
	}
	return errors.Join(fatal...)
}

// list splits a comma-separated environment value.
func list(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// failedConnect answers every Connect read of a target that could not be
// set up with the setup error.
type failedConnect struct{ err error }

func (f failedConnect) ListQueues(context.Context, *connect.ListQueuesInput, ...func(*connect.Options)) (*connect.ListQueuesOutput, error) {
	return nil, f.err
}
func (f failedConnect) DescribeQueue(context.Context, *connect.DescribeQueueInput, ...func(*connect.Options)) (*connect.DescribeQueueOutput, error) {
	return nil, f.err
}
func (f failedConnect) GetCurrentMetricData(context.Context, *connect.GetCurrentMetricDataInput, ...func(*connect.Options)) (*connect.GetCurrentMetricDataOutput, error) {
	return nil, f.err
}
func (f failedConnect) GetMetricDataV2(context.Context, *connect.GetMetricDataV2Input, ...func(*connect.Options)) (*connect.GetMetricDataV2Output, error) {
	return nil, f.err
}
func (f failedConnect) ListRoutingProfiles(context.Context, *connect.ListRoutingProfilesInput, ...func(*connect.Options)) (*connect.ListRoutingProfilesOutput, error) {
	return nil, f.err
}
func (f failedConnect) ListRoutingProfileQueues(context.Context, *connect.ListRoutingProfileQueuesInput, ...func(*connect.Options)) (*connect.ListRoutingProfileQueuesOutput, error) {
	return nil, f.err
}

// The daily readers' Connect operations (connectdata.DailyAPI).
func (f failedConnect) SearchQueues(context.Context, *connect.SearchQueuesInput, ...func(*connect.Options)) (*connect.SearchQueuesOutput, error) {
	return nil, f.err
}
func (f failedConnect) SearchRoutingProfiles(context.Context, *connect.SearchRoutingProfilesInput, ...func(*connect.Options)) (*connect.SearchRoutingProfilesOutput, error) {
	return nil, f.err
}
func (f failedConnect) SearchAgentStatuses(context.Context, *connect.SearchAgentStatusesInput, ...func(*connect.Options)) (*connect.SearchAgentStatusesOutput, error) {
	return nil, f.err
}
func (f failedConnect) ListPhoneNumbersV2(context.Context, *connect.ListPhoneNumbersV2Input, ...func(*connect.Options)) (*connect.ListPhoneNumbersV2Output, error) {
	return nil, f.err
}
func (f failedConnect) DescribePhoneNumber(context.Context, *connect.DescribePhoneNumberInput, ...func(*connect.Options)) (*connect.DescribePhoneNumberOutput, error) {
	return nil, f.err
}
func (f failedConnect) ListFlowAssociations(context.Context, *connect.ListFlowAssociationsInput, ...func(*connect.Options)) (*connect.ListFlowAssociationsOutput, error) {
	return nil, f.err
}
func (f failedConnect) GetCurrentUserData(context.Context, *connect.GetCurrentUserDataInput, ...func(*connect.Options)) (*connect.GetCurrentUserDataOutput, error) {
	return nil, f.err
}
func (f failedConnect) ListLambdaFunctions(context.Context, *connect.ListLambdaFunctionsInput, ...func(*connect.Options)) (*connect.ListLambdaFunctionsOutput, error) {
	return nil, f.err
}
func (f failedConnect) DescribeInstanceAttribute(context.Context, *connect.DescribeInstanceAttributeInput, ...func(*connect.Options)) (*connect.DescribeInstanceAttributeOutput, error) {
	return nil, f.err
}

func (f failedConnect) ListContactFlows(context.Context, *connect.ListContactFlowsInput, ...func(*connect.Options)) (*connect.ListContactFlowsOutput, error) {
	return nil, f.err
}

// failedCloudWatch is failedConnect for CloudWatch.
type failedCloudWatch struct{ err error }

func (f failedCloudWatch) GetMetricData(context.Context, *cloudwatch.GetMetricDataInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	return nil, f.err
}
