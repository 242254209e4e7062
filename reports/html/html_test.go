package html

import (
	"bytes"
	"html/template"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

var textTmpl = template.Must(template.New("t").Parse(`{{.}}`))

// esc must escape exactly as html/template does: rows.go writes the
// per-control markup without it.
func FuzzEscMatchesTemplate(f *testing.F) {
	f.Add(`<script>alert("x" + 'y')</script> & ` + "\x00")
	f.Add("plain")
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		if err := textTmpl.Execute(&b, s); err != nil {
			t.Skip()
		}
		if got := esc(s); got != b.String() {
			t.Fatalf("esc(%q) = %q, html/template gives %q", s, got, b.String())
		}
	})
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://docs.aws.amazon.com/connect/": "https://docs.aws.amazon.com/connect/",
		"javascript:alert(1)":                  "#ZgotmplZ",
		`https://x/"><script>`:                 "https://x/&#34;&gt;&lt;script&gt;",
	} {
		if got := safeURL(in); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSeriesSVG(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	limit := 300.0
	f := evidence.Finding{Resource: `queue/<b>`, Metric: "age & size", Expected: "<= 300", Threshold: &limit, Series: []evidence.Point{
		{T: t0, V: 100}, {T: t0.Add(time.Minute), V: math.NaN()}, {T: t0.Add(2 * time.Minute), V: 900}}}
	svg := string(seriesSVG(f))
	if strings.Count(svg, "<circle") != 2 || strings.Count(svg, `class="pt bad"`) != 1 || !strings.Contains(svg, `class="limit"`) {
		t.Errorf("svg: %s", svg)
	}
	if strings.Contains(svg, "<b>") || strings.Contains(svg, "NaN") || !strings.Contains(svg, "age &amp; size") {
		t.Errorf("unescaped or NaN: %s", svg)
	}
	if seriesSVG(evidence.Finding{}) != "" || seriesSVG(evidence.Finding{Series: []evidence.Point{{V: math.Inf(1)}}}) != "" {
		t.Error("a chart without drawable points")
	}
	one := string(seriesSVG(evidence.Finding{Series: []evidence.Point{{V: 5}}}))
	if strings.Count(one, "<circle") != 1 {
		t.Errorf("single point: %s", one)
	}
	for _, tc := range []struct {
		v        float64
		expected string
		bad      bool
	}{{301, "<= 300", true}, {300, "<= 300", false}, {300, "< 300", true}, {0, ">= 1", true}, {1, "> 1", true}, {2, "> 1", false}, {9, "", false}} {
		if violates(tc.v, map[bool]float64{true: 300, false: 1}[strings.Contains(tc.expected, "300")], tc.expected) != tc.bad {
			t.Errorf("violates(%v, %q) != %v", tc.v, tc.expected, tc.bad)
		}
	}
}

func TestTrendSVG(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	if trendSVG([]results.RunTrend{{Time: t0}}) != "" {
		t.Error("a trend of one run")
	}
	svg := string(trendSVG([]results.RunTrend{
		{Run: "a", Time: t0, ByOutcome: map[evidence.Outcome]int{evidence.Pass: 3, evidence.Fail: 1}},
		{Run: "b<", Time: t0.Add(24 * time.Hour), ByOutcome: map[evidence.Outcome]int{evidence.Pass: 4}},
	}))
	if strings.Count(svg, `<rect class="s-pass"`) != 3 || !strings.Contains(svg, "b&lt;") {
		t.Errorf("trend: %s", svg)
	}
}
