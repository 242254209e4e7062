// Package siptrunk reads the health of an external SIP trunk: the
// termination health of an Amazon Chime SDK Voice Connector (when the
// carrier's SIP peer last answered the connector's health check). Amazon
// Connect's own telephony is run by AWS with its carriers and has no such
// API; this applies only where a center brings its own trunk. It judges
// nothing.
package siptrunk

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
)

// API is the part of the Chime SDK Voice client this package uses.
type API interface {
	GetVoiceConnectorTerminationHealth(context.Context, *chimesdkvoice.GetVoiceConnectorTerminationHealthInput, ...func(*chimesdkvoice.Options)) (*chimesdkvoice.GetVoiceConnectorTerminationHealthOutput, error)
}

var _ API = (*chimesdkvoice.Client)(nil)

// Health is a Voice Connector's last termination health record.
type Health struct {
	// Checked is when the termination was last seen healthy; zero when the
	// connector has no health record at all.
	Checked time.Time
	// Source is the SIP peer that answered.
	Source string
}

// TerminationHealth reads a Voice Connector's termination health.
func TerminationHealth(ctx context.Context, api API, id string) (Health, error) {
	out, err := api.GetVoiceConnectorTerminationHealth(ctx, &chimesdkvoice.GetVoiceConnectorTerminationHealthInput{VoiceConnectorId: aws.String(id)})
	if err != nil {
		return Health{}, fmt.Errorf("termination health of Voice Connector %s: %w", id, err)
	}
	if out.TerminationHealth == nil {
		return Health{}, nil
	}
	return Health{Checked: aws.ToTime(out.TerminationHealth.Timestamp), Source: aws.ToString(out.TerminationHealth.Source)}, nil
}
