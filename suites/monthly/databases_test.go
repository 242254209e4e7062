//go:build monthly

package monthly

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
	"github.com/connect-compliance/connect-compliance/helpers/dbdata"
	"github.com/connect-compliance/connect-compliance/helpers/logsdata"
)

// Requirement 7.2.4: DynamoDB and RDS have no slow queries or capacity
// throttling.

// sum adds a series up (no datapoints: nothing happened).
func sum(s cwmetrics.Series) float64 {
	t := 0.0
	for _, p := range s {
		t += p.Value
	}
	return t
}

// dynamoOperations are the operations DynamoDB reports SystemErrors for
// (DynamoDB Developer Guide, "DynamoDB Metrics and dimensions": SystemErrors,
// dimensions TableName and Operation).
var dynamoOperations = []string{"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
	"BatchWriteItem", "TransactGetItems", "TransactWriteItems"}

// capacityPeriod is the resolution consumed capacity is judged at: the Sum
// over 5 minutes divided by 300 s is the average consumed per second, the
// unit of provisioned capacity (DynamoDB Developer Guide, "Monitoring with
// CloudWatch": ConsumedReadCapacityUnits).
const capacityPeriod = 5 * time.Minute

// tableQueries are the CloudWatch queries of one table: read and write
// throttle events, system errors per operation, then consumed read and
// write capacity.
func tableQueries(t dbdata.Table) []cwmetrics.Query {
	day := 24 * time.Hour
	dims := map[string]string{"TableName": t.Name}
	qs := []cwmetrics.Query{
		{Namespace: "AWS/DynamoDB", Metric: "ReadThrottleEvents", Dimensions: dims, Stat: "Sum", Period: day},
		{Namespace: "AWS/DynamoDB", Metric: "WriteThrottleEvents", Dimensions: dims, Stat: "Sum", Period: day},
	}
	for _, op := range dynamoOperations {
		qs = append(qs, cwmetrics.Query{Namespace: "AWS/DynamoDB", Metric: "SystemErrors", Stat: "Sum", Period: day,
			Dimensions: map[string]string{"TableName": t.Name, "Operation": op}})
	}
	return append(qs,
		cwmetrics.Query{Namespace: "AWS/DynamoDB", Metric: "ConsumedReadCapacityUnits", Dimensions: dims, Stat: "Sum", Period: capacityPeriod},
		cwmetrics.Query{Namespace: "AWS/DynamoDB", Metric: "ConsumedWriteCapacityUnits", Dimensions: dims, Stat: "Sum", Period: capacityPeriod})
}

// tableMetrics is what MONTHLY-DB-01 reads of a region.
type tableMetrics struct {
	tables []dbdata.Table
	series [][]cwmetrics.Series // per table, in tableQueries order
}

func TestDynamoDBNotThrottled(t *testing.T) {
	c := control.Start(t, "MONTHLY-DB-01")
	start, end := window()
	read := func(ctx context.Context, r *region) (d tableMetrics, err error) {
		if d.tables, err = r.db.Tables(ctx); err != nil {
			return d, err
		}
		var qs []cwmetrics.Query
		for _, t := range d.tables {
			qs = append(qs, tableQueries(t)...)
		}
		all, err := cwmetrics.Get(ctx, r.cw, start, end, qs)
		if err != nil {
			return d, err
		}
		for i := range d.tables {
			n := len(qs) / len(d.tables)
			d.series = append(d.series, all[i*n:(i+1)*n])
		}
		return d, nil
	}
	tables := 0
	allRead := forEachRegion(c, read, func(r *region, d tableMetrics) {
		for i, t := range d.tables {
			tables++
			s := d.series[i]
			f := c.On(t.Resource(), at(r, t.ARN))
			throttles := sum(s[0]) + sum(s[1])
			f.Note("read throttle events %g, write throttle events %g", sum(s[0]), sum(s[1]))
			assert.LessOrEqual(f, f.Observe("throttle events in 30 days", throttles), f.Threshold("db.max_dynamodb_throttle_events_30d"),
				"read and write throttle events in 30 days")
			errs := 0.0
			for _, e := range s[2 : 2+len(dynamoOperations)] {
				errs += sum(e)
			}
			assert.LessOrEqual(f, f.Observe("system errors in 30 days", errs), f.Threshold("db.max_dynamodb_system_errors_30d"),
				"system errors (HTTP 500) in 30 days")
			if !t.Provisioned {
				f.Note("on-demand capacity: no provisioned capacity to run out of")
				continue
			}
			for k, side := range []struct {
				name        string
				provisioned int64
			}{{"read", t.ReadCapacity}, {"write", t.WriteCapacity}} {
				peak, _ := s[2+len(dynamoOperations)+k].Max()
				perSecond := peak / capacityPeriod.Seconds()
				if side.provisioned <= 0 {
					f.Error(fmt.Errorf("provisioned table with %d %s capacity units", side.provisioned, side.name))
					continue
				}
				headroom := math.Round((1-perSecond/float64(side.provisioned))*1000) / 1000
				f.Note("busiest 5 minutes: %.1f of %d %s capacity units per second", perSecond, side.provisioned, side.name)
				assert.GreaterOrEqual(f, f.Observe(side.name+" capacity headroom (ratio)", headroom), f.Threshold("db.min_capacity_headroom"),
					side.name+" capacity headroom at the busiest 5 minutes")
			}
		}
	})
	if tables == 0 && allRead {
		c.NotApplicable("no DynamoDB table in the accounts and regions in scope")
	}
}

