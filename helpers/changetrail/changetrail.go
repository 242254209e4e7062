// Package changetrail reads, from AWS CloudTrail, the changes made to
// Amazon Connect in one account and region over a window: every mutating
// management event (LookupEvents with ReadOnly=false, every page) whose
// source is connect.amazonaws.com, with who made it (the IAM role of an
// assumed-role session, or the user) and which Connect instance it changed.
//
// LookupEvents takes one lookup attribute: ReadOnly=false keeps out the
// (many) reads of every monitoring tool, this suite's included, at the cost
// of filtering other services' writes here. It covers the last 90 days
// (CloudTrail User Guide, "Viewing CloudTrail events with the AWS CLI").
// Every error is returned wrapped; a partial answer is an error. It judges
// nothing.
package changetrail

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/connect-compliance/connect-compliance/helpers/trails"
)

// API is the part of the CloudTrail client this package uses.
type API interface {
	LookupEvents(context.Context, *cloudtrail.LookupEventsInput, ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error)
}

var _ API = (*cloudtrail.Client)(nil)

// ConnectSource is the event source of Amazon Connect API calls.
const ConnectSource = "connect.amazonaws.com"

// MaxWindow is how far back LookupEvents reaches.
const MaxWindow = 90 * 24 * time.Hour

// Change is one mutating Amazon Connect API call.
type Change struct {
	ID, Name string
	Time     time.Time
	// Principal is the role name of an assumed-role session, an IAM user
	// name, "root", or an ARN (trails.Record.Principal); PrincipalType is
	// the record's userIdentity.type.
	Principal, PrincipalType string
	// PrincipalARN is the role (sessionIssuer) ARN of an assumed-role
	// session, else the identity's ARN.
	PrincipalARN string
	// InstanceID is the Connect instance the call named
	// (requestParameters.InstanceId, or an instance ARN among its
	// resources); "" when it named none.
	InstanceID string
	// ErrorCode is set for a call that failed (it changed nothing).
	ErrorCode string
}

// record is what this package reads of a CloudTrail record beyond trails.Record.
type record struct {
	RequestParameters map[string]any `json:"requestParameters"`
	Resources         []struct {
		ARN string `json:"ARN"`
	} `json:"resources"`
	UserIdentity struct {
		ARN            string `json:"arn"`
		SessionContext *struct {
			SessionIssuer *struct {
				ARN string `json:"arn"`
			} `json:"sessionIssuer"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
}

// Changes returns the mutating Connect calls made in [start, end), newest
// first.
func Changes(ctx context.Context, api API, account, region string, start, end time.Time) ([]Change, error) {
	p := cloudtrail.NewLookupEventsPaginator(api, &cloudtrail.LookupEventsInput{
		LookupAttributes: []types.LookupAttribute{{AttributeKey: types.LookupAttributeKeyReadOnly, AttributeValue: aws.String("false")}},
		StartTime:        aws.Time(start), EndTime: aws.Time(end), MaxResults: aws.Int32(50), // LookupEvents MaxResults 1..50
	})
	out := []Change{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("look up write events in %s/%s: %w", account, region, err)
		}
		for _, e := range page.Events {
			if aws.ToString(e.EventSource) != ConnectSource {
				continue
			}
			c := Change{ID: aws.ToString(e.EventId), Name: aws.ToString(e.EventName), Time: aws.ToTime(e.EventTime), Principal: aws.ToString(e.Username)}
			raw := aws.ToString(e.CloudTrailEvent)
			if raw == "" {
				return nil, fmt.Errorf("event %s (%s): no CloudTrail record", c.ID, c.Name)
			}
			rec, err := trails.ParseRecord(raw)
			if err != nil {
				return nil, fmt.Errorf("event %s (%s): %w", c.ID, c.Name, err)
			}
			var more record
			if err := json.Unmarshal([]byte(raw), &more); err != nil {
				return nil, fmt.Errorf("event %s (%s): %w", c.ID, c.Name, err)
			}
			c.Principal, c.PrincipalType, c.ErrorCode = rec.Principal(), rec.UserIdentity.Type, rec.ErrorCode
			c.PrincipalARN = principalARN(more)
			c.InstanceID = instanceOf(more, e.Resources)
			out = append(out, c)
		}
	}
	return out, nil
}

// principalARN is the IAM role of an assumed-role session (the session
// issuer, or derived from the sts assumed-role ARN: arn:aws:sts::ACCOUNT:
// assumed-role/ROLE/SESSION -> arn:aws:iam::ACCOUNT:role/ROLE), else the
// identity's ARN.
func principalARN(r record) string {
	id := r.UserIdentity
	if id.SessionContext != nil && id.SessionContext.SessionIssuer != nil && id.SessionContext.SessionIssuer.ARN != "" {
		return id.SessionContext.SessionIssuer.ARN
	}
	if head, rest, ok := strings.Cut(id.ARN, ":assumed-role/"); ok {
		role, _, _ := strings.Cut(rest, "/")
		return strings.Replace(head, ":sts:", ":iam:", 1) + ":role/" + role
	}
	return id.ARN
}

// instanceOf finds the Connect instance a call named.
func instanceOf(r record, resources []types.Resource) string {
	if v, ok := r.RequestParameters["InstanceId"].(string); ok && v != "" {
		return instanceID(v)
	}
	for _, res := range r.Resources {
		if id := instanceID(res.ARN); id != "" && strings.Contains(res.ARN, ":instance/") {
			return id
		}
	}
	for _, res := range resources {
		if n := aws.ToString(res.ResourceName); strings.Contains(n, ":instance/") {
			return instanceID(n)
		}
	}
	return ""
}

// instanceID returns the id in an instance id or ARN
// (arn:aws:connect:REGION:ACCOUNT:instance/ID[/...]).
func instanceID(v string) string {
	if _, rest, ok := strings.Cut(v, ":instance/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		return id
	}
	return v
}

// RoleName is the last path segment of a role ARN
// (arn:aws:iam::ACCOUNT:role/PATH/NAME -> NAME).
func RoleName(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// SamePrincipal reports whether a call's principal is the IAM role (or
// user) arn: same account and same name (role paths are not in the
// session ARN a record carries).
func (c Change) SamePrincipal(arn string) bool {
	account := func(a string) string {
		parts := strings.Split(a, ":")
		if len(parts) > 4 {
			return parts[4]
		}
		return ""
	}
	return account(c.PrincipalARN) == account(arn) && RoleName(c.PrincipalARN) == RoleName(arn) &&
		strings.Contains(c.PrincipalARN, ":role/") == strings.Contains(arn, ":role/")
}
