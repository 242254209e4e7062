// Package change holds the change-management controls (runbook 7.4), run on
// every change (pull requests, before deploys) rather than on a calendar:
// change requests follow the template (7.4.1) and declare what the change
// touches (7.4.2), approvals (7.4.3), staging before production (7.4.4),
// rollback readiness (7.4.5) and automated deployment through CodePipeline
// (7.4.6). Build tag: change.
package change
