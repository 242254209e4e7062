// Package trails reads what the monthly log review judges of AWS CloudTrail
// in one account and region: the trails visible there with their logging
// status (DescribeTrails, GetTrailStatus), and management events by name
// (LookupEvents, every page) with the principal that made each call parsed
// from its CloudTrail record.
//
// Trails are read once per Reader and shared by the controls of a test
// binary; events are read fresh. Every error is returned wrapped with what
// was being read; a partial answer is an error, never a shorter list. It
// judges nothing.
package trails

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

// API is the part of the CloudTrail client this package uses.
type API interface {
	DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(context.Context, *cloudtrail.GetTrailStatusInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	LookupEvents(context.Context, *cloudtrail.LookupEventsInput, ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error)
}

var _ API = (*cloudtrail.Client)(nil)

// Reader reads CloudTrail in one account and region.
type Reader struct {
	api             API
	Account, Region string

	mu     sync.Mutex
	trails []Trail
}

// NewReader returns a reader.
func NewReader(api API, account, region string) *Reader {
	return &Reader{api: api, Account: account, Region: region}
}

// Trail is a trail and its status.
type Trail struct {
	Name, ARN, HomeRegion string
	MultiRegion           bool
	LogFileValidation     bool
	// LogGroupARN is the CloudWatch Logs log group the trail delivers to ("" = none).
	LogGroupARN string
	// LogGroup is the log group's name, from LogGroupARN.
	LogGroup string
	Status   Status
}

// Resource is the trail's name in findings.
func (t Trail) Resource() string { return "trail/" + t.Name }

// Status is GetTrailStatus.
type Status struct {
	Logging                   bool
	LatestDelivery            time.Time // zero = never delivered
	LatestDeliveryError       string
	LatestCloudWatchLogs      time.Time
	LatestCloudWatchLogsError string
}

// Trails returns the trails visible in the region (its own and shadows of
// multi-region trails homed elsewhere) with their status, sorted by ARN.
func (r *Reader) Trails(ctx context.Context) ([]Trail, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.trails != nil {
		return r.trails, nil
	}
	out, err := r.api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("describe trails in %s/%s: %w", r.Account, r.Region, err)
	}
	trails := make([]Trail, 0, len(out.TrailList))
	for _, t := range out.TrailList {
		x := Trail{Name: aws.ToString(t.Name), ARN: aws.ToString(t.TrailARN), HomeRegion: aws.ToString(t.HomeRegion),
			MultiRegion: aws.ToBool(t.IsMultiRegionTrail), LogFileValidation: aws.ToBool(t.LogFileValidationEnabled),
			LogGroupARN: aws.ToString(t.CloudWatchLogsLogGroupArn)}
		x.LogGroup = logGroupName(x.LogGroupARN)
		// A shadow trail's status is read by ARN (GetTrailStatus Name:
		// "To get the status of a shadow trail ... you must specify its ARN").
		st, err := r.api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(x.ARN)})
		if err != nil {
			return nil, fmt.Errorf("status of trail %s: %w", x.Name, err)
		}
		x.Status = Status{Logging: aws.ToBool(st.IsLogging), LatestDelivery: aws.ToTime(st.LatestDeliveryTime),
			LatestDeliveryError: aws.ToString(st.LatestDeliveryError), LatestCloudWatchLogs: aws.ToTime(st.LatestCloudWatchLogsDeliveryTime),
			LatestCloudWatchLogsError: aws.ToString(st.LatestCloudWatchLogsDeliveryError)}
		trails = append(trails, x)
	}
	sort.Slice(trails, func(i, j int) bool { return trails[i].ARN < trails[j].ARN })
	r.trails = trails
	return trails, nil
}

// logGroupName is the name in arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*].
func logGroupName(arn string) string {
	_, rest, ok := strings.Cut(arn, ":log-group:")
	if !ok {
		return ""
	}
	return strings.TrimSuffix(rest, ":*")
}

