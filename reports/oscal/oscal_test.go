package oscal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/reports/results"
)

// The checks below are the OSCAL 1.1.2 assessment-results JSON schema's rules
// for the parts this package writes (required and allowed members, the
// datatypes' patterns: UUID v4/v5, token, date-time with time zone, string,
// URI), plus the model's allowed values for finding target type and state,
// observation methods and the references between uuids. They are written
// from the schema, not loaded from it: the project does not vendor NIST's
// schema file.
var (
	uuidRe     = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$`)
	tokenRe    = regexp.MustCompile(`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`)
	stringRe   = regexp.MustCompile(`^\S(.*\S)?$`)
	uriRe      = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+\-.]+:.+$`)
	dateTimeRe = regexp.MustCompile(`^(((19|2[0-9])[0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))T(2[0-3]|[01][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`)
	semverRe   = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
)

type kind struct {
	required, optional []string
}

// kinds: the members this package may write for each assembly.
var kinds = map[string]kind{
	"root":                {required: []string{"assessment-results"}},
	"assessment-results":  {required: []string{"uuid", "metadata", "import-ap", "results"}, optional: []string{"local-definitions", "back-matter"}},
	"metadata":            {required: []string{"title", "last-modified", "version", "oscal-version"}, optional: []string{"published", "props", "links", "remarks"}},
	"import-ap":           {required: []string{"href"}, optional: []string{"remarks"}},
	"result":              {required: []string{"uuid", "title", "description", "start", "reviewed-controls"}, optional: []string{"end", "props", "links", "observations", "risks", "findings", "remarks"}},
	"reviewed-controls":   {required: []string{"control-selections"}, optional: []string{"description", "props", "links", "remarks"}},
	"control-selection":   {optional: []string{"description", "props", "links", "include-all", "include-controls", "exclude-controls", "remarks"}},
	"select-control":      {required: []string{"control-id"}, optional: []string{"statement-ids"}},
	"observation":         {required: []string{"uuid", "description", "methods", "collected"}, optional: []string{"title", "props", "links", "types", "origins", "subjects", "relevant-evidence", "expires", "remarks"}},
	"relevant-evidence":   {required: []string{"description"}, optional: []string{"href", "props", "links", "remarks"}},
	"risk":                {required: []string{"uuid", "title", "description", "statement", "status"}, optional: []string{"props", "links", "origins", "threat-ids", "characterizations", "mitigating-factors", "deadline", "remediations", "risk-log", "related-observations"}},
	"finding":             {required: []string{"uuid", "title", "description", "target"}, optional: []string{"props", "links", "origins", "implementation-statement-uuid", "related-observations", "related-risks", "remarks"}},
	"target":              {required: []string{"type", "target-id", "status"}, optional: []string{"title", "description", "props", "links", "implementation-status", "remarks"}},
	"status":              {required: []string{"state"}, optional: []string{"reason", "remarks"}},
	"prop":                {required: []string{"name", "value"}, optional: []string{"uuid", "ns", "class", "remarks"}},
	"related-observation": {required: []string{"observation-uuid"}},
	"related-risk":        {required: []string{"risk-uuid"}},
}

type checker struct {
	t     *testing.T
	uuids map[string]string // uuid -> path
	refs  map[string]string // referenced uuid -> path
}

func (c *checker) errorf(path, format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
}

func (c *checker) obj(path, k string, v any) map[string]any {
	c.t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		c.errorf(path, "want an object, got %T", v)
		return nil
	}
	spec := kinds[k]
	for _, r := range spec.required {
		if _, ok := m[r]; !ok {
			c.errorf(path, "%s lacks required %q", k, r)
		}
	}
	for key := range m {
		if !slices.Contains(spec.required, key) && !slices.Contains(spec.optional, key) {
			c.errorf(path, "%s has no member %q", k, key)
		}
	}
	return m
}

func (c *checker) arr(path string, v any) []any {
	c.t.Helper()
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		c.errorf(path, "want a non-empty array, got %v", v)
	}
	return a
}

func (c *checker) str(path string, v any, re *regexp.Regexp) string {
	c.t.Helper()
	s, ok := v.(string)
	if !ok {
		c.errorf(path, "want a string, got %T", v)
		return ""
	}
	if re != nil && !re.MatchString(s) {
		c.errorf(path, "%q does not match %s", s, re)
	}
	return s
}

func (c *checker) uuid(path string, v any) {
	c.t.Helper()
	s := c.str(path, v, uuidRe)
	if prev, dup := c.uuids[s]; dup {
		c.errorf(path, "uuid %s also at %s", s, prev)
	}
	c.uuids[s] = path
}

