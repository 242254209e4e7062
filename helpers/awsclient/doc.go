// Package awsclient builds the AWS SDK configuration every control's clients
// use, live or simulated, and the middleware that keeps runs safe and
// auditable:
//
//   - a read-only guard that refuses, before anything is sent, any operation
//     not on the read-only allowlist (Allowlist); the opt-in drill operations
//     (DrillAllowlist) pass only for a client built with Target.AllowDrill;
//   - the least-privilege IAM policies generated from those lists
//     (ReadOnlyPolicy, DrillPolicy; Services maps SDK service IDs to IAM
//     prefixes and SigV4 signing names);
//   - client-side token buckets per account, region and operation, sized below
//     the documented AWS quotas (Quotas), plus the SDK's adaptive retryer, so
//     throttling slows a run down instead of turning a control into an error;
//   - a call recorder that attributes every attempt to the control whose
//     context made it (WithRecorder), which becomes the control's evidence.
//
// It does not decide what to read; the domain readers (helpers/connectdata)
// and the controls do.
package awsclient
