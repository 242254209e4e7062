package control

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// Target is one place a control reads from (a Connect instance in an
// account and region): the resource that stands for it in findings
// ("instance/acme-contact") and its location.
type Target struct {
	Resource string
	Location Location
	// Err, when set, is why the target could not be reached at all (its
	// credentials or identity check failed during setup): it is not read,
	// and gets an error finding.
	Err error
}

// ErrorAt records that a resource at a location could not be evaluated: an
// error finding there (the control ends as error), while findings elsewhere
// are still judged. It is c.On(resource, loc).Error(err).
func (c *C) ErrorAt(resource string, loc Location, err error) *R {
	r := c.On(resource, loc)
	r.Error(err)
	return r
}

// ForEachTarget reads every target concurrently, at most limit at a time
// (limit < 1 reads one at a time), with read; then it judges the targets
// that were read, in the order given, with judge on the test's goroutine, so
// findings come out in a stable order and judge may use everything (c.On,
// testify assertions, c.Must).
//
// A target whose read returns an error or panics, or whose Err is set, gets
// an error finding on its resource at its location, and is not judged: one
// unreachable account or region makes the control error there without
// hiding what the other targets show. read runs on other goroutines: it must
// only read (AWS calls with the ctx it is given) and return what it read;
// it must not record findings or call c.Fatal, c.Must or the test's methods.
func ForEachTarget[T any](c *C, targets []Target, limit int, read func(ctx context.Context, i int) (T, error), judge func(i int, v T)) {
	c.t.Helper()
	if limit < 1 {
		limit = 1
	}
	vals := make([]T, len(targets))
	errs := make([]error, len(targets))
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, t := range targets {
		if t.Err != nil {
			errs[i] = t.Err
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("panic reading %s: %v\n%s", t.Resource, p, debug.Stack())
				}
			}()
			vals[i], errs[i] = read(c.ctx, i)
		}()
	}
	wg.Wait()
	for i, t := range targets {
		if errs[i] != nil {
			c.ErrorAt(t.Resource, t.Location, errs[i])
			continue
		}
		judge(i, vals[i])
	}
}
