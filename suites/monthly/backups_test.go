//go:build monthly

package monthly

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/backupdata"
	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/dbdata"
	"github.com/connect-compliance/connect-compliance/helpers/integrity"
	"github.com/connect-compliance/connect-compliance/helpers/s3data"
)

// Requirement 7.2.3: backups are recoverable.

// protection is what MONTHLY-BACKUP-01 reads of a region.
type protection struct {
	protected []backupdata.Protected
	tables    []dbdata.Table
	instances []dbdata.DBInstance
}

func TestBackupsWithinRPO(t *testing.T) {
	c := control.Start(t, "MONTHLY-BACKUP-01")
	read := func(ctx context.Context, r *region) (d protection, err error) {
		if d.protected, err = r.backup.Protected(ctx); err != nil {
			return d, err
		}
		if d.tables, err = r.db.Tables(ctx); err != nil {
			return d, err
		}
		d.instances, err = r.db.DBInstances(ctx)
		return d, err
	}
	forEachRegion(c, read, func(r *region, d protection) {
		now := env.Now()
		covered := map[string]bool{}
		for _, p := range d.protected {
			covered[p.ARN] = true
			f := c.On("backup/"+p.Resource(), at(r, p.ARN))
			age := math.Inf(1)
			if p.NewestCompleted.IsZero() {
				f.Note("no completed recovery point")
			} else {
				age = math.Round(now.Sub(p.NewestCompleted).Hours()*10) / 10
				f.Note("newest completed recovery point %s", p.NewestPoint)
			}
			assert.LessOrEqual(f, f.Observe("hours since the newest completed recovery point", age),
				f.Threshold("backup.max_recovery_point_age_hours"), "hours since the newest completed recovery point (RPO)")
		}
		// Databases AWS Backup does not protect at all have no recovery point to age.
		unprotected := func(resource, arn string) {
			if covered[arn] {
				return
			}
			f := c.On("backup/"+resource, at(r, arn))
			assert.GreaterOrEqual(f, f.Observe("protected by AWS Backup (1 = yes)", 0), 1.0, "the database has AWS Backup recovery points")
		}
		for _, t := range d.tables {
			unprotected("DynamoDB/"+t.Name, t.ARN)
		}
		for _, db := range d.instances {
			if db.ClusterID == "" { // Aurora instances are backed up with their cluster
				unprotected("RDS/"+db.ID, db.ARN)
			}
		}
		if len(d.protected) == 0 && len(d.tables) == 0 && len(d.instances) == 0 {
			f := c.On("region/"+r.Region, at(r, ""))
			assert.GreaterOrEqual(f, f.Observe("protected resources", 0), 1.0, "resources protected by AWS Backup")
		}
	})
}

// failedStates are the backup job states that produced no usable backup
// (AWS Backup API reference, BackupJob State).
var failedStates = map[string]bool{"FAILED": true, "ABORTED": true, "EXPIRED": true, "PARTIAL": true}

func TestBackupJobsSucceeded(t *testing.T) {
	c := control.Start(t, "MONTHLY-BACKUP-02")
	start, _ := window()
	read := func(ctx context.Context, r *region) ([]backupdata.Job, error) { return r.backup.Jobs(ctx, start) }
	forEachRegion(c, read, func(r *region, jobs []backupdata.Job) {
		type tally struct {
			resource, arn string
			ok, failed    int
			last          string
		}
		byARN := map[string]*tally{}
		var arns []string
		for _, j := range jobs {
			t := byARN[j.ResourceARN]
			if t == nil {
				name := j.ResourceName
				if name == "" {
					name = j.ResourceARN
				}
				t = &tally{resource: "backup-jobs/" + j.ResourceType + "/" + name, arn: j.ResourceARN}
				byARN[j.ResourceARN] = t
				arns = append(arns, j.ResourceARN)
			}
			switch {
			case failedStates[j.State]:
				t.failed++
				if t.last == "" { // newest first
					t.last = fmt.Sprintf("%s %s at %s: %s", j.State, j.ID, j.Created.UTC().Format(time.RFC3339), j.StatusMessage)
				}
			case j.State == "COMPLETED":
				t.ok++
			}
		}
		sort.Strings(arns)
		for _, arn := range arns {
			t := byARN[arn]
			f := c.On(t.resource, at(r, t.arn))
			f.Note("%d completed", t.ok)
			if t.last != "" {
				f.Note("latest failure: %s", t.last)
			}
			assert.LessOrEqual(f, f.Observe("failed, aborted, expired or partial jobs in 30 days", float64(t.failed)),
				f.Threshold("backup.max_failed_jobs_30d"), "failed, aborted, expired or partial backup jobs in 30 days")
		}
		if len(jobs) == 0 {
			f := c.On("region/"+r.Region, at(r, ""))
			assert.GreaterOrEqual(f, f.Observe("backup jobs in 30 days", 0), 1.0, "backup jobs in 30 days")
		}
	})
}

