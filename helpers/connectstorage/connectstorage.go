// Package connectstorage reads where an Amazon Connect instance stores its
// data: the instance storage configurations of each resource type
// (ListInstanceStorageConfigs needs the resource type: one call, or more
// pages, per type; at most 10 configurations a page, the API's maximum).
// Results are read once per instance and type and shared. It judges nothing.
package connectstorage

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// API is the part of the Connect client this package uses.
type API interface {
	ListInstanceStorageConfigs(context.Context, *connect.ListInstanceStorageConfigsInput, ...func(*connect.Options)) (*connect.ListInstanceStorageConfigsOutput, error)
}

var _ API = (*connect.Client)(nil)

// Reader reads the storage configurations of the instances of one account and region.
type Reader struct {
	api API

	mu    sync.Mutex
	cache map[string][]Config // instance id + "|" + resource type
}

// NewReader returns a reader.
func NewReader(api API) *Reader { return &Reader{api: api, cache: map[string][]Config{}} }

// Config is one storage configuration.
type Config struct {
	AssociationID, ResourceType string
	// StorageType is S3, KINESIS_FIREHOSE, KINESIS_STREAM or KINESIS_VIDEO_STREAM.
	StorageType string
	// Bucket and Prefix are set for S3; KMSKeyID when the instance encrypts
	// the data with a KMS key.
	Bucket, Prefix, KMSKeyID string
	// Stream is the Kinesis or Firehose ARN.
	Stream string
}

// Resource names the configuration in findings ("storage/CALL_RECORDINGS/acme-recordings").
func (c Config) Resource() string {
	where := c.Bucket
	if where == "" {
		where = c.Stream
	}
	return "storage/" + c.ResourceType + "/" + where
}

// Configs returns an instance's storage configurations of one resource type.
func (r *Reader) Configs(ctx context.Context, instanceID, resourceType string) ([]Config, error) {
	key := instanceID + "|" + resourceType
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.cache[key]; ok {
		return c, nil
	}
	out := []Config{}
	p := connect.NewListInstanceStorageConfigsPaginator(r.api, &connect.ListInstanceStorageConfigsInput{
		InstanceId: aws.String(instanceID), ResourceType: types.InstanceStorageResourceType(resourceType), MaxResults: aws.Int32(10),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("storage configs (%s) of instance %s: %w", resourceType, instanceID, err)
		}
		for _, s := range page.StorageConfigs {
			c := Config{AssociationID: aws.ToString(s.AssociationId), ResourceType: resourceType, StorageType: string(s.StorageType)}
			switch {
			case s.S3Config != nil:
				c.Bucket, c.Prefix = aws.ToString(s.S3Config.BucketName), aws.ToString(s.S3Config.BucketPrefix)
				if e := s.S3Config.EncryptionConfig; e != nil {
					c.KMSKeyID = aws.ToString(e.KeyId)
				}
			case s.KinesisFirehoseConfig != nil:
				c.Stream = aws.ToString(s.KinesisFirehoseConfig.FirehoseArn)
			case s.KinesisStreamConfig != nil:
				c.Stream = aws.ToString(s.KinesisStreamConfig.StreamArn)
			case s.KinesisVideoStreamConfig != nil:
				c.Stream = aws.ToString(s.KinesisVideoStreamConfig.Prefix)
			}
			out = append(out, c)
		}
	}
	r.cache[key] = out
	return out, nil
}
