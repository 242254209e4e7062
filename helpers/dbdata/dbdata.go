// Package dbdata reads the databases of a region the monthly controls judge:
// DynamoDB tables (ListTables, DescribeTable) with their point-in-time
// recovery (DescribeContinuousBackups), and RDS DB instances
// (DescribeDBInstances) with their class, engine, log exports and
// Performance Insights. Inventory is read once per Reader and shared; every
// page is followed and every error returned wrapped. It judges nothing.
package dbdata

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// DynamoDB is the part of the DynamoDB client this package uses.
type DynamoDB interface {
	ListTables(context.Context, *dynamodb.ListTablesInput, ...func(*dynamodb.Options)) (*dynamodb.ListTablesOutput, error)
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	DescribeContinuousBackups(context.Context, *dynamodb.DescribeContinuousBackupsInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error)
}

// RDS is the part of the RDS client this package uses.
type RDS interface {
	DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
}

var (
	_ DynamoDB = (*dynamodb.Client)(nil)
	_ RDS      = (*rds.Client)(nil)
)

// Reader reads the databases of one account and region.
type Reader struct {
	ddb             DynamoDB
	rds             RDS
	Account, Region string

	mu        sync.Mutex
	tables    []Table
	instances []DBInstance
}

// NewReader returns a reader.
func NewReader(ddb DynamoDB, r RDS, account, region string) *Reader {
	return &Reader{ddb: ddb, rds: r, Account: account, Region: region}
}

// Table is a DynamoDB table.
type Table struct {
	Name, ARN string
	// Provisioned is false for on-demand (PAY_PER_REQUEST) tables.
	Provisioned                 bool
	ReadCapacity, WriteCapacity int64
}

// Resource names the table in findings.
func (t Table) Resource() string { return "dynamodb-table/" + t.Name }

// Tables returns the region's tables sorted by name (ListTables pages of
// 100, the API's maximum, then DescribeTable each).
func (r *Reader) Tables(ctx context.Context) ([]Table, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tables != nil {
		return r.tables, nil
	}
	var names []string
	p := dynamodb.NewListTablesPaginator(r.ddb, &dynamodb.ListTablesInput{Limit: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list DynamoDB tables in %s/%s: %w", r.Account, r.Region, err)
		}
		names = append(names, page.TableNames...)
	}
	tables := []Table{}
	for _, n := range names {
		out, err := r.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(n)})
		if err != nil {
			return nil, fmt.Errorf("describe DynamoDB table %s: %w", n, err)
		}
		if out.Table == nil {
			return nil, fmt.Errorf("describe DynamoDB table %s: empty answer", n)
		}
		t := Table{Name: n, ARN: aws.ToString(out.Table.TableArn)}
		if s := out.Table.BillingModeSummary; s == nil || s.BillingMode == ddbtypes.BillingModeProvisioned {
			// No summary: a table created provisioned before on-demand existed.
			t.Provisioned = true
		}
		if pt := out.Table.ProvisionedThroughput; pt != nil {
			t.ReadCapacity, t.WriteCapacity = aws.ToInt64(pt.ReadCapacityUnits), aws.ToInt64(pt.WriteCapacityUnits)
		}
		tables = append(tables, t)
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].Name < tables[j].Name })
	r.tables = tables
	return tables, nil
}

// PITR is a table's point-in-time recovery.
type PITR struct {
	Enabled            bool
	RecoveryPeriodDays int32
}

// PITR reads a table's point-in-time recovery status.
func (r *Reader) PITR(ctx context.Context, table string) (PITR, error) {
	out, err := r.ddb.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(table)})
	if err != nil {
		return PITR{}, fmt.Errorf("continuous backups of DynamoDB table %s: %w", table, err)
	}
	d := out.ContinuousBackupsDescription
	if d == nil || d.PointInTimeRecoveryDescription == nil {
		return PITR{}, fmt.Errorf("continuous backups of DynamoDB table %s: no point-in-time recovery description in the answer", table)
	}
	p := d.PointInTimeRecoveryDescription
	return PITR{Enabled: p.PointInTimeRecoveryStatus == ddbtypes.PointInTimeRecoveryStatusEnabled,
		RecoveryPeriodDays: aws.ToInt32(p.RecoveryPeriodInDays)}, nil
}

// DBInstance is an RDS DB instance.
type DBInstance struct {
	ID, ARN, Class, Engine, Status string
	ClusterID                      string
	PerformanceInsights            bool
	LogExports                     []string
}

// Resource names the DB instance in findings.
func (d DBInstance) Resource() string { return "db-instance/" + d.ID }

// DBInstances returns the region's RDS DB instances sorted by id
// (DescribeDBInstances pages of 100, the API's maximum).
func (r *Reader) DBInstances(ctx context.Context) ([]DBInstance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.instances != nil {
		return r.instances, nil
	}
	out := []DBInstance{}
	p := rds.NewDescribeDBInstancesPaginator(r.rds, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe RDS DB instances in %s/%s: %w", r.Account, r.Region, err)
		}
		for _, d := range page.DBInstances {
			out = append(out, DBInstance{ID: aws.ToString(d.DBInstanceIdentifier), ARN: aws.ToString(d.DBInstanceArn),
				Class: aws.ToString(d.DBInstanceClass), Engine: aws.ToString(d.Engine), Status: aws.ToString(d.DBInstanceStatus),
				ClusterID: aws.ToString(d.DBClusterIdentifier), PerformanceInsights: aws.ToBool(d.PerformanceInsightsEnabled),
				LogExports: d.EnabledCloudwatchLogsExports})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	r.instances = out
	return out, nil
}