// restores is what MONTHLY-BACKUP-03 reads of a region.
type restores struct {
	protected []backupdata.Protected
	jobs      []backupdata.Restore
}

// restoreLookback bounds the restore jobs read; a test older than this is
// as good as none for any sensible threshold.
const restoreLookback = 93 * 24 * time.Hour

func TestRestoreTestsValidated(t *testing.T) {
	c := control.Start(t, "MONTHLY-BACKUP-03")
	read := func(ctx context.Context, r *region) (d restores, err error) {
		if d.protected, err = r.backup.Protected(ctx); err != nil {
			return d, err
		}
		d.jobs, err = r.backup.Restores(ctx, env.Now().Add(-restoreLookback))
		return d, err
	}
	forEachRegion(c, read, func(r *region, d restores) {
		now := env.Now()
		types := map[string]bool{}
		for _, p := range d.protected {
			types[p.Type] = true
		}
		var names []string
		for t := range types {
			names = append(names, t)
		}
		sort.Strings(names)
		for _, typ := range names {
			f := c.On("restore-test/"+typ, at(r, ""))
			var newest *backupdata.Restore
			other := 0
			for i, j := range d.jobs {
				if j.ResourceType != typ {
					continue
				}
				if j.Status != "COMPLETED" || j.ValidationStatus != "SUCCESSFUL" {
					other++
					continue
				}
				when := j.Completed
				if when.IsZero() {
					when = j.Created
				}
				if newest == nil || when.After(newest.Completed) {
					newest = &d.jobs[i]
					newest.Completed = when
				}
			}
			age := math.Inf(1)
			if newest == nil {
				f.Note("no completed restore with successful validation in %s", days(restoreLookback))
			} else {
				age = math.Round(now.Sub(newest.Completed).Hours()/24*10) / 10
				f.Note("newest validated restore %s of %s into %s", newest.ID, newest.SourceARN, newest.CreatedResource)
			}
			if other > 0 {
				f.Note("%d other restore jobs (not completed, or not validated)", other)
			}
			assert.LessOrEqual(f, f.Observe("days since the newest validated restore test", age),
				f.Threshold("backup.max_restore_test_age_days"), "days since the newest completed, validated restore of a "+typ+" backup")
		}
	})
}

// pitr is what MONTHLY-BACKUP-04 reads of a region.
type pitr struct {
	tables []dbdata.Table
	pitr   []dbdata.PITR
}

func TestDynamoDBPointInTimeRecovery(t *testing.T) {
	c := control.Start(t, "MONTHLY-BACKUP-04")
	read := func(ctx context.Context, r *region) (d pitr, err error) {
		if d.tables, err = r.db.Tables(ctx); err != nil {
			return d, err
		}
		for _, t := range d.tables {
			p, err := r.db.PITR(ctx, t.Name)
			if err != nil {
				return d, err
			}
			d.pitr = append(d.pitr, p)
		}
		return d, nil
	}
	tables := 0
	allRead := forEachRegion(c, read, func(r *region, d pitr) {
		for i, t := range d.tables {
			tables++
			f := c.On(t.Resource(), at(r, t.ARN))
			p := d.pitr[i]
			assert.GreaterOrEqual(f, f.Observe("point-in-time recovery on (1 = yes)", b2f(p.Enabled)), 1.0, "point-in-time recovery enabled")
			if p.Enabled {
				assert.GreaterOrEqual(f, f.Observe("recovery period (days)", float64(p.RecoveryPeriodDays)),
					f.Threshold("backup.min_pitr_recovery_days"), "point-in-time recovery period (days)")
			}
		}
	})
	if tables == 0 && allRead {
		c.NotApplicable("no DynamoDB table in the accounts and regions in scope")
	}
}

// sampled is one object of the backup copy and what reading it gave.
type sampled struct {
	obj  s3data.Object
	body *s3data.Body
	err  error
}

// integritySample is what the integrity test read of one source.
type integritySample struct {
	src      config.IntegritySource
	objects  []sampled
	manifest integrity.Manifest // nil without one
}

// integrityDays is how far back the test looks for objects to sample.
const integrityDays = 31

