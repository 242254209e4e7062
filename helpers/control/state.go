package control

import "fmt"

// ExpectState records a categorical check on the resource (a status, a
// mode, a setting) where testify's numeric comparisons do not fit: what is
// checked, the value observed, the value required, and whether the observed
// value meets it. A failing check reads "<what>: <observed>, want
// <expected>" and carries observed and expected into the finding, as a
// failed threshold comparison does.
func (r *R) ExpectState(what, observed, expected string, ok bool) bool {
	if observed == "" {
		observed = "(none)"
	}
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.f.Checks++
	r.observed = append(r.observed, fmt.Sprintf("%s %s", what, observed))
	if !ok {
		r.failures = append(r.failures, failure{text: fmt.Sprintf("%s: %s, want %s", what, observed, expected), observed: observed, expected: expected})
	}
	return ok
}
