//go:build daily

package daily

import (
	"context"
	"sync"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
)

// perInstance caches one read of each instance for the run: what several
// controls judge at the same moment (real-time queue metrics, agents, the
// 24-hour queue history, the Lambda functions' state) is read once and
// shared, so the controls agree with each other and the run makes each call
// once. A failed read is not cached: the next control tries again.
type perInstance[T any] struct {
	mu sync.Mutex
	m  map[*connectdata.Instance]*slot[T]
}

type slot[T any] struct {
	mu   sync.Mutex
	v    T
	done bool
}

func (p *perInstance[T]) get(ctx context.Context, in *connectdata.Instance, read func(context.Context, *connectdata.Instance) (T, error)) (T, error) {
	p.mu.Lock()
	if p.m == nil {
		p.m = map[*connectdata.Instance]*slot[T]{}
	}
	s := p.m[in]
	if s == nil {
		s = &slot[T]{}
		p.m[in] = s
	}
	p.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return s.v, nil
	}
	v, err := read(ctx, in)
	if err != nil {
		return v, err
	}
	s.v, s.done = v, true
	return v, nil
}