func TestBackupIntegrity(t *testing.T) {
	c := control.Start(t, "MONTHLY-BACKUP-05")
	sources := env.Config.IntegritySources()
	if len(sources) == 0 {
		c.Fatal(errors.New("no backup copy to sample: name its bucket and prefixes in monthly.integrity of the config"))
	}
	inScope := map[string]bool{}
	for _, t := range env.Targets() {
		inScope[t.Key()] = true
	}
	var targets []control.Target
	var srcs []config.IntegritySource
	for _, s := range sources {
		if !inScope[s.Account+"/"+s.Region] {
			continue // sampled by the run that has its account and region in scope
		}
		srcs = append(srcs, s)
		targets = append(targets, control.Target{Resource: "backup-copy/" + s.Bucket + "/" + s.Prefix,
			Location: control.Location{Account: s.Account, Region: s.Region, ARN: "arn:aws:s3:::" + s.Bucket},
			Err:      env.TargetError(s.Account, s.Region)})
	}
	if len(srcs) == 0 {
		c.Fatal(fmt.Errorf("no monthly.integrity source is in this run's accounts and regions"))
	}
	now := env.Now()
	read := func(ctx context.Context, i int) (d integritySample, err error) {
		s := srcs[i]
		d.src = s
		r, err := readers(s.Account, s.Region)
		if err != nil {
			return d, err
		}
		objs, err := r.s3.Newest(ctx, s.Bucket, s.Prefix, now, integrityDays, s.Sample)
		if err != nil {
			return d, err
		}
		if s.Manifest != "" {
			b, err := r.s3.Get(ctx, s.Bucket, s.Manifest)
			if err != nil {
				return d, fmt.Errorf("manifest: %w", err)
			}
			if b.ChecksumSHA256 != "" && !strings.Contains(b.ChecksumSHA256, "-") {
				if err := integrity.VerifySHA256(b.Data, b.ChecksumSHA256); err != nil {
					return d, fmt.Errorf("manifest s3://%s/%s: %w", s.Bucket, s.Manifest, err)
				}
			}
			if d.manifest, err = integrity.ParseManifest(b.Data); err != nil {
				return d, fmt.Errorf("manifest s3://%s/%s: %w", s.Bucket, s.Manifest, err)
			}
		}
		for _, o := range objs {
			b, err := r.s3.Get(ctx, o.Bucket, o.Key)
			d.objects = append(d.objects, sampled{obj: o, body: b, err: err})
		}
		return d, nil
	}
	control.ForEachTarget(c, targets, env.Concurrency(), read, func(i int, d integritySample) {
		src := targets[i]
		f := c.On(src.Resource, src.Location)
		var keys []string
		for _, o := range d.objects {
			keys = append(keys, o.obj.Key)
		}
		if len(keys) > 0 {
			f.Note("sampled the %d newest: %s", len(keys), strings.Join(keys, ", "))
		}
		assert.GreaterOrEqual(f, f.Observe("objects found in the last 31 days", float64(len(d.objects))), 1.0,
			fmt.Sprintf("objects in the backup copy s3://%s/%s in the last %d days", d.src.Bucket, d.src.Prefix, integrityDays))
		for _, o := range d.objects {
			g := c.On(o.obj.Resource(), control.Location{Account: src.Location.Account, Region: src.Location.Region,
				ARN: "arn:aws:s3:::" + o.obj.Bucket + "/" + o.obj.Key})
			if o.err != nil {
				g.Error(o.err)
				continue
			}
			judgeObject(g, d.src.Kind, o.body, d.manifest[o.obj.Key])
		}
	})
}

// judgeObject verifies a sampled object: its body against the SHA-256 S3
// stored at upload (or, for a multipart upload's composite checksum or an
// object stored without one, the manifest's), then its format.
func judgeObject(f *control.R, kind string, b *s3data.Body, manifestSum string) {
	f.Note("%d bytes", len(b.Data))
	want, source := b.ChecksumSHA256, "S3 checksum"
	if manifestSum != "" && (want == "" || strings.Contains(want, "-")) {
		want, source = manifestSum, "manifest"
	}
	if want == "" {
		assert.GreaterOrEqual(f, f.Observe("stored SHA-256 checksum (1 = yes)", 0), 1.0, "the object was stored with a SHA-256 checksum (or listed in a manifest) to verify it against")
	} else {
		err := integrity.VerifySHA256(b.Data, want)
		switch {
		case errors.Is(err, integrity.ErrCompositeChecksum):
			f.Error(fmt.Errorf("checksum %s: %w (monthly.integrity[].manifest)", want, err))
			return
		case err != nil:
			f.Note("%v", err)
		}
		f.Note("verified against the %s", source)
		assert.GreaterOrEqual(f, f.Observe("body matches its stored SHA-256 (1 = yes)", b2f(err == nil)), 1.0, "body matches the SHA-256 checksum stored with it ("+source+")")
	}
	var perr error
	switch kind {
	case config.KindRecording:
		var w integrity.WAV
		if w, perr = integrity.CheckWAV(b.Data); perr == nil {
			f.Note("WAV: format %d, %d channels, %d Hz, %s", w.Format, w.Channels, w.SampleRate, w.Duration)
		}
	case config.KindContactRecord:
		var recs []integrity.ContactRecord
		if recs, perr = integrity.CheckContactRecords(b.Data); perr == nil {
			f.Note("%d contact record(s)", len(recs))
		}
	}
	if perr != nil {
		f.Note("%v", perr)
	}
	assert.GreaterOrEqual(f, f.Observe("parses as a "+kind+" (1 = yes)", b2f(perr == nil)), 1.0, "the object parses as a "+strings.ReplaceAll(kind, "_", " "))
}
