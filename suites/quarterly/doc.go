// Package quarterly holds the patch-management controls of runbook section
// 7.3 (7.3.5 to 7.3.7): Amazon Connect currency (instance attributes, flows
// published), Lex and Lambda versioning (runtimes, qualified ARNs, aliases,
// presence in the replica region) and third-party/CRM integrations. Each
// control is a Go test behind the `quarterly` build tag:
//
//	go test -tags quarterly ./suites/quarterly
//	COMPLIANCE_TARGET=live go test -tags quarterly ./suites/quarterly
package quarterly