// text is markup-multiline: any non-empty string.
func (c *checker) text(path string, v any) {
	c.t.Helper()
	if s := c.str(path, v, nil); strings.TrimSpace(s) == "" {
		c.errorf(path, "empty")
	}
}

func (c *checker) line(path string, v any) {
	c.t.Helper()
	if s := c.str(path, v, nil); s == "" || strings.Contains(s, "\n") {
		c.errorf(path, "markup-line %q is empty or has a newline", s)
	}
}

func (c *checker) props(path string, v any) {
	c.t.Helper()
	if v == nil {
		return
	}
	for i, p := range c.arr(path, v) {
		pp := fmt.Sprintf("%s[%d]", path, i)
		m := c.obj(pp, "prop", p)
		c.str(pp+".name", m["name"], tokenRe)
		c.str(pp+".value", m["value"], stringRe)
		if ns, ok := m["ns"]; ok {
			c.str(pp+".ns", ns, uriRe)
		}
	}
}

func validate(t *testing.T, doc []byte) {
	t.Helper()
	var root any
	dec := json.NewDecoder(bytes.NewReader(doc))
	if err := dec.Decode(&root); err != nil {
		t.Fatal(err)
	}
	c := &checker{t: t, uuids: map[string]string{}, refs: map[string]string{}}
	ar := c.obj("$", "assessment-results", c.obj("$", "root", root)["assessment-results"])
	c.uuid("$.uuid", ar["uuid"])
	md := c.obj("$.metadata", "metadata", ar["metadata"])
	c.line("$.metadata.title", md["title"])
	c.str("$.metadata.last-modified", md["last-modified"], dateTimeRe)
	c.str("$.metadata.version", md["version"], stringRe)
	c.str("$.metadata.oscal-version", md["oscal-version"], semverRe)
	c.props("$.metadata.props", md["props"])
	ap := c.obj("$.import-ap", "import-ap", ar["import-ap"])
	c.str("$.import-ap.href", ap["href"], stringRe)
	for i, r := range c.arr("$.results", ar["results"]) {
		p := fmt.Sprintf("$.results[%d]", i)
		res := c.obj(p, "result", r)
		c.uuid(p+".uuid", res["uuid"])
		c.line(p+".title", res["title"])
		c.text(p+".description", res["description"])
		c.str(p+".start", res["start"], dateTimeRe)
		if e, ok := res["end"]; ok {
			c.str(p+".end", e, dateTimeRe)
		}
		c.props(p+".props", res["props"])
		rc := c.obj(p+".reviewed-controls", "reviewed-controls", res["reviewed-controls"])
		for j, s := range c.arr(p+".reviewed-controls.control-selections", rc["control-selections"]) {
			sp := fmt.Sprintf("%s.reviewed-controls.control-selections[%d]", p, j)
			sel := c.obj(sp, "control-selection", s)
			_, all := sel["include-all"]
			if ic, ok := sel["include-controls"]; ok {
				for k, x := range c.arr(sp+".include-controls", ic) {
					c.str(fmt.Sprintf("%s.include-controls[%d].control-id", sp, k), c.obj(sp, "select-control", x)["control-id"], tokenRe)
				}
			} else if !all {
				c.errorf(sp, "selects nothing")
			}
		}
		if obs, ok := res["observations"]; ok {
			for j, o := range c.arr(p+".observations", obs) {
				op := fmt.Sprintf("%s.observations[%d]", p, j)
				m := c.obj(op, "observation", o)
				c.uuid(op+".uuid", m["uuid"])
				c.line(op+".title", m["title"])
				c.text(op+".description", m["description"])
				c.str(op+".collected", m["collected"], dateTimeRe)
				for k, meth := range c.arr(op+".methods", m["methods"]) {
					if s := c.str(fmt.Sprintf("%s.methods[%d]", op, k), meth, stringRe); !slices.Contains([]string{"EXAMINE", "INTERVIEW", "TEST", "UNKNOWN"}, s) {
						c.errorf(op, "method %q not allowed", s)
					}
				}
				c.props(op+".props", m["props"])
				if re, ok := m["relevant-evidence"]; ok {
					for k, e := range c.arr(op+".relevant-evidence", re) {
						ep := fmt.Sprintf("%s.relevant-evidence[%d]", op, k)
						em := c.obj(ep, "relevant-evidence", e)
						c.text(ep+".description", em["description"])
					}
				}
			}
		}
		if risks, ok := res["risks"]; ok {
			for j, r := range c.arr(p+".risks", risks) {
				rp := fmt.Sprintf("%s.risks[%d]", p, j)
				m := c.obj(rp, "risk", r)
				c.uuid(rp+".uuid", m["uuid"])
				c.line(rp+".title", m["title"])
				c.text(rp+".statement", m["statement"])
				if s := c.str(rp+".status", m["status"], tokenRe); !slices.Contains([]string{"open", "investigating", "remediating", "deviation-requested", "deviation-approved", "closed"}, s) {
					c.errorf(rp, "risk status %q not allowed", s)
				}
				if d, ok := m["deadline"]; ok {
					c.str(rp+".deadline", d, dateTimeRe)
				}
				c.props(rp+".props", m["props"])
			}
		}
		var findings []any
		if fs, ok := res["findings"]; ok {
			findings = c.arr(p+".findings", fs)
		}
		for j, f := range findings {
			fp := fmt.Sprintf("%s.findings[%d]", p, j)
			m := c.obj(fp, "finding", f)
			c.uuid(fp+".uuid", m["uuid"])
			c.line(fp+".title", m["title"])
			c.text(fp+".description", m["description"])
			c.props(fp+".props", m["props"])
			tg := c.obj(fp+".target", "target", m["target"])
			if s := c.str(fp+".target.type", tg["type"], stringRe); s != "objective-id" && s != "statement-id" {
				c.errorf(fp, "target type %q", s)
			}
			c.str(fp+".target.target-id", tg["target-id"], tokenRe)
			st := c.obj(fp+".target.status", "status", tg["status"])
			if s := c.str(fp+".target.status.state", st["state"], tokenRe); s != "satisfied" && s != "not-satisfied" {
				c.errorf(fp, "state %q", s)
			}
			if r, ok := st["reason"]; ok {
				if s := c.str(fp+".target.status.reason", r, tokenRe); !slices.Contains([]string{"pass", "fail", "other"}, s) {
					c.errorf(fp, "reason %q", s)
				}
			}
			if ro, ok := m["related-observations"]; ok {
				for k, x := range c.arr(fp+".related-observations", ro) {
					c.refs[c.str(fp, c.obj(fmt.Sprintf("%s.related-observations[%d]", fp, k), "related-observation", x)["observation-uuid"], uuidRe)] = fp
				}
			}
			if rr, ok := m["related-risks"]; ok {
				for k, x := range c.arr(fp+".related-risks", rr) {
					c.refs[c.str(fp, c.obj(fmt.Sprintf("%s.related-risks[%d]", fp, k), "related-risk", x)["risk-uuid"], uuidRe)] = fp
				}
			}
		}
	}
	for ref, from := range c.refs {
		if _, ok := c.uuids[ref]; !ok {
			c.errorf(from, "refers to uuid %s, defined nowhere", ref)
		}
	}
}