// dbQueries are the CloudWatch queries of an RDS DB instance, hourly
// averages (Amazon RDS User Guide, "Amazon CloudWatch metrics for Amazon
// RDS": CPUUtilization percent, ReadLatency and WriteLatency seconds;
// DBLoad, average active sessions, published with Performance Insights).
func dbQueries(db dbdata.DBInstance) []cwmetrics.Query {
	dims := map[string]string{"DBInstanceIdentifier": db.ID}
	q := func(m string) cwmetrics.Query {
		return cwmetrics.Query{Namespace: "AWS/RDS", Metric: m, Dimensions: dims, Stat: "Average", Period: time.Hour}
	}
	return []cwmetrics.Query{q("CPUUtilization"), q("DBLoad"), q("ReadLatency"), q("WriteLatency")}
}

// dbMetrics is what MONTHLY-DB-02 reads of a region.
type dbMetrics struct {
	instances []dbdata.DBInstance
	series    [][]cwmetrics.Series
}

func TestRDSPerformance(t *testing.T) {
	c := control.Start(t, "MONTHLY-DB-02")
	start, end := window()
	read := func(ctx context.Context, r *region) (d dbMetrics, err error) {
		if d.instances, err = r.db.DBInstances(ctx); err != nil {
			return d, err
		}
		var qs []cwmetrics.Query
		for _, db := range d.instances {
			qs = append(qs, dbQueries(db)...)
		}
		all, err := cwmetrics.Get(ctx, r.cw, start, end, qs)
		if err != nil {
			return d, err
		}
		for i := range d.instances {
			d.series = append(d.series, all[i*4:(i+1)*4])
		}
		return d, nil
	}
	n := 0
	allRead := forEachRegion(c, read, func(r *region, d dbMetrics) {
		for i, db := range d.instances {
			n++
			s := d.series[i]
			f := c.On(db.Resource(), at(r, db.ARN))
			peak := func(k int) float64 {
				v, _ := s[k].Max() // no datapoints: an idle (or stopped) instance
				return v
			}
			round := func(v float64) float64 { return math.Round(v*1000) / 1000 }
			assert.LessOrEqual(f, f.Observe("highest hourly CPU (%)", round(peak(0))), f.Threshold("db.max_cpu_percent"), "highest hourly average CPU (%)")
			assert.LessOrEqual(f, f.Observe("highest hourly read latency (ms)", round(peak(2)*1000)), f.Threshold("db.max_read_latency_ms"),
				"highest hourly average read latency (ms)")
			assert.LessOrEqual(f, f.Observe("highest hourly write latency (ms)", round(peak(3)*1000)), f.Threshold("db.max_write_latency_ms"),
				"highest hourly average write latency (ms)")
			if !db.PerformanceInsights {
				f.Note("DB load not judged: Performance Insights is off, so DBLoad is not published (MONTHLY-DB-03)")
				continue
			}
			vcpus, ok := env.Config.Monthly.VCPUs(db.Class)
			if !ok {
				f.Error(fmt.Errorf("vCPUs of instance class %s unknown: add it to monthly.db_instance_vcpus", db.Class))
				continue
			}
			f.Note("%s: %d vCPUs", db.Class, vcpus)
			load := round(peak(1) / float64(vcpus))
			assert.LessOrEqual(f, f.Observe("highest hourly DB load per vCPU", load), f.Threshold("db.max_load_per_vcpu"),
				"highest hourly average DB load (active sessions) per vCPU")
		}
	})
	if n == 0 && allRead {
		c.NotApplicable("no RDS DB instance in the accounts and regions in scope")
	}
}

