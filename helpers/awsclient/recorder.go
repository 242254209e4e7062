package awsclient

import (
	"context"
	"errors"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// Attempt is one request sent to AWS (or refused on the way).
type Attempt struct {
	Account, Region, Service, Operation string
	// ErrorCode is the AWS error code of a failed attempt ("" on success).
	ErrorCode string
}

// Recorder receives every attempt made with a context carrying it.
type Recorder interface {
	RecordCall(Attempt)
}

type recorderKey struct{}

// WithRecorder returns a context whose AWS calls are reported to r.
func WithRecorder(ctx context.Context, r Recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

type recordCalls struct{ account string }

func (recordCalls) ID() string { return "ComplianceCallRecorder" }

func (m recordCalls) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleFinalize(ctx, in)
	if r, ok := ctx.Value(recorderKey{}).(Recorder); ok {
		a := Attempt{
			Account: m.account, Region: awsmiddleware.GetRegion(ctx),
			Service: awsmiddleware.GetServiceID(ctx), Operation: awsmiddleware.GetOperationName(ctx),
		}
		if err != nil {
			a.ErrorCode = "ClientError"
			var ae smithy.APIError
			if errors.As(err, &ae) {
				a.ErrorCode = ae.ErrorCode()
			}
		}
		r.RecordCall(a)
	}
	return out, md, err
}
