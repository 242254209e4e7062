//go:build monthly

package monthly

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
	"github.com/connect-compliance/connect-compliance/helpers/logsdata"
	"github.com/connect-compliance/connect-compliance/helpers/trails"
)

// Requirement 7.2.1: CloudWatch and CloudTrail logs reviewed for trends,
// failures and security incidents.

func TestTrailsLoggingAndDelivering(t *testing.T) {
	c := control.Start(t, "MONTHLY-TRAIL-01")
	read := func(ctx context.Context, r *region) ([]trails.Trail, error) { return r.trails.Trails(ctx) }
	forEachRegion(c, read, func(r *region, ts []trails.Trail) {
		now := env.Now()
		multi := 0
		for _, tr := range ts {
			if !tr.MultiRegion {
				continue // single-region trails add coverage; the requirement is a multi-region one
			}
			multi++
			f := c.On(tr.Resource(), at(r, tr.ARN))
			st := tr.Status
			assert.GreaterOrEqual(f, f.Observe("logging (1 = yes)", b2f(st.Logging)), 1.0, "trail is logging")
			assert.GreaterOrEqual(f, f.Observe("log file validation (1 = on)", b2f(tr.LogFileValidation)), 1.0, "log file integrity validation on")
			age := math.Inf(1)
			if !st.LatestDelivery.IsZero() {
				age = now.Sub(st.LatestDelivery).Hours()
			} else {
				f.Note("no log file was ever delivered")
			}
			assert.LessOrEqual(f, f.Observe("hours since the last delivery to S3", age), f.Threshold("trail.max_delivery_age_hours"),
				"hours since the last log file delivery to S3")
			if st.LatestDeliveryError != "" {
				f.Note("last delivery error: %s", st.LatestDeliveryError)
			}
			assert.GreaterOrEqual(f, f.Observe("last delivery without error (1 = yes)", b2f(st.LatestDeliveryError == "")), 1.0, "last delivery to S3 without error")
			cwl := tr.LogGroupARN != "" && st.LatestCloudWatchLogsError == ""
			if st.LatestCloudWatchLogsError != "" {
				f.Note("last CloudWatch Logs delivery error: %s", st.LatestCloudWatchLogsError)
			}
			assert.GreaterOrEqual(f, f.Observe("delivers to CloudWatch Logs (1 = yes)", b2f(cwl)), 1.0,
				"trail delivers to a CloudWatch Logs log group without error (the security review reads it)")
		}
		if multi == 0 {
			f := c.On("region/"+r.Region, at(r, ""))
			f.Note("%d trail(s), none multi-region", len(ts))
			assert.GreaterOrEqual(f, f.Observe("multi-region trails", 0), 1.0, "multi-region trails recording this region")
		}
	})
}

// trailChanges are the calls that stop or weaken CloudTrail (CloudTrail User
// Guide, "Logging management events": StopLogging, DeleteTrail, UpdateTrail).
var trailChanges = []string{"StopLogging", "DeleteTrail", "UpdateTrail"}

func TestTrailsChangedOnlyByAdmins(t *testing.T) {
	c := control.Start(t, "MONTHLY-TRAIL-02")
	start, end := window()
	read := func(ctx context.Context, r *region) ([]trails.Event, error) {
		var all []trails.Event
		for _, name := range trailChanges {
			evs, err := r.trails.Events(ctx, name, start, end)
			if err != nil {
				return nil, err
			}
			all = append(all, evs...)
		}
		sort.SliceStable(all, func(i, j int) bool { return all[i].Time.Before(all[j].Time) })
		return all, nil
	}
	monthly := env.Config.Monthly
	forEachRegion(c, read, func(r *region, evs []trails.Event) {
		f := c.On("cloudtrail/"+r.Region, at(r, ""))
		var others, admins, denied []string
		for _, e := range evs {
			line := fmt.Sprintf("%s by %s at %s", e.Name, e.Principal, e.Time.UTC().Format(time.RFC3339))
			switch {
			case e.ErrorCode != "":
				denied = append(denied, line+" ("+e.ErrorCode+")")
			case monthly.TrailAdmin(e.Principal):
				admins = append(admins, line)
			default:
				others = append(others, line)
			}
		}
		if len(others) > 0 {
			f.Note("by others: %s", strings.Join(others, "; "))
		}
		if len(admins) > 0 {
			f.Note("by trail admins: %s", strings.Join(admins, "; "))
		}
		if len(denied) > 0 {
			f.Note("attempted and refused: %s", strings.Join(denied, "; "))
		}
		assert.LessOrEqual(f, f.Observe("trail changes by principals not in monthly.trail_admins", float64(len(others))),
			f.Threshold("trail.max_unapproved_changes_30d"), "StopLogging/DeleteTrail/UpdateTrail by principals not in monthly.trail_admins in 30 days")
	})
}

