// Package regional builds, once per test binary, the readers the quarterly
// and dr suites share: per account and region the Lambda and Lex
// inventories and the Connect client, per instance its flows and its Global
// Resiliency reader. Clients come from the harness's guarded, rate-limited
// configuration of the instance's account and region; a region that is not
// a configured target (the replica region of dr.instances) gets a copy of
// that configuration with its region changed: same credentials and account,
// same read-only guard, rate limiter and call recorder (which key by the
// request's region).
package regional

import (
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lexmodelsv2"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/flowdata"
	"github.com/connect-compliance/connect-compliance/helpers/lambdadata"
	"github.com/connect-compliance/connect-compliance/helpers/lexdata"
	"github.com/connect-compliance/connect-compliance/helpers/resiliency"
)

// ConfigSource is what the readers need of the harness.
type ConfigSource interface {
	AWSConfig(account, region string) (aws.Config, error)
}

// Readers holds the shared readers of one test binary.
type Readers struct {
	src ConfigSource

	mu sync.Mutex
	m  map[string]any
}

// New returns an empty set of readers over src (the harness's Env).
func New(src ConfigSource) *Readers { return &Readers{src: src, m: map[string]any{}} }

// Config returns the SDK configuration for region, using the credentials
// of the instance's account and (configured) home region.
func (r *Readers) Config(in *connectdata.Instance, region string) (aws.Config, error) {
	cfg, err := r.src.AWSConfig(in.Account, in.Region)
	if err != nil {
		return aws.Config{}, err
	}
	if region != in.Region {
		cfg = cfg.Copy()
		cfg.Region = region
	}
	return cfg, nil
}

// entry is one lazily built value.
type entry struct {
	once sync.Once
	v    any
	err  error
}

// get returns the value stored under key, building it with mk once (mk may
// itself call get for other keys). A failed build is kept: every caller of
// the key gets the same error.
func get[T any](r *Readers, key string, mk func() (T, error)) (T, error) {
	r.mu.Lock()
	e, ok := r.m[key].(*entry)
	if !ok {
		e = &entry{}
		r.m[key] = e
	}
	r.mu.Unlock()
	e.once.Do(func() { e.v, e.err = mk() })
	if e.err != nil {
		var zero T
		return zero, e.err
	}
	return e.v.(T), nil
}

// Connect returns the Connect client of the instance's account in region.
func (r *Readers) Connect(in *connectdata.Instance, region string) (*connect.Client, error) {
	return get(r, "connect/"+in.Account+"/"+region, func() (*connect.Client, error) {
		cfg, err := r.Config(in, region)
		if err != nil {
			return nil, err
		}
		return connect.NewFromConfig(cfg), nil
	})
}

// Lambda returns the Lambda inventory of the instance's account in region.
func (r *Readers) Lambda(in *connectdata.Instance, region string) (*lambdadata.Region, error) {
	return get(r, "lambda/"+in.Account+"/"+region, func() (*lambdadata.Region, error) {
		cfg, err := r.Config(in, region)
		if err != nil {
			return nil, err
		}
		return lambdadata.New(lambda.NewFromConfig(cfg), in.Account, region), nil
	})
}

// Lex returns the Lex V2 inventory of the instance's account in region.
func (r *Readers) Lex(in *connectdata.Instance, region string) (*lexdata.Region, error) {
	return get(r, "lex/"+in.Account+"/"+region, func() (*lexdata.Region, error) {
		cfg, err := r.Config(in, region)
		if err != nil {
			return nil, err
		}
		return lexdata.New(lexmodelsv2.NewFromConfig(cfg), in.Account, region), nil
	})
}

// Flows returns the flow reader of an instance.
func (r *Readers) Flows(in *connectdata.Instance) (*flowdata.Reader, error) {
	return get(r, "flows/"+in.ARN(), func() (*flowdata.Reader, error) {
		c, err := r.Connect(in, in.Region)
		if err != nil {
			return nil, err
		}
		return flowdata.New(c, in.ID), nil
	})
}

// Resiliency returns the Global Resiliency reader of an instance and its
// replica region.
func (r *Readers) Resiliency(in *connectdata.Instance, replicaRegion string) (*resiliency.Reader, error) {
	if replicaRegion == "" || replicaRegion == in.Region {
		return nil, fmt.Errorf("instance %s: no replica region", in.Name())
	}
	return get(r, "resiliency/"+in.ARN()+"/"+replicaRegion, func() (*resiliency.Reader, error) {
		p, err := r.Connect(in, in.Region)
		if err != nil {
			return nil, err
		}
		rep, err := r.Connect(in, replicaRegion)
		if err != nil {
			return nil, err
		}
		return resiliency.New(p, rep, in.ID, in.Region, replicaRegion), nil
	})
}
