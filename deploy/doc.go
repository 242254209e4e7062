// Package deploy holds no code: it is what a team deploys to run the suites
// on a schedule (deploy/iam: the least-privilege IAM policies and trust
// policies; deploy/codebuild: a CodeBuild project with EventBridge schedules;
// deploy/examples: configs), and the tests that keep those files, the GitHub
// workflows (.github/workflows, linted with actionlint) and buildspec.yml true
// to the code.
package deploy