// Event is a management event.
type Event struct {
	ID, Name, Source string
	Time             time.Time
	// Principal is who made the call: the role name of an assumed-role
	// session, an IAM user name, "root", or the ARN for anything else.
	Principal string
	// PrincipalType is the record's userIdentity.type (AssumedRole, IAMUser, Root, ...).
	PrincipalType string
	ErrorCode     string
}

// Events returns the management events named name in [start, end), newest
// first (LookupEvents by EventName, every page; 50 events a page is the
// API's maximum).
func (r *Reader) Events(ctx context.Context, name string, start, end time.Time) ([]Event, error) {
	p := cloudtrail.NewLookupEventsPaginator(r.api, &cloudtrail.LookupEventsInput{
		LookupAttributes: []types.LookupAttribute{{AttributeKey: types.LookupAttributeKeyEventName, AttributeValue: aws.String(name)}},
		StartTime:        aws.Time(start), EndTime: aws.Time(end), MaxResults: aws.Int32(50),
	})
	var out []Event
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("look up %s events in %s/%s: %w", name, r.Account, r.Region, err)
		}
		for _, e := range page.Events {
			ev := Event{ID: aws.ToString(e.EventId), Name: aws.ToString(e.EventName), Source: aws.ToString(e.EventSource),
				Time: aws.ToTime(e.EventTime)}
			if err := ev.parseRecord(aws.ToString(e.CloudTrailEvent)); err != nil {
				return nil, fmt.Errorf("event %s (%s): %w", ev.ID, ev.Name, err)
			}
			if ev.Principal == "" {
				ev.Principal = aws.ToString(e.Username)
			}
			out = append(out, ev)
		}
	}
	return out, nil
}

// Record is the part of a CloudTrail record the controls read (CloudTrail
// User Guide, "CloudTrail record contents").
type Record struct {
	EventID      string `json:"eventID"`
	EventName    string `json:"eventName"`
	EventSource  string `json:"eventSource"`
	EventTime    string `json:"eventTime"`
	EventType    string `json:"eventType"`
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
	UserIdentity struct {
		Type           string `json:"type"`
		ARN            string `json:"arn"`
		UserName       string `json:"userName"`
		InvokedBy      string `json:"invokedBy"`
		SessionContext *struct {
			SessionIssuer *struct {
				UserName string `json:"userName"`
				ARN      string `json:"arn"`
			} `json:"sessionIssuer"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
	ResponseElements map[string]any `json:"responseElements"`
}

// ParseRecord parses a CloudTrail record (a CloudTrailEvent, or a log event
// delivered to CloudWatch Logs).
func ParseRecord(s string) (Record, error) {
	var rec Record
	if err := json.Unmarshal([]byte(s), &rec); err != nil {
		return rec, fmt.Errorf("not a CloudTrail record: %w", err)
	}
	return rec, nil
}

// Principal is who made the call (see Event.Principal).
func (rec Record) Principal() string {
	id := rec.UserIdentity
	switch id.Type {
	case "Root":
		return "root"
	case "IAMUser":
		if id.UserName != "" {
			return id.UserName
		}
	case "AssumedRole":
		if id.SessionContext != nil && id.SessionContext.SessionIssuer != nil && id.SessionContext.SessionIssuer.UserName != "" {
			return id.SessionContext.SessionIssuer.UserName
		}
		// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
		if _, rest, ok := strings.Cut(id.ARN, ":assumed-role/"); ok {
			role, _, _ := strings.Cut(rest, "/")
			return role
		}
	}
	if id.ARN != "" {
		return id.ARN
	}
	return id.InvokedBy
}

func (e *Event) parseRecord(s string) error {
	if s == "" {
		return nil // LookupEvents always sends it; without it the Username attribute is used
	}
	rec, err := ParseRecord(s)
	if err != nil {
		return err
	}
	e.Principal, e.PrincipalType, e.ErrorCode = rec.Principal(), rec.UserIdentity.Type, rec.ErrorCode
	return nil
}
