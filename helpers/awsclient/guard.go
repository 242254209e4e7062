package awsclient

import (
	"context"
	"fmt"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// RefusedError is returned, before anything is sent, for an operation that is
// not on the read-only allowlist.
type RefusedError struct {
	Service, Operation string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("read-only guard: %s:%s is not on the read-only allowlist; refused before sending", e.Service, e.Operation)
}

// readOnlyGuard is an Initialize middleware: it runs before serialization,
// signing and sending, so a refused call never leaves the process.
type readOnlyGuard struct{}

func (readOnlyGuard) ID() string { return "ComplianceReadOnlyGuard" }

func (readOnlyGuard) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	if !Allowed(svc, op) {
		return middleware.InitializeOutput{}, middleware.Metadata{}, &RefusedError{Service: svc, Operation: op}
	}
	return next.HandleInitialize(ctx, in)
}

// AddReadOnlyGuard adds the guard to a client's middleware stack.
func AddReadOnlyGuard(stack *middleware.Stack) error {
	// After: the service metadata middleware (Initialize, Before) must have named
	// the service and operation first.
	return stack.Initialize.Add(readOnlyGuard{}, middleware.After)
}
