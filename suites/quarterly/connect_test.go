//go:build quarterly

package quarterly

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/flowdata"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
)

// Requirement 7.3.5: the Amazon Connect environment is current with AWS updates.

func TestInstanceAttributesEnabled(t *testing.T) {
	c := control.Start(t, "QUARTERLY-CONNECT-01")
	attrs := env.Config.Quarterly.InstanceAttributes()
	read := func(ctx context.Context, in *connectdata.Instance) (map[string]string, error) {
		out := map[string]string{}
		for _, a := range attrs {
			v, err := in.Attribute(ctx, types.InstanceAttributeType(a))
			if err != nil {
				return nil, err
			}
			out[a] = v
		}
		return out, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, vals map[string]string) {
		r := instanceFinding(c, in)
		for _, a := range attrs {
			r.ExpectState("instance attribute "+a, vals[a], "true", vals[a] == "true")
		}
	})
}

// flowDrafts pairs each flow with its saved content.
type flowDrafts struct {
	flows  []flowdata.Flow
	drafts []flowdata.Draft
}

func TestFlowsPublished(t *testing.T) {
	c := control.Start(t, "QUARTERLY-CONNECT-02")
	now := env.Now()
	read := func(ctx context.Context, in *connectdata.Instance) (d flowDrafts, err error) {
		fr, err := readers().Flows(in)
		if err != nil {
			return d, err
		}
		if d.flows, err = fr.Flows(ctx); err != nil {
			return d, err
		}
		for _, f := range d.flows {
			dr, err := fr.SavedDraft(ctx, f)
			if err != nil {
				return d, err
			}
			d.drafts = append(d.drafts, dr)
		}
		return d, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d flowDrafts) {
		instanceFinding(c, in).ExpectState("active flows read", fmt.Sprint(len(d.flows)), "at least 1", len(d.flows) > 0)
		for i, f := range d.flows {
			r := c.On(f.Resource(), at(in, f.ARN))
			dr := d.drafts[i]
			days := float64(int(now.Sub(dr.LastModified).Hours() / 24))
			switch {
			case f.Status == "SAVED":
				r.Note("saved %s and never published", dr.LastModified.Format("2006-01-02"))
				assert.LessOrEqual(r, r.Observe("days since saved, never published", days), r.Threshold("quarterly.max_unpublished_flow_age_days"),
					"days the flow has waited unpublished")
			case dr.Sha256 != f.Sha256:
				r.Note("unpublished changes saved %s", dr.LastModified.Format("2006-01-02"))
				assert.LessOrEqual(r, r.Observe("days unpublished changes have waited", days), r.Threshold("quarterly.max_unpublished_flow_age_days"),
					"days saved changes have waited unpublished")
			default:
				r.ExpectState("unpublished changes", "none", "none", true)
			}
		}
	})
}
