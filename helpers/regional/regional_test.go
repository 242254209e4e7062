package regional_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/regional"
)

type source struct {
	calls map[string]int
	err   error
}

func (s *source) AWSConfig(account, region string) (aws.Config, error) {
	s.calls[account+"/"+region]++
	return aws.Config{Region: region}, s.err
}

func TestReadersAreBuiltOnceAndNest(t *testing.T) {
	src := &source{calls: map[string]int{}}
	r := regional.New(src)
	in := connectdata.NewInstance(nil, "123456789012", "us-east-1", "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f", "acme")
	for range 2 {
		if _, err := r.Flows(in); err != nil { // builds the Connect client inside
			t.Fatal(err)
		}
		rr, err := r.Resiliency(in, "us-west-2")
		if err != nil || rr.ReplicaRegion != "us-west-2" {
			t.Fatalf("resiliency %+v, %v", rr, err)
		}
		lr, err := r.Lambda(in, "us-west-2")
		if err != nil || lr.Name != "us-west-2" {
			t.Fatalf("lambda %+v, %v", lr, err)
		}
	}
	cfg, err := r.Config(in, "us-west-2")
	if err != nil || cfg.Region != "us-west-2" {
		t.Errorf("replica config %+v, %v", cfg, err)
	}
	// Connect us-east-1, Connect us-west-2, Lambda us-west-2, then Config.
	if got := src.calls["123456789012/us-east-1"]; got != 4 {
		t.Errorf("%d configurations built, want one per client and one for Config", got)
	}
	if _, err := r.Resiliency(in, "us-east-1"); err == nil {
		t.Error("a replica in the primary's own region is an error")
	}
}

func TestBuildErrorsAreKept(t *testing.T) {
	src := &source{calls: map[string]int{}, err: errors.New("no credentials")}
	r := regional.New(src)
	in := connectdata.NewInstance(nil, "123456789012", "us-east-1", "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f", "acme")
	for range 2 {
		if _, err := r.Lex(in, "us-east-1"); err == nil || err.Error() != "no credentials" {
			t.Errorf("error %v", err)
		}
	}
	if got := src.calls["123456789012/us-east-1"]; got != 1 {
		t.Errorf("%d attempts, want the failure kept after one", got)
	}
}