// engineLogs are, per RDS engine family, the log exports that hold slow
// queries and errors, and the log type slow queries are counted in (Amazon
// RDS User Guide, "Publishing database logs to Amazon CloudWatch Logs":
// MySQL/MariaDB slowquery and error, PostgreSQL postgresql with
// log_min_duration_statement; SQL Server error, Oracle alert).
var engineLogs = []struct {
	prefix   string
	required []string
	slowLog  string
	pattern  string // one event per slow query
}{
	{"aurora-mysql", []string{"slowquery", "error"}, "slowquery", `"Query_time"`},
	{"aurora-postgresql", []string{"postgresql"}, "postgresql", `"duration:"`},
	{"mysql", []string{"slowquery", "error"}, "slowquery", `"Query_time"`},
	{"mariadb", []string{"slowquery", "error"}, "slowquery", `"Query_time"`},
	{"postgres", []string{"postgresql"}, "postgresql", `"duration:"`},
	{"sqlserver", []string{"error"}, "", ""},
	{"oracle", []string{"alert"}, "", ""},
}

func logsOf(engine string) (required []string, slowLog, pattern string, ok bool) {
	for _, e := range engineLogs {
		if strings.HasPrefix(engine, e.prefix) {
			return e.required, e.slowLog, e.pattern, true
		}
	}
	return nil, "", "", false
}

func TestRDSLogsAndInsights(t *testing.T) {
	c := control.Start(t, "MONTHLY-DB-03")
	read := func(ctx context.Context, r *region) ([]dbdata.DBInstance, error) { return r.db.DBInstances(ctx) }
	n := 0
	allRead := forEachRegion(c, read, func(r *region, dbs []dbdata.DBInstance) {
		for _, db := range dbs {
			n++
			f := c.On(db.Resource(), at(r, db.ARN))
			assert.GreaterOrEqual(f, f.Observe("Performance Insights on (1 = yes)", b2f(db.PerformanceInsights)), 1.0, "Performance Insights enabled")
			required, _, _, ok := logsOf(db.Engine)
			if !ok {
				f.Error(fmt.Errorf("engine %s: which logs hold slow queries and errors is not known", db.Engine))
				continue
			}
			f.Note("exports %v", db.LogExports)
			for _, l := range required {
				assert.GreaterOrEqual(f, f.Observe(l+" log exported (1 = yes)", b2f(slices.Contains(db.LogExports, l))), 1.0,
					"the "+l+" log is exported to CloudWatch Logs")
			}
		}
	})
	if n == 0 && allRead {
		c.NotApplicable("no RDS DB instance in the accounts and regions in scope")
	}
}

// slowQueries is what MONTHLY-DB-04 reads of one DB instance.
type slowQueries struct {
	db      dbdata.DBInstance
	group   string
	count   int
	skipped string // why the instance's slow queries cannot be counted
}

func TestRDSSlowQueries(t *testing.T) {
	c := control.Start(t, "MONTHLY-DB-04")
	start, end := window()
	read := func(ctx context.Context, r *region) ([]slowQueries, error) {
		dbs, err := r.db.DBInstances(ctx)
		if err != nil {
			return nil, err
		}
		var out []slowQueries
		for _, db := range dbs {
			q := slowQueries{db: db}
			_, slowLog, pattern, ok := logsOf(db.Engine)
			switch {
			case !ok || slowLog == "":
				q.skipped = fmt.Sprintf("engine %s has no slow-query log to count", db.Engine)
			case !slices.Contains(db.LogExports, slowLog):
				q.skipped = fmt.Sprintf("the %s log is not exported to CloudWatch Logs (MONTHLY-DB-03)", slowLog)
			default:
				// Log groups of exported logs: /aws/rds/instance/ID/TYPE, or
				// /aws/rds/cluster/CLUSTER/TYPE for Aurora (RDS User Guide).
				q.group = "/aws/rds/instance/" + db.ID + "/" + slowLog
				if db.ClusterID != "" && strings.HasPrefix(db.Engine, "aurora") {
					q.group = "/aws/rds/cluster/" + db.ClusterID + "/" + slowLog
				}
				evs, err := r.logs.Filter(ctx, q.group, pattern, start, end)
				switch {
				case errors.Is(err, logsdata.ErrNoGroup):
					q.skipped = "log group " + q.group + " does not exist: nothing was exported"
				case err != nil:
					return nil, err
				}
				q.count = len(evs)
			}
			out = append(out, q)
		}
		return out, nil
	}
	n := 0
	allRead := forEachRegion(c, read, func(r *region, qs []slowQueries) {
		for _, q := range qs {
			n++
			f := c.On(q.db.Resource(), at(r, q.db.ARN))
			if q.skipped != "" {
				f.Error(errors.New("slow queries cannot be counted: " + q.skipped))
				continue
			}
			f.Note("log group %s", q.group)
			assert.LessOrEqual(f, f.Observe("slow queries in 30 days", float64(q.count)), f.Threshold("db.max_slow_queries_30d"),
				"slow queries logged in 30 days")
		}
	})
	if n == 0 && allRead {
		c.NotApplicable("no RDS DB instance in the accounts and regions in scope")
	}
}
