// Package secretsdata reads the metadata of AWS Secrets Manager secrets of
// one account and region (never their values): ListSecrets to find the
// secrets, then DescribeSecret for each selected one, whose answer is the
// secret's own record (ListSecrets is documented as eventually consistent:
// "ListSecrets is eventually consistent", Secrets Manager API reference).
// Errors are returned wrapped; nothing is judged here.
package secretsdata

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// API is the part of the Secrets Manager client this package uses.
type API interface {
	ListSecrets(context.Context, *secretsmanager.ListSecretsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error)
	DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
}

var _ API = (*secretsmanager.Client)(nil)

// Secret is a secret's rotation metadata.
type Secret struct {
	Name, ARN       string
	RotationEnabled bool
	Created         time.Time
	LastRotated     time.Time // zero: never rotated
	LastChanged     time.Time
	NextRotation    time.Time
}

// Matching returns the secrets (not scheduled for deletion) whose name
// keep accepts, described one by one, sorted by name.
func Matching(ctx context.Context, api API, region string, keep func(name string) bool) ([]Secret, error) {
	var names []string
	p := secretsmanager.NewListSecretsPaginator(api, &secretsmanager.ListSecretsInput{MaxResults: aws.Int32(100)}) // 1..100 (service model)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list secrets in %s: %w", region, err)
		}
		for _, s := range page.SecretList {
			if keep(aws.ToString(s.Name)) {
				names = append(names, aws.ToString(s.ARN))
			}
		}
	}
	out := make([]Secret, 0, len(names))
	for _, id := range names {
		d, err := api.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)})
		if err != nil {
			return nil, fmt.Errorf("describe secret %s: %w", id, err)
		}
		out = append(out, Secret{Name: aws.ToString(d.Name), ARN: aws.ToString(d.ARN), RotationEnabled: aws.ToBool(d.RotationEnabled),
			Created: aws.ToTime(d.CreatedDate), LastRotated: aws.ToTime(d.LastRotatedDate), LastChanged: aws.ToTime(d.LastChangedDate),
			NextRotation: aws.ToTime(d.NextRotationDate)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
