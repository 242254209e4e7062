package awsclient

import (
	"context"
	"fmt"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// RefusedError is returned, before anything is sent, for an operation that is
// not on the read-only allowlist (or a drill operation the run did not opt
// in to).
type RefusedError struct {
	Service, Operation string
	// Drill is true for an operation on DrillAllowlist refused because the
	// client was not built for a drill run.
	Drill bool
}

func (e *RefusedError) Error() string {
	if e.Drill {
		return fmt.Sprintf("read-only guard: %s:%s is a drill operation and this run did not opt in to drills "+
			"(COMPLIANCE_ALLOW_DRILL=1 and drill.enabled: true for the account and region); refused before sending", e.Service, e.Operation)
	}
	return fmt.Sprintf("read-only guard: %s:%s is not on the read-only allowlist; refused before sending", e.Service, e.Operation)
}

// readOnlyGuard is an Initialize middleware: it runs before serialization,
// signing and sending, so a refused call never leaves the process. With
// allowDrill it also lets the operations of DrillAllowlist through.
type readOnlyGuard struct{ allowDrill bool }

func (readOnlyGuard) ID() string { return "ComplianceReadOnlyGuard" }

func (g readOnlyGuard) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	if !Allowed(svc, op) {
		drill := DrillOperation(svc, op)
		if !drill || !g.allowDrill {
			return middleware.InitializeOutput{}, middleware.Metadata{}, &RefusedError{Service: svc, Operation: op, Drill: drill}
		}
	}
	return next.HandleInitialize(ctx, in)
}

// AddReadOnlyGuard adds the guard to a client's middleware stack: only
// operations on Allowlist are sent.
func AddReadOnlyGuard(stack *middleware.Stack) error { return addGuard(stack, false) }

// AddDrillGuard adds the guard of a drill run: operations on Allowlist and on
// DrillAllowlist are sent, nothing else. Only the harness should use it, and
// only for a target whose drill the run and the config both enabled.
func AddDrillGuard(stack *middleware.Stack) error { return addGuard(stack, true) }

func addGuard(stack *middleware.Stack, allowDrill bool) error {
	// After: the service metadata middleware (Initialize, Before) must have named
	// the service and operation first.
	return stack.Initialize.Add(readOnlyGuard{allowDrill: allowDrill}, middleware.After)
}
