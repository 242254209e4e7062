package awsclient

import "sort"

// Service is what the project knows about one AWS service its clients call.
type Service struct {
	// IAMPrefix is the service's prefix in IAM actions ("connect" in
	// connect:ListQueues), from the Service Authorization Reference.
	IAMPrefix string
	// SigningName is the SigV4 signing name: how the service appears in the
	// credential scope of a request, and so in the simulator's call log
	// (CloudWatch signs as "monitoring", Lex Models V2 as "lex").
	SigningName string
}

// Services maps an SDK service ID (the ServiceID constant of each
// aws-sdk-go-v2 service module, as the guard and the allowlists name it) to
// its IAM prefix and signing name. Every service on Allowlist or
// DrillAllowlist must be here (a test checks): add the row when you add a
// service's first operation.
var Services = map[string]Service{
	"Backup":          {IAMPrefix: "backup", SigningName: "backup"},
	"CloudTrail":      {IAMPrefix: "cloudtrail", SigningName: "cloudtrail"},
	"Chime SDK Voice": {IAMPrefix: "chime", SigningName: "chime"},
	"CloudWatch":      {IAMPrefix: "cloudwatch", SigningName: "monitoring"},
	"CloudWatch Logs": {IAMPrefix: "logs", SigningName: "logs"},
	"CodePipeline":    {IAMPrefix: "codepipeline", SigningName: "codepipeline"},
	"Connect":         {IAMPrefix: "connect", SigningName: "connect"},
	"DynamoDB":        {IAMPrefix: "dynamodb", SigningName: "dynamodb"},
	"Lambda":          {IAMPrefix: "lambda", SigningName: "lambda"},
	"Lex Models V2":   {IAMPrefix: "lex", SigningName: "lex"},
	"RDS":             {IAMPrefix: "rds", SigningName: "rds"},
	"S3":              {IAMPrefix: "s3", SigningName: "s3"},
	"STS":             {IAMPrefix: "sts", SigningName: "sts"},
	"Secrets Manager": {IAMPrefix: "secretsmanager", SigningName: "secretsmanager"},
}

// ServiceForSigningName returns the SDK service ID whose requests are signed
// with name ("monitoring" -> "CloudWatch").
func ServiceForSigningName(name string) (string, bool) {
	ids := make([]string, 0, len(Services))
	for id := range Services {
		ids = append(ids, id)
	}
	sort.Strings(ids) // deterministic if two ever shared a signing name
	for _, id := range ids {
		if Services[id].SigningName == name {
			return id, true
		}
	}
	return "", false
}

// iamActions lists the operations whose IAM action is not
// "<prefix>:<Operation>" (Service Authorization Reference): the API name and
// the action that authorizes it differ, or the call needs more than one
// action. Keys are "Service:Operation".
var iamActions = map[string][]string{
	// The Connect Search APIs return full records and list the matching
	// Describe action as a dependent action (Service Authorization
	// Reference, Amazon Connect): grant both.
	"Connect:SearchQueues":               {"connect:SearchQueues", "connect:DescribeQueue"},
	"Connect:SearchRoutingProfiles":      {"connect:SearchRoutingProfiles", "connect:DescribeRoutingProfile"},
	"Connect:SearchAgentStatuses":        {"connect:SearchAgentStatuses", "connect:DescribeAgentStatus"},
	"S3:HeadBucket":                      {"s3:ListBucket"},
	"S3:HeadObject":                      {"s3:GetObject"},
	"S3:ListObjectsV2":                   {"s3:ListBucket"},
	"S3:ListObjectVersions":              {"s3:ListBucketVersions"},
	"S3:GetBucketLifecycleConfiguration": {"s3:GetLifecycleConfiguration"},
	"S3:GetBucketReplication":            {"s3:GetReplicationConfiguration"},
	"S3:GetBucketEncryption":             {"s3:GetEncryptionConfiguration"},
	"Lambda:GetFunctionConfiguration":    {"lambda:GetFunctionConfiguration"},
	"Lambda:ListVersionsByFunction":      {"lambda:ListVersionsByFunction"},
	// StartRestoreJob passes the restore role to AWS Backup (AWS Backup
	// Developer Guide, "Identity and access management": iam:PassRole).
	"Backup:StartRestoreJob": {"backup:StartRestoreJob", "iam:PassRole"},
	// monthly: the public access block and Object Lock reads are authorized
	// by bucket-level actions; reading a sampled backup object encrypted
	// with SSE-KMS (as MONTHLY-S3-01 requires) also needs kms:Decrypt on
	// its key (S3 User Guide, "Using server-side encryption with AWS KMS keys").
	"S3:GetPublicAccessBlock":       {"s3:GetBucketPublicAccessBlock"},
	"S3:GetObjectLockConfiguration": {"s3:GetBucketObjectLockConfiguration"},
	"S3:GetObject":                  {"s3:GetObject", "kms:Decrypt"},
}

// IAMActions returns the IAM actions that authorize one operation of a
// service ("Connect", "GetMetricDataV2" -> connect:GetMetricDataV2). ok is
// false for a service missing from Services.
func IAMActions(service, operation string) (actions []string, ok bool) {
	s, known := Services[service]
	if !known {
		return nil, false
	}
	if a, special := iamActions[service+":"+operation]; special {
		return append([]string(nil), a...), true
	}
	return []string{s.IAMPrefix + ":" + operation}, true
}
