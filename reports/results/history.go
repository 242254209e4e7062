package results

import (
	"path"
	"slices"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/waiver"
	"github.com/connect-compliance/connect-compliance/reports/history"
)

// Trend lengths kept in results.json and drawn in the report.
const (
	ControlTrendRuns = 20
	RunTrendRuns     = 30
)

// Records returns the ledger lines of this run: one per control.
func (r *Results) Records() []history.Record {
	out := make([]history.Record, 0, len(r.Controls))
	t := r.runTime()
	for _, c := range r.Controls {
		out = append(out, history.Record{V: history.Version, Run: r.Run.ID, Time: t, Tags: r.Run.Tags,
			Control: c.ID, Tag: c.Tag, Outcome: c.Outcome, Target: r.Run.Target, Scenario: r.Run.Scenario,
			Accounts: r.Run.Accounts})
	}
	return out
}

// runTime is when the run happened: its first event, else when the report
// was made (a run with no events at all).
func (r *Results) runTime() time.Time {
	if r.Run.Started != nil {
		return *r.Run.Started
	}
	return r.Run.Generated
}

// failing is the diff's notion: no evidence of compliance.
func failing(o evidence.Outcome) bool { return !history.Compliant(o) }

// applyHistory sets each control's cadence, last compliant run, overdue flag
// and trend, the run trend, and the diff against the previous run.
func applyHistory(r *Results, opt Options) {
	// The ledger's runs, without an earlier report of these same inputs.
	var past []history.Record
	for _, rec := range opt.History {
		if rec.Run != r.Run.ID {
			past = append(past, rec)
		}
	}
	runs := history.Runs(append(past, r.Records()...))
	asOf := r.Run.Generated
	for i := range r.Controls {
		c := &r.Controls[i]
		cad := history.Cadence(c.Tag)
		c.Cadence = history.FormatCadence(cad)
		st := history.Schedule(runs, c.ID, cad, asOf)
		if !st.LastCompliant.IsZero() {
			t := st.LastCompliant.UTC()
			c.LastCompliant = &t
		}
		if !st.DueBy.IsZero() {
			t := st.DueBy.UTC()
			c.DueBy = &t
		}
		c.Overdue, c.OverdueReason = st.Overdue, ""
		if st.Overdue {
			c.OverdueReason = st.Reason
		}
		if len(opt.History) > 0 {
			c.Trend = controlTrend(runs, c.ID)
		}
	}
	current := history.Run{ID: r.Run.ID, Time: r.runTime(), Tags: r.Run.Tags, Target: r.Run.Target}
	if len(opt.History) > 0 {
		for _, run := range runs {
			same := history.SameTags(run.Tags, current.Tags) && history.SameTarget(run.Target, current.Target) && !run.Time.After(current.Time)
			if run.ID != r.Run.ID && !same {
				continue
			}
			counts := map[evidence.Outcome]int{}
			for _, o := range run.Outcomes {
				counts[o]++
			}
			r.Trend = append(r.Trend, RunTrend{Run: run.ID, Time: run.Time.UTC(), ByOutcome: counts})
		}
		if n := len(r.Trend); n > RunTrendRuns {
			r.Trend = r.Trend[n-RunTrendRuns:]
		}
	}
	switch {
	case opt.Previous != nil:
		prev := map[string]evidence.Outcome{}
		for _, c := range opt.Previous.Controls {
			prev[c.ID] = c.Outcome
		}
		r.Diff = diff(r, prev, opt.PreviousPath, opt.Previous.Run.ID, opt.Previous.Run.Started)
	case len(opt.History) > 0:
		if p := history.Previous(runs, current); p != nil {
			t := p.Time.UTC()
			r.Diff = diff(r, p.Outcomes, "history", p.ID, &t)
		}
	}
}

func controlTrend(runs []history.Run, id string) []TrendEntry {
	var out []TrendEntry
	for _, run := range runs {
		if o, ok := run.Outcomes[id]; ok {
			out = append(out, TrendEntry{Run: run.ID, Time: run.Time.UTC(), Outcome: o})
		}
	}
	if n := len(out); n > ControlTrendRuns {
		out = out[n-ControlTrendRuns:]
	}
	return out
}

func diff(r *Results, prev map[string]evidence.Outcome, against, run string, t *time.Time) *Diff {
	d := &Diff{Against: against, Run: run, Time: t, NewlyFailing: []Change{}, Fixed: []Change{}, StillFailing: []Change{}}
	for _, c := range r.Controls {
		p, had := prev[c.ID]
		ch := Change{Control: c.ID, Title: c.Title, Previous: p, Current: c.Outcome}
		switch {
		case failing(c.Outcome) && (!had || !failing(p)):
			d.NewlyFailing = append(d.NewlyFailing, ch)
		case failing(c.Outcome):
			d.StillFailing = append(d.StillFailing, ch)
		case had && failing(p):
			d.Fixed = append(d.Fixed, ch)
		}
	}
	return d
}

// waivers lists the waiver file's entries with their status at the report's
// time and the resources each covered in this run.
func waivers(r *Results, set *waiver.Set) []WaiverStatus {
	if set == nil {
		return nil
	}
	out := []WaiverStatus{}
	add := func(w evidence.Waiver, expired bool) {
		ws := WaiverStatus{Waiver: w, Status: WaiverActive}
		end := w.Expires.Add(24 * time.Hour) // in force through its expiry day
		switch {
		case expired:
			ws.Status = WaiverExpired
		case end.Sub(r.Run.Generated) <= ExpiringWithin:
			ws.Status = WaiverExpiring
		}
		for _, c := range r.Controls {
			if c.ID != w.Control {
				continue
			}
			for _, f := range c.Findings {
				if f.Waiver != nil && f.Waiver.Ticket == w.Ticket && f.Waiver.Resource == w.Resource {
					if ok, _ := path.Match(w.Resource, f.Resource); ok || w.Resource == "" {
						ws.Applied = appendUnique(ws.Applied, f.Resource)
					}
				}
			}
		}
		out = append(out, ws)
	}
	for _, w := range set.Active {
		add(w, false)
	}
	for _, w := range set.Expired {
		add(w, true)
	}
	slices.SortStableFunc(out, func(a, b WaiverStatus) int {
		if a.Control != b.Control {
			if a.Control < b.Control {
				return -1
			}
			return 1
		}
		return a.Expires.Compare(b.Expires)
	})
	return out
}
