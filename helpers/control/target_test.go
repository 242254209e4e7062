package control_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
)

// TestForEachTargetLocatesErrors: one account/region whose read fails (or
// panics, or could not be set up) becomes an error finding located there;
// the other targets are still judged, in target order.
func TestForEachTargetLocatesErrors(t *testing.T) {
	targets := []control.Target{
		{Resource: "instance/a", Location: control.Location{Account: "111111111111", Region: "us-east-1"}},
		{Resource: "instance/b", Location: control.Location{Account: "111111111111", Region: "us-west-2"}},
		{Resource: "instance/c", Location: control.Location{Account: "222222222222", Region: "us-east-1"}},
		{Resource: "instance/d", Location: control.Location{Account: "222222222222", Region: "eu-west-2"}},
		{Resource: "instance/e", Location: control.Location{Account: "333333333333", Region: "us-east-1"}, Err: errors.New("assume role: AccessDenied")},
	}
	var reads atomic.Int32
	_, ev := run(t, control.NewRunner(control.Settings{}), "DAILY-QUEUE-01", func(c *control.C) {
		control.ForEachTarget(c, targets, 2, func(ctx context.Context, i int) (float64, error) {
			reads.Add(1)
			switch i {
			case 1:
				return 0, fmt.Errorf("list queues: ThrottlingException after 10 attempts")
			case 3:
				panic("nil map")
			}
			return float64(i), nil
		}, func(i int, v float64) {
			r := c.On("queue/Sales", targets[i].Location)
			assert.LessOrEqual(r, r.Observe("contacts", v), 1.0, "contacts")
		})
	})
	if reads.Load() != 4 {
		t.Errorf("%d reads, want 4 (the target that failed setup is not read)", reads.Load())
	}
	if ev.Outcome != evidence.Error {
		t.Errorf("outcome %s, want error", ev.Outcome)
	}
	type row struct {
		resource, account, region string
		outcome                   evidence.Outcome
	}
	var got []row
	for _, f := range ev.Findings {
		got = append(got, row{f.Resource, f.Account, f.Region, f.Outcome})
	}
	want := []row{
		{"queue/Sales", "111111111111", "us-east-1", evidence.Pass},
		{"instance/b", "111111111111", "us-west-2", evidence.Error},
		{"queue/Sales", "222222222222", "us-east-1", evidence.Fail},
		{"instance/d", "222222222222", "eu-west-2", evidence.Error},
		{"instance/e", "333333333333", "us-east-1", evidence.Error},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings\n%v\nwant\n%v", got, want)
	}
	for _, f := range ev.Findings {
		if f.Outcome == evidence.Error && f.Message == "" {
			t.Errorf("error finding %s has no message", f.Resource)
		}
	}
}

func TestForEachTargetAllHealthyPasses(t *testing.T) {
	targets := []control.Target{
		{Resource: "instance/a", Location: control.Location{Account: "111111111111", Region: "us-east-1"}},
		{Resource: "instance/b", Location: control.Location{Account: "222222222222", Region: "us-east-1"}},
	}
	_, ev := run(t, control.NewRunner(control.Settings{}), "DAILY-QUEUE-01", func(c *control.C) {
		control.ForEachTarget(c, targets, 0, func(ctx context.Context, i int) (int, error) { return i, nil },
			func(i int, v int) {
				r := c.On("queue/Sales", targets[i].Location)
				assert.Equal(r, float64(i), r.Observe("index", float64(v)), "index")
			})
	})
	if ev.Outcome != evidence.Pass || len(ev.Findings) != 2 {
		t.Errorf("outcome %s with %d findings, want pass with 2", ev.Outcome, len(ev.Findings))
	}
}
