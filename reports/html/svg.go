package html

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

// The pictures are inline SVG built here, not in the template: numbers are
// formatted by strconv and every piece of text goes through
// html.EscapeString, so the template.HTML they return is safe.

func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// violates reports whether v breaks the limit in the direction Expected says
// ("<= 300": above 300 is bad; ">= 1": below 1 is bad).
func violates(v, limit float64, expected string) bool {
	e := strings.TrimSpace(expected)
	switch {
	case strings.HasPrefix(e, "<="):
		return v > limit
	case strings.HasPrefix(e, "<"):
		return v >= limit
	case strings.HasPrefix(e, ">="):
		return v < limit
	case strings.HasPrefix(e, ">"):
		return v <= limit
	}
	return false
}

// seriesSVG draws a finding's metric series as a small line chart with the
// threshold as a dashed line; points on the wrong side of it are red.
func seriesSVG(f evidence.Finding) template.HTML {
	pts := f.Series
	if len(pts) == 0 {
		return ""
	}
	const w, h, left, right, top, bottom = 340.0, 96.0, 44.0, 8.0, 8.0, 20.0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			continue
		}
		lo, hi = math.Min(lo, p.V), math.Max(hi, p.V)
	}
	if math.IsInf(lo, 0) {
		return ""
	}
	if f.Threshold != nil && !math.IsNaN(*f.Threshold) && !math.IsInf(*f.Threshold, 0) {
		lo, hi = math.Min(lo, *f.Threshold), math.Max(hi, *f.Threshold)
	}
	if lo > 0 && lo < hi/2 {
		lo = 0
	}
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	pad := (hi - lo) * 0.08
	lo, hi = lo-pad, hi+pad
	t0, t1 := pts[0].T, pts[len(pts)-1].T
	useTime := !t0.IsZero() && t1.After(t0)
	x := func(i int) float64 {
		if useTime {
			return left + (w-left-right)*float64(pts[i].T.Sub(t0))/float64(t1.Sub(t0))
		}
		if len(pts) == 1 {
			return left + (w-left-right)/2
		}
		return left + (w-left-right)*float64(i)/float64(len(pts)-1)
	}
	y := func(v float64) float64 { return top + (h-top-bottom)*(hi-v)/(hi-lo) }

	metric := f.Metric
	if metric == "" {
		metric = "metric"
	}
	var b strings.Builder
	b.Grow(1024 + 128*len(pts)) // about what is written (~110 bytes a point): no regrowing
	title := fmt.Sprintf("%s of %s: %d points", metric, f.Resource, len(pts))
	if useTime {
		title += fmt.Sprintf(" from %s to %s", t0.UTC().Format("2006-01-02 15:04"), t1.UTC().Format("2006-01-02 15:04 MST"))
	}
	if f.Threshold != nil {
		title += fmt.Sprintf("; threshold %s %s", f.Expected, num(*f.Threshold))
	}
	fmt.Fprintf(&b, `<svg class="series" role="img" width="%s" height="%s" viewBox="0 0 %s %s"><title>%s</title>`,
		px(w), px(h), px(w), px(h), html.EscapeString(title))
	// Axes and labels.
	fmt.Fprintf(&b, `<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s"/>`, px(left), px(top), px(left), px(h-bottom))
	fmt.Fprintf(&b, `<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s"/>`, px(left), px(h-bottom), px(w-right), px(h-bottom))
	fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="end">%s</text>`, px(left-3), px(top+8), html.EscapeString(num(hi-pad)))
	fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="end">%s</text>`, px(left-3), px(h-bottom), html.EscapeString(num(lo+pad)))
	if useTime {
		fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s">%s</text>`, px(left), px(h-5), html.EscapeString(t0.UTC().Format("01-02 15:04")))
		fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="end">%s</text>`, px(w-right), px(h-5), html.EscapeString(t1.UTC().Format("01-02 15:04 MST")))
	}
	if f.Threshold != nil {
		ty := y(*f.Threshold)
		fmt.Fprintf(&b, `<line class="limit" x1="%s" y1="%s" x2="%s" y2="%s"/>`, px(left), px(ty), px(w-right), px(ty))
		fmt.Fprintf(&b, `<text class="lbl limit-lbl" x="%s" y="%s" text-anchor="end">%s</text>`, px(w-right-2), px(ty-3),
			html.EscapeString("limit "+num(*f.Threshold)))
	}
	var line []string
	for i, p := range pts {
		if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			continue
		}
		line = append(line, px(x(i))+","+px(y(p.V)))
	}
	fmt.Fprintf(&b, `<polyline class="line" points="%s"/>`, strings.Join(line, " "))
	for i, p := range pts {
		if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			continue
		}
		cls := "pt"
		if f.Threshold != nil && violates(p.V, *f.Threshold, f.Expected) {
			cls = "pt bad"
		}
		label := num(p.V)
		if !p.T.IsZero() {
			label = p.T.UTC().Format("2006-01-02 15:04 MST") + ": " + label
		}
		fmt.Fprintf(&b, `<circle class="%s" cx="%s" cy="%s" r="2.2"><title>%s</title></circle>`, cls, px(x(i)), px(y(p.V)), html.EscapeString(label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// stackOrder is the bottom-to-top order of outcomes in the trend bars.
var stackOrder = []evidence.Outcome{evidence.Pass, evidence.NotApplicable, evidence.Waived, evidence.Fail, evidence.NotRun, evidence.Error}

// trendSVG draws the run trend: one stacked bar of outcome counts per run.
func trendSVG(trend []results.RunTrend) template.HTML {
	if len(trend) < 2 {
		return ""
	}
	const h, top, bottom, left, bar, gap, legend = 110.0, 6.0, 18.0, 30.0, 14.0, 6.0, 110.0
	plot := max(float64(len(trend))*(bar+gap), 180)
	w := left + plot + legend
	maxN := 1
	for _, t := range trend {
		n := 0
		for _, c := range t.ByOutcome {
			n += c
		}
		maxN = max(maxN, n)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="trend" role="img" width="%s" height="%s" viewBox="0 0 %s %s"><title>%s</title>`,
		px(w), px(h), px(w), px(h), html.EscapeString(fmt.Sprintf("Outcomes of the last %d runs, oldest first", len(trend))))
	fmt.Fprintf(&b, `<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s"/>`, px(left-2), px(h-bottom), px(left+plot), px(h-bottom))
	fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="end">%d</text>`, px(left-4), px(top+8), maxN)
	fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="end">0</text>`, px(left-4), px(h-bottom))
	scale := (h - top - bottom) / float64(maxN)
	for i, t := range trend {
		x := left + float64(i)*(bar+gap)
		y := h - bottom
		var parts []string
		for _, o := range evidence.Outcomes {
			if n := t.ByOutcome[o]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, o))
			}
		}
		fmt.Fprintf(&b, `<g><title>%s</title>`, html.EscapeString(t.Time.UTC().Format("2006-01-02 15:04 MST")+" ("+t.Run+"): "+strings.Join(parts, ", ")))
		for _, o := range stackOrder {
			n := t.ByOutcome[o]
			if n == 0 {
				continue
			}
			hh := float64(n) * scale
			y -= hh
			fmt.Fprintf(&b, `<rect class="s-%s" x="%s" y="%s" width="%s" height="%s"/>`, o, px(x), px(y), px(bar), px(hh))
		}
		b.WriteString(`</g>`)
	}
	first, last := trend[0].Time.UTC(), trend[len(trend)-1].Time.UTC()
	fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s">%s</text>`, px(left), px(h-4), html.EscapeString(first.Format("2006-01-02")))
	fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="end">%s</text>`, px(left+plot), px(h-4), html.EscapeString(last.Format("2006-01-02")))
	// Legend.
	for i, o := range []evidence.Outcome{evidence.Error, evidence.NotRun, evidence.Fail, evidence.Waived, evidence.NotApplicable, evidence.Pass} {
		ly := top + float64(i)*14
		lx := left + plot + 16
		fmt.Fprintf(&b, `<rect class="s-%s" x="%s" y="%s" width="9" height="9"/><text class="lbl" x="%s" y="%s">%s</text>`,
			o, px(lx), px(ly), px(lx+12), px(ly+8), html.EscapeString(string(o)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// stripSVG draws a control's last outcomes as a row of squares, oldest first.
func stripSVG(trend []results.TrendEntry) template.HTML {
	if len(trend) == 0 {
		return ""
	}
	const s, gap = 9.0, 2.0
	w := float64(len(trend))*(s+gap) - gap
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="strip" role="img" width="%s" height="%s" viewBox="0 0 %s %s"><title>%s</title>`, px(w), px(s), px(w), px(s),
		html.EscapeString(fmt.Sprintf("last %d runs, oldest first", len(trend))))
	for i, t := range trend {
		fmt.Fprintf(&b, `<rect class="s-%s" x="%s" y="0" width="%s" height="%s"><title>%s</title></rect>`, t.Outcome, px(float64(i)*(s+gap)), px(s), px(s),
			html.EscapeString(t.Time.UTC().Format("2006-01-02 15:04 MST")+": "+string(t.Outcome)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func fmtTime(v any) string {
	switch t := v.(type) {
	case time.Time:
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 MST")
	case *time.Time:
		if t == nil || t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 MST")
	}
	return ""
}