// Security signals are CloudWatch Logs filter patterns over the trail's log
// group, as the CIS AWS Foundations Benchmark's CloudWatch monitoring
// controls define them (failed console sign-ins, root usage, unauthorized
// API calls); the root pattern's "invokedBy NOT EXISTS" and the Connect
// read-only exclusion are applied to the matched records.
const (
	patternFailedLogins = `{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }`
	patternRoot         = `{ ($.userIdentity.type = "Root") && ($.eventType != "AwsServiceEvent") }`
	patternAccessDenied = `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`
	patternConnectSP    = `{ ($.eventSource = "connect.amazonaws.com") && ($.eventName = "*SecurityProfile*") }`
	patternConnectUser  = `{ ($.eventSource = "connect.amazonaws.com") && ($.eventName = "*User*") }`
)

// signals is what MONTHLY-TRAIL-03 reads of one trail log group.
type signals struct {
	group                           string
	groupARN                        string
	failedLogins, root, denied, cfg []trails.Record
}

// trailGroups reads the CloudTrail records matching the security patterns
// in the log groups of the region's trails that live in this region.
func readSignals(ctx context.Context, r *region) ([]signals, error) {
	ts, err := r.trails.Trails(ctx)
	if err != nil {
		return nil, err
	}
	start, end := window()
	seen := map[string]bool{}
	inScope := map[string]bool{}
	for _, t := range env.Targets() {
		inScope[fmt.Sprintf("arn:aws:logs:%s:%s:", t.Region, t.Account)] = true
	}
	anyGroup := false
	var elsewhere []string // log groups of other accounts or regions this run does not read
	var out []signals
	for _, tr := range ts {
		if tr.LogGroupARN == "" {
			continue
		}
		anyGroup = true
		if !strings.HasPrefix(tr.LogGroupARN, fmt.Sprintf("arn:aws:logs:%s:%s:", r.Region, r.Account)) {
			// Judged in its own account and region when the run reads it.
			if f := strings.SplitN(tr.LogGroupARN, ":", 6); len(f) == 6 && !inScope[strings.Join(f[:5], ":")+":"] {
				elsewhere = append(elsewhere, tr.LogGroupARN)
			}
			continue
		}
		if seen[tr.LogGroup] {
			continue
		}
		seen[tr.LogGroup] = true
		s := signals{group: tr.LogGroup, groupARN: strings.TrimSuffix(tr.LogGroupARN, ":*")}
		for _, q := range []struct {
			pattern string
			dst     *[]trails.Record
		}{{patternFailedLogins, &s.failedLogins}, {patternRoot, &s.root}, {patternAccessDenied, &s.denied},
			{patternConnectSP, &s.cfg}, {patternConnectUser, &s.cfg}} {
			evs, err := r.logs.Filter(ctx, tr.LogGroup, q.pattern, start, end)
			if err != nil {
				return nil, err
			}
			for _, e := range evs {
				rec, err := trails.ParseRecord(e.Message)
				if err != nil {
					return nil, fmt.Errorf("log group %s, stream %s: %w", tr.LogGroup, e.Stream, err)
				}
				*q.dst = append(*q.dst, rec)
			}
		}
		out = append(out, s)
	}
	if !anyGroup {
		return nil, fmt.Errorf("no trail seen in %s/%s delivers to CloudWatch Logs: the security signals cannot be reviewed (see MONTHLY-TRAIL-01)", r.Account, r.Region)
	}
	if len(out) == 0 && len(elsewhere) > 0 {
		return nil, fmt.Errorf("the trail log groups seen in %s/%s (%s) are in accounts or regions this run does not read: add them to the config", r.Account, r.Region, strings.Join(elsewhere, ", "))
	}
	return out, nil
}

