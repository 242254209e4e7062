// Package monthly holds the monthly controls of runbook section 7.2: the log
// review (CloudWatch and CloudTrail: trail health, trail tampering, security
// signals, month-over-month trends, log retention), the retention of stored
// call recordings and transcripts in S3, the recoverability of backups (RPO,
// failed jobs, restore tests, point-in-time recovery and an integrity test
// of sampled backup objects) and database health (DynamoDB throttling and
// capacity, RDS load, latency, logging and slow queries). Each control is a
// Go test behind the `monthly` build tag:
//
//	go test -tags monthly ./suites/monthly                           # against the simulator (healthy)
//	COMPLIANCE_SCENARIO=monthly-backup-object-corrupted go test -tags monthly ./suites/monthly
//	COMPLIANCE_TARGET=live go test -tags monthly ./suites/monthly    # against AWS, read-only
//
// suites/catalog.yaml describes every control. This package holds control
// code only; the data comes from the readers in helpers/ (trails, logsdata,
// s3data, backupdata, dbdata, connectstorage, cwmetrics, integrity).
package monthly