func golden(t *testing.T) *results.Results {
	t.Helper()
	f, err := os.Open("../testdata/golden/sample.results.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := results.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSampleIsValidAssessmentResults(t *testing.T) {
	r := golden(t)
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	validate(t, b.Bytes())
	doc := Build(r)
	res := doc.AssessmentResults.Results[0]
	if len(res.Findings) != len(r.Controls) || len(res.Observations) != len(r.Controls) {
		t.Errorf("%d findings, %d observations for %d controls", len(res.Findings), len(res.Observations), len(r.Controls))
	}
	states := map[string]string{}
	for _, f := range res.Findings {
		states[f.Target.TargetID] = f.Target.Status.State + "/" + f.Target.Status.Reason
	}
	for id, want := range map[string]string{"SAMPLE-PASS-01": "satisfied/pass", "SAMPLE-FAIL-01": "not-satisfied/fail",
		"SAMPLE-ERROR-01": "not-satisfied/other", "SAMPLE-MISSING-01": "not-satisfied/other", "SAMPLE-NA-01": "satisfied/other",
		"SAMPLE-WAIVED-01": "not-satisfied/fail"} {
		if states[id] != want {
			t.Errorf("%s: %s, want %s", id, states[id], want)
		}
	}
	if len(res.Risks) != 1 || res.Risks[0].Status != "deviation-approved" {
		t.Errorf("risks: %+v", res.Risks)
	}
	// The same results render the same document.
	var again bytes.Buffer
	Write(&again, r)
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("not deterministic")
	}
}

func TestEmptyRunIsValid(t *testing.T) {
	r := golden(t)
	r.Controls = nil
	r.Run.Started, r.Run.Finished = nil, nil
	r.Run.Target, r.Run.Tool, r.Run.Version = "", "", ""
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	validate(t, b.Bytes())
}

func TestUUID5(t *testing.T) {
	// RFC 4122 appendix-style check: version and variant bits, determinism.
	a, b := UUID5("x"), UUID5("x")
	if a != b || !uuidRe.MatchString(a) || a[14] != '5' || UUID5("y") == a {
		t.Errorf("UUID5: %s %s", a, UUID5("y"))
	}
}