// writeVerb reports whether a Connect API call changes something.
func writeVerb(name string) bool {
	for _, p := range []string{"Create", "Update", "Delete", "Associate", "Disassociate", "Put", "Tag", "Untag"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// counted renders "who (n)" pairs, most first.
func counted(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s (%d)", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func TestSecuritySignalsReviewed(t *testing.T) {
	c := control.Start(t, "MONTHLY-TRAIL-03")
	forEachRegion(c, readSignals, func(r *region, groups []signals) {
		for _, s := range groups {
			loc := at(r, s.groupARN)
			on := func(signal string) *control.R { return c.On("signal/"+signal+"@"+s.group, loc) }

			f := on("failed-console-sign-ins")
			by := map[string]int{}
			for _, rec := range s.failedLogins {
				by[rec.Principal()]++
			}
			if len(by) > 0 {
				f.Note("by %s", counted(by))
			}
			assert.LessOrEqual(f, f.Observe("failed console sign-ins in 30 days", float64(len(s.failedLogins))),
				f.Threshold("security.max_failed_console_logins_30d"), "failed console sign-ins in 30 days")

			f = on("root-activity")
			n, names := 0, map[string]int{}
			for _, rec := range s.root {
				if rec.UserIdentity.InvokedBy != "" {
					continue // an AWS service acting as root on the account's behalf
				}
				n++
				names[rec.EventName]++
			}
			if n > 0 {
				f.Note("calls: %s", counted(names))
			}
			assert.LessOrEqual(f, f.Observe("root user calls in 30 days", float64(n)), f.Threshold("security.max_root_events_30d"),
				"calls made by the root user in 30 days")

			f = on("connect-security-changes")
			n, names = 0, map[string]int{}
			for _, rec := range s.cfg {
				if rec.EventSource == "connect.amazonaws.com" && writeVerb(rec.EventName) {
					n++
					names[rec.EventName+" by "+rec.Principal()]++
				}
			}
			if n > 0 {
				f.Note("changes: %s", counted(names))
			}
			assert.LessOrEqual(f, f.Observe("Connect security profile and user changes in 30 days", float64(n)),
				f.Threshold("security.max_connect_security_changes_30d"), "Connect security profile and user changes in 30 days")

			f = on("access-denied-bursts")
			perHour := map[string]int{}
			for _, rec := range s.denied {
				when, err := time.Parse(time.RFC3339, rec.EventTime)
				if err != nil {
					f.Error(fmt.Errorf("record %s: eventTime %q: %w", rec.EventID, rec.EventTime, err))
					continue
				}
				perHour[rec.Principal()+" at "+when.UTC().Truncate(time.Hour).Format("2006-01-02T15:00Z")]++
			}
			worst, who := 0, ""
			for k, v := range perHour {
				if v > worst || v == worst && k < who {
					worst, who = v, k
				}
			}
			if worst > 0 {
				f.Note("%d AccessDenied errors in 30 days; busiest hour: %s", len(s.denied), who)
			}
			assert.LessOrEqual(f, f.Observe("AccessDenied errors of one principal in one hour (max)", float64(worst)),
				f.Threshold("security.max_access_denied_per_principal_hour"), "AccessDenied errors of one principal in one hour")
		}
	})
}

// trendMetric is a metric whose month-over-month change is judged.
type trendMetric struct {
	name   string // for findings
	query  cwmetrics.Query
	errors bool // errors are judged when they rise; volumes either way
}

// instanceTrends are the Amazon Connect metrics of an instance (Amazon
// Connect Administrator Guide, "Monitoring your instance using CloudWatch":
// CallsPerInterval and ThrottledCalls, dimensions InstanceId and
// MetricGroup=VoiceCalls).
func instanceTrends(in *connectdata.Instance) []trendMetric {
	dims := map[string]string{"InstanceId": in.ID, "MetricGroup": "VoiceCalls"}
	return []trendMetric{
		{name: "calls", query: cwmetrics.Query{Namespace: "AWS/Connect", Metric: "CallsPerInterval", Dimensions: dims, Stat: "Sum", Period: 24 * time.Hour}},
		{name: "throttled-calls", query: cwmetrics.Query{Namespace: "AWS/Connect", Metric: "ThrottledCalls", Dimensions: dims, Stat: "Sum", Period: 24 * time.Hour}, errors: true},
	}
}

// regionTrends are the Lambda metrics of the region, aggregated over every
// function (AWS Lambda Developer Guide, "Types of metrics for Lambda
// functions": Invocations and Errors without dimensions).
var regionTrends = []trendMetric{
	{name: "lambda-invocations", query: cwmetrics.Query{Namespace: "AWS/Lambda", Metric: "Invocations", Dimensions: map[string]string{}, Stat: "Sum", Period: 24 * time.Hour}},
	{name: "lambda-errors", query: cwmetrics.Query{Namespace: "AWS/Lambda", Metric: "Errors", Dimensions: map[string]string{}, Stat: "Sum", Period: 24 * time.Hour}, errors: true},
}

// judgeTrend compares the last 30 days with the 30 before them.
func judgeTrend(f *control.R, m trendMetric, s cwmetrics.Series, split time.Time) {
	var last, this float64
	for _, p := range s {
		if p.At.Before(split) {
			last += p.Value
		} else {
			this += p.Value
		}
	}
	f.Observe("last 30 days", this)
	f.Observe("30 days before", last)
	floor := f.Threshold("trend.min_volume")
	change := (this - last) / math.Max(last, floor)
	f.Note("change %+.0f%% (against max(previous month, %g))", change*100, floor)
	if m.errors {
		assert.LessOrEqual(f, f.Observe("rise since last month (ratio)", math.Round(change*1000)/1000), f.Threshold("trend.max_swing"),
			"month-over-month rise of "+m.name)
		return
	}
	assert.LessOrEqual(f, f.Observe("swing since last month (ratio)", math.Round(math.Abs(change)*1000)/1000), f.Threshold("trend.max_swing"),
		"month-over-month swing of "+m.name)
}

func TestMonthOverMonthTrends(t *testing.T) {
	c := control.Start(t, "MONTHLY-TREND-01")
	_, end := window()
	start, split := end.Add(-2*month), end.Add(-month)
	type data struct {
		instances []*connectdata.Instance
		metrics   [][]trendMetric
		series    []cwmetrics.Series
	}
	read := func(ctx context.Context, r *region) (d data, err error) {
		var qs []cwmetrics.Query
		for _, in := range env.ConnectInstances() {
			if in.Account == r.Account && in.Region == r.Region {
				d.instances = append(d.instances, in)
				d.metrics = append(d.metrics, instanceTrends(in))
			}
		}
		d.metrics = append(d.metrics, regionTrends)
		for _, ms := range d.metrics {
			for _, m := range ms {
				qs = append(qs, m.query)
			}
		}
		d.series, err = cwmetrics.Get(ctx, r.cw, start, end, qs)
		return d, err
	}
	forEachRegion(c, read, func(r *region, d data) {
		i := 0
		for k, ms := range d.metrics {
			for _, m := range ms {
				var f *control.R
				if k < len(d.instances) {
					in := d.instances[k]
					f = c.On("trend/"+m.name+"@"+in.Name(), at(r, in.ARN()))
				} else {
					f = c.On("trend/"+m.name, at(r, ""))
				}
				judgeTrend(f, m, d.series[i], split)
				i++
			}
		}
	})
}

// logGroups is what MONTHLY-LOGS-01 reads of a region.
type logGroups struct {
	connect, lambda, trail []logsdata.Group
	trailGroups            []string
	// functions are the Lambda functions associated with each instance of
	// the region (Connect ListLambdaFunctions), by instance id.
	functions map[string][]string
}

// functionName is the name in arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
func functionName(arn string) string {
	_, rest, ok := strings.Cut(arn, ":function:")
	if !ok {
		return arn
	}
	name, _, _ := strings.Cut(rest, ":")
	return name
}

func TestLogGroupsRetained(t *testing.T) {
	c := control.Start(t, "MONTHLY-LOGS-01")
	read := func(ctx context.Context, r *region) (d logGroups, err error) {
		if d.connect, err = r.logs.Groups(ctx, "/aws/connect/"); err != nil {
			return d, err
		}
		if d.lambda, err = r.logs.Groups(ctx, "/aws/lambda/"); err != nil {
			return d, err
		}
		d.functions = map[string][]string{}
		for _, in := range env.ConnectInstances() {
			if in.Account == r.Account && in.Region == r.Region {
				if d.functions[in.ID], err = in.LambdaFunctions(ctx); err != nil {
					return d, err
				}
			}
		}
		ts, err := r.trails.Trails(ctx)
		if err != nil {
			return d, err
		}
		for _, tr := range ts {
			if tr.LogGroup != "" && strings.HasPrefix(tr.LogGroupARN, fmt.Sprintf("arn:aws:logs:%s:%s:", r.Region, r.Account)) {
				gs, err := r.logs.Groups(ctx, tr.LogGroup)
				if err != nil {
					return d, err
				}
				for _, g := range gs {
					if g.Name == tr.LogGroup {
						d.trail = append(d.trail, g)
					}
				}
				d.trailGroups = append(d.trailGroups, tr.LogGroup)
			}
		}
		return d, nil
	}
	forEachRegion(c, read, func(r *region, d logGroups) {
		judge := func(g logsdata.Group, what string) *control.R {
			f := c.On(g.Resource(), at(r, g.ARN))
			f.Note("%s", what)
			retention := float64(g.RetentionDays)
			if g.RetentionDays == 0 {
				f.Note("never expires")
				retention = math.Inf(1)
			}
			assert.GreaterOrEqual(f, f.Observe("retention set (1 = yes)", b2f(g.RetentionDays > 0)), 1.0, "log retention set (not never-expire)")
			assert.GreaterOrEqual(f, f.Observe("retention (days)", retention), f.Threshold("logs.min_retention_days"), "log retention (days)")
			return f
		}
		byName := map[string]logsdata.Group{}
		for _, g := range append(slices.Clone(d.connect), d.lambda...) {
			byName[g.Name] = g
		}
		judged := map[string]bool{}
		for _, in := range env.ConnectInstances() {
			if in.Account != r.Account || in.Region != r.Region {
				continue
			}
			name := "/aws/connect/" + in.Alias
			var flow *control.R
			if g, ok := byName[name]; ok {
				flow = judge(g, "flow logs of instance "+in.Name())
			} else {
				flow = c.On("log-group/"+name, at(r, in.ARN()))
				flow.Note("flow logs of instance %s are not written (instance attribute CONTACTFLOW_LOGS off?)", in.Name())
				assert.GreaterOrEqual(flow, flow.Observe("log group exists (1 = yes)", 0), 1.0, "the instance's flow log group exists")
			}
			// The instance's Lambda functions log to /aws/lambda/NAME (their
			// default log group); a function never invoked has none yet.
			var none []string
			for _, arn := range d.functions[in.ID] {
				name := "/aws/lambda/" + functionName(arn)
				g, ok := byName[name]
				switch {
				case !ok:
					none = append(none, functionName(arn))
				case !judged[name]:
					judged[name] = true
					judge(g, "logs of Lambda function "+functionName(arn)+" of instance "+in.Name())
				}
			}
			if len(none) > 0 {
				flow.Note("Lambda functions of the instance with no log group yet (never invoked): %s", strings.Join(none, ", "))
			}
		}
		for _, g := range d.trail {
			judge(g, "CloudTrail trail logs")
		}
		for _, name := range d.trailGroups {
			found := false
			for _, g := range d.trail {
				found = found || g.Name == name
			}
			if !found {
				f := c.On("log-group/"+name, at(r, ""))
				assert.GreaterOrEqual(f, f.Observe("log group exists (1 = yes)", 0), 1.0, "the trail's log group exists")
			}
		}
	})
}
