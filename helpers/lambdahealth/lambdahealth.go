// Package lambdahealth reads the state of the Lambda functions a Connect
// instance invokes: each function's configuration (does it exist, is it
// Active, did its last update succeed) and how many "Task timed out" lines
// its log group holds over a period. It judges nothing.
package lambdahealth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// LambdaAPI is the part of the Lambda client this package uses.
type LambdaAPI interface {
	GetFunctionConfiguration(context.Context, *lambda.GetFunctionConfigurationInput, ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error)
}

// LogsAPI is the part of the CloudWatch Logs client this package uses.
type LogsAPI interface {
	FilterLogEvents(context.Context, *cloudwatchlogs.FilterLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

var (
	_ LambdaAPI = (*lambda.Client)(nil)
	_ LogsAPI   = (*cloudwatchlogs.Client)(nil)
)

// Function is what the daily suite judges of one function.
type Function struct {
	ARN, Name string
	// Exists is false when Lambda answered ResourceNotFoundException: the
	// instance invokes a function that is gone.
	Exists bool
	// State is Pending, Active, Inactive or Failed; StateReason says why a
	// function is not Active; LastUpdateStatus is Successful, Failed or
	// InProgress.
	State, StateReason, LastUpdateStatus string
	// LogGroup is the function's log group (default /aws/lambda/NAME).
	LogGroup string
}

// Ready reports whether the function can be invoked: it exists, is Active,
// and its last update did not fail.
func (f Function) Ready() bool {
	return f.Exists && f.State == "Active" && f.LastUpdateStatus != "Failed"
}

// NameOf is the function name in a function ARN
// (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]).
func NameOf(arn string) string {
	f := strings.Split(arn, ":")
	if len(f) >= 7 && f[5] == "function" {
		return f[6]
	}
	return arn
}

// Functions returns the configuration of each function ARN, in order
// (GetFunctionConfiguration, a few calls in flight under the shared
// rate limiter).
func Functions(ctx context.Context, api LambdaAPI, arns []string) ([]Function, error) {
	out := make([]Function, len(arns))
	errs := make([]error, len(arns))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, arn := range arns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			f := Function{ARN: arn, Name: NameOf(arn), LogGroup: "/aws/lambda/" + NameOf(arn)}
			cfg, err := api.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(arn)})
			var nf *ltypes.ResourceNotFoundException
			switch {
			case errors.As(err, &nf):
				out[i] = f // Exists false
				return
			case err != nil:
				errs[i] = fmt.Errorf("get configuration of Lambda function %s: %w", f.Name, err)
				return
			}
			f.Exists, f.State, f.StateReason, f.LastUpdateStatus = true, string(cfg.State), aws.ToString(cfg.StateReason), string(cfg.LastUpdateStatus)
			if cfg.LoggingConfig != nil && aws.ToString(cfg.LoggingConfig.LogGroup) != "" {
				f.LogGroup = aws.ToString(cfg.LoggingConfig.LogGroup)
			}
			out[i] = f
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// TimeoutPattern matches the line the Lambda runtime logs when an invocation
// exceeds its timeout ("... Task timed out after 3.00 seconds"; CloudWatch
// Logs filter pattern syntax: a quoted term matches the exact phrase).
const TimeoutPattern = `"Task timed out"`

// CountLines returns how many events of a log group in [start, end) match a
// filter pattern (FilterLogEvents, every page). A log group that does not
// exist holds no line: found is false and the count 0 (a function that never
// ran has none).
func CountLines(ctx context.Context, api LogsAPI, group, pattern string, start, end time.Time) (n int, found bool, err error) {
	p := cloudwatchlogs.NewFilterLogEventsPaginator(api, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(group), FilterPattern: aws.String(pattern),
		StartTime: aws.Int64(start.UnixMilli()), EndTime: aws.Int64(end.UnixMilli() - 1), // both inclusive (API reference)
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			var nf *logtypes.ResourceNotFoundException
			if errors.As(err, &nf) {
				return 0, false, nil
			}
			return 0, false, fmt.Errorf("filter log group %s for %s: %w", group, pattern, err)
		}
		n += len(page.Events)
	}
	return n, true, nil
}
