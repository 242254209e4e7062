// Package logsdata reads CloudWatch Logs for the monthly controls: log
// groups and their retention (DescribeLogGroups) and the events of a log
// group that match a filter pattern over a time range (FilterLogEvents,
// every page), so that a month of CloudTrail records or database logs can be
// counted server-side filtered rather than downloaded.
//
// Every error is returned wrapped with what was being read; a partial answer
// is an error. It judges nothing.
package logsdata

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// API is the part of the CloudWatch Logs client this package uses.
type API interface {
	DescribeLogGroups(context.Context, *cloudwatchlogs.DescribeLogGroupsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error)
	FilterLogEvents(context.Context, *cloudwatchlogs.FilterLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

var _ API = (*cloudwatchlogs.Client)(nil)

// Reader reads CloudWatch Logs in one account and region.
type Reader struct {
	api             API
	Account, Region string
}

// NewReader returns a reader.
func NewReader(api API, account, region string) *Reader {
	return &Reader{api: api, Account: account, Region: region}
}

// Group is a log group.
type Group struct {
	Name, ARN string
	// RetentionDays is 0 when the group never expires its events.
	RetentionDays int32
	Created       time.Time
	KMSKeyID      string
}

// Resource is the group's name in findings.
func (g Group) Resource() string { return "log-group/" + g.Name }

// Groups returns the log groups whose names start with prefix, sorted by
// name (DescribeLogGroups, every page of 50, the API's maximum).
func (r *Reader) Groups(ctx context.Context, prefix string) ([]Group, error) {
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(r.api, &cloudwatchlogs.DescribeLogGroupsInput{
		LogGroupNamePrefix: aws.String(prefix), Limit: aws.Int32(50),
	})
	var out []Group
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe log groups %s* in %s/%s: %w", prefix, r.Account, r.Region, err)
		}
		for _, g := range page.LogGroups {
			out = append(out, Group{Name: aws.ToString(g.LogGroupName), ARN: aws.ToString(g.LogGroupArn),
				RetentionDays: aws.ToInt32(g.RetentionInDays), Created: time.UnixMilli(aws.ToInt64(g.CreationTime)).UTC(),
				KMSKeyID: aws.ToString(g.KmsKeyId)})
		}
	}
	return out, nil
}

// Event is a log event.
type Event struct {
	Time    time.Time
	Stream  string
	Message string
}

// ErrNoGroup is returned (wrapped) by Filter for a log group that does not exist.
var ErrNoGroup = errors.New("the log group does not exist")

// Filter returns the events of a log group matching pattern (CloudWatch Logs
// filter pattern syntax) in [start, end), oldest first, following every page
// (a page may be empty while the search goes on; only the absence of a next
// token ends it). A group that does not exist is ErrNoGroup.
func (r *Reader) Filter(ctx context.Context, group, pattern string, start, end time.Time) ([]Event, error) {
	p := cloudwatchlogs.NewFilterLogEventsPaginator(r.api, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(group), FilterPattern: aws.String(pattern),
		StartTime: aws.Int64(start.UnixMilli()), EndTime: aws.Int64(end.UnixMilli() - 1), // endTime is inclusive
	})
	var out []Event
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			var nf *types.ResourceNotFoundException
			if errors.As(err, &nf) {
				return nil, fmt.Errorf("filter log group %s in %s/%s: %w (%v)", group, r.Account, r.Region, ErrNoGroup, err)
			}
			return nil, fmt.Errorf("filter log group %s in %s/%s: %w", group, r.Account, r.Region, err)
		}
		for _, e := range page.Events {
			out = append(out, Event{Time: time.UnixMilli(aws.ToInt64(e.Timestamp)).UTC(), Stream: aws.ToString(e.LogStreamName),
				Message: aws.ToString(e.Message)})
		}
	}
	return out, nil
}
