package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The child process of TestSimServe: `compliance sim serve` as its own process.
func TestSimServeChild(t *testing.T) {
	if os.Getenv("COMPLIANCE_SIM_CHILD") != "1" {
		t.Skip("helper process for TestSimServe")
	}
	os.Exit(run(strings.Fields(os.Getenv("COMPLIANCE_SIM_ARGS")), os.Stdout, os.Stderr))
}

// simServer runs `compliance sim serve` as a subprocess and returns its
// endpoint, the environment a client needs for each account and a stop
// function that sends SIGINT and returns the exit code and output.
func simServer(t *testing.T, args ...string) (endpoint string, keys map[string]string, stop func() (int, string)) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSimServeChild$")
	cmd.Env = append(os.Environ(), "COMPLIANCE_SIM_CHILD=1", "COMPLIANCE_SIM_ARGS="+strings.Join(append([]string{"sim", "serve"}, args...), " "))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	keys = map[string]string{}
	var printed strings.Builder
	sc := bufio.NewScanner(out)
	lines := make(chan string)
	go func() {
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(printed.String(), "\nready; ") {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("sim serve exited early:\n%s\n%s", printed.String(), stderr.String())
			}
			printed.WriteString(l + "\n")
			if v, ok := strings.CutPrefix(l, "AWS_ENDPOINT_URL="); ok {
				endpoint = v
			}
			if acct, rest, ok := strings.Cut(strings.TrimPrefix(l, "account "), ": AWS_ACCESS_KEY_ID="); ok && strings.HasPrefix(l, "account ") {
				keys[acct], _, _ = strings.Cut(rest, " ")
			}
		case <-deadline:
			t.Fatalf("sim serve printed no endpoint:\n%s\n%s", printed.String(), stderr.String())
		}
	}
	stop = func() (int, string) {
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		for l := range lines {
			printed.WriteString(l + "\n")
		}
		err := cmd.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, printed.String() + stderr.String()
	}
	return endpoint, keys, stop
}

// clientEnv is the environment of an AWS CLI or boto3 process using the simulator.
func clientEnv(endpoint, key, region string) []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "AWS_") {
			env = append(env, e)
		}
	}
	dir := os.TempDir()
	return append(env, "AWS_ENDPOINT_URL="+endpoint, "AWS_ACCESS_KEY_ID="+key, "AWS_SECRET_ACCESS_KEY=simulated",
		"AWS_REGION="+region, "AWS_DEFAULT_REGION="+region, "AWS_CONFIG_FILE="+filepath.Join(dir, "awssim-none"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "awssim-none"), "AWS_MAX_ATTEMPTS=3")
}

// need fails the test, with a clear message, when a client tool is missing.
func need(t *testing.T, tool string, args ...string) {
	t.Helper()
	if out, err := exec.Command(tool, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s is required for this test (pip install awscli boto3 botocore; they ship with the project's machine image): %v\n%s", tool, err, out)
	}
}

const (
	account1 = "123456789012"
	account2 = "210987654321"
	instance = "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"
)

// TestSimServe runs the simulator standalone and talks to it with other AWS
// clients: the AWS CLI and boto3 (botocore 1.43: CloudWatch over awsJson 1.0,
// not the Go SDK's rpcv2Cbor), plus botocore forced onto CloudWatch's awsQuery
// protocol through a model override, then stops it with SIGINT.
func TestSimServe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the AWS CLI and boto3")
	}
	need(t, "aws", "--version")
	need(t, "python3", "-c", "import boto3, botocore")
	calls := filepath.Join(t.TempDir(), "sim-calls.jsonl")
	endpoint, keys, stop := simServer(t, "--scenario", "multi-region", "--addr", "127.0.0.1:0", "--calls", calls)
	if len(keys) != 2 || keys[account1] != "ASIM"+account1 || keys[account2] != "ASIM"+account2 {
		t.Fatalf("printed access keys %v", keys)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	t.Run("aws cli", func(t *testing.T) {
		cli := func(key, region string, args ...string) map[string]any {
			t.Helper()
			cmd := exec.CommandContext(ctx, "aws", append(args, "--output", "json")...)
			cmd.Env = clientEnv(endpoint, key, region)
			out, err := cmd.Output()
			if err != nil {
				var stderr []byte
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = ee.Stderr
				}
				t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
			}
			var m map[string]any
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			return m
		}
		q := cli(keys[account1], "us-east-1", "connect", "list-queues", "--instance-id", instance, "--queue-types", "STANDARD")
		var names []string
		for _, s := range q["QueueSummaryList"].([]any) {
			names = append(names, s.(map[string]any)["Name"].(string))
		}
		if diff := cmp.Diff([]string{"Sales", "Support", "Billing", "Overflow"}, names); diff != "" {
			t.Errorf("connect list-queues (-want +got):\n%s", diff)
		}
		end := time.Now().UTC().Truncate(time.Minute)
		md := cli(keys[account1], "us-east-1", "cloudwatch", "get-metric-data", "--start-time", end.Add(-time.Hour).Format(time.RFC3339),
			"--end-time", end.Format(time.RFC3339), "--metric-data-queries",
			`[{"Id":"q1","MetricStat":{"Metric":{"Namespace":"AWS/Connect","MetricName":"QueueSize","Dimensions":[`+
				`{"Name":"InstanceId","Value":"`+instance+`"},{"Name":"MetricGroup","Value":"Queue"},{"Name":"QueueName","Value":"Sales"}]},"Period":300,"Stat":"Maximum"}}]`)
		r := md["MetricDataResults"].([]any)[0].(map[string]any)
		if len(r["Values"].([]any)) == 0 || r["StatusCode"] != "Complete" {
			t.Errorf("cloudwatch get-metric-data: %v", r)
		}
		id := cli(keys[account2], "us-west-2", "sts", "get-caller-identity")
		if id["Account"] != account2 {
			t.Errorf("sts get-caller-identity: %v", id)
		}
		v := cli(keys[account1], "us-east-1", "s3api", "get-bucket-versioning", "--bucket", "acme-prod-east-recordings")
		if v["Status"] != "Enabled" {
			t.Errorf("s3api get-bucket-versioning: %v", v)
		}
	})

	t.Run("boto3", func(t *testing.T) {
		got := boto3(t, ctx, endpoint, keys, "")
		want := map[string]any{
			"connect.list_queues": float64(5), "cloudwatch.get_metric_data": "Complete", "sts.account": account1,
			"lambda.get_function":                 "arn:aws:lambda:us-east-1:123456789012:function:prod-east-routing",
			"lambda.list_functions.other_account": "emea-west-routing",
			"logs.filter_log_events":              float64(24), "dynamodb.describe_table": "arn:aws:dynamodb:us-east-1:123456789012:table/prod-east-customers",
			"cloudtrail.lookup_events": "UpdateContactFlowContent", "codepipeline.get_pipeline": float64(4),
			"rds.describe_db_instances": "prod-east-reporting", "s3.get_bucket_lifecycle": "archive", "cloudwatch.protocol": "json",
			// The bucket is in us-west-2: the simulator answers AuthorizationHeaderMalformed
			// naming the region, botocore's S3 region redirector re-signs for it, and the
			// bucket has no lifecycle configuration.
			"s3.no_lifecycle":             "NoSuchLifecycleConfiguration",
			"backup.list_recovery_points": float64(14), "lexv2.list_bots": "AcmeOrderBot", "lambda.throttle_or_missing": "ResourceNotFoundException",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("boto3 results (-want +got):\n%s", diff)
		}
	})

	t.Run("botocore over awsQuery", func(t *testing.T) {
		// CloudWatch's model lists [smithy-rpc-v2-cbor, json, query]; older SDKs
		// and CLIs speak query. A model override makes botocore speak it.
		dir := t.TempDir()
		writeQueryModel(t, dir)
		got := boto3(t, ctx, endpoint, keys, dir)
		if got["cloudwatch.get_metric_data"] != "Complete" || got["cloudwatch.protocol"] != "query" {
			t.Errorf("cloudwatch over query: %v", got)
		}
	})

	code, out := stop()
	if code != 0 || !strings.Contains(out, "awssim stopped after") {
		t.Errorf("SIGINT: exit %d, output:\n%s", code, out)
	}
	b, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	protocols := map[string]bool{}
	for _, l := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var c struct{ Service, Protocol string }
		if err := json.Unmarshal(l, &c); err != nil {
			t.Fatalf("call log line %s: %v", l, err)
		}
		protocols[c.Service+"/"+c.Protocol] = true
	}
	for _, p := range []string{"monitoring/awsJson1_0", "monitoring/awsQuery", "connect/restJson1", "sts/awsQuery", "s3/restXml",
		"logs/awsJson1_1", "dynamodb/awsJson1_0", "lambda/restJson1", "rds/awsQuery", "lex/restJson1"} {
		if !protocols[p] {
			t.Errorf("call log has no %s call: %v", p, protocols)
		}
	}
}

// boto3Script calls one operation of each simulated service with boto3 and
// prints a JSON summary.
const boto3Script = `
import json, os, sys, datetime
import boto3, botocore
from botocore.config import Config
ep, k1, k2 = sys.argv[1], sys.argv[2], sys.argv[3]
def c(svc, key=k1, region="us-east-1", **kw):
    return boto3.client(svc, endpoint_url=ep, region_name=region, aws_access_key_id=key,
                        aws_secret_access_key="simulated", config=Config(retries={"max_attempts": 3}, **kw))
out = {}
cw = c("cloudwatch")
out["cloudwatch.protocol"] = cw.meta.service_model.resolved_protocol
end = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
md = cw.get_metric_data(StartTime=end - datetime.timedelta(hours=1), EndTime=end, MetricDataQueries=[{"Id": "q1",
    "MetricStat": {"Metric": {"Namespace": "AWS/Connect", "MetricName": "QueueSize", "Dimensions": [
        {"Name": "InstanceId", "Value": "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"}, {"Name": "MetricGroup", "Value": "Queue"},
        {"Name": "QueueName", "Value": "Sales"}]}, "Period": 300, "Stat": "Maximum"}}])
r = md["MetricDataResults"][0]
assert len(r["Values"]) == len(r["Timestamps"]) > 0 and isinstance(r["Timestamps"][0], datetime.datetime), r
out["cloudwatch.get_metric_data"] = r["StatusCode"]
if os.environ.get("ONLY_CLOUDWATCH"):
    print(json.dumps(out)); sys.exit(0)
out["connect.list_queues"] = len(c("connect").list_queues(InstanceId="8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f")["QueueSummaryList"])
out["sts.account"] = c("sts").get_caller_identity()["Account"]
out["lambda.get_function"] = c("lambda").get_function(FunctionName="prod-east-routing")["Configuration"]["FunctionArn"]
out["lambda.list_functions.other_account"] = c("lambda", key=k2, region="us-west-2").list_functions()["Functions"][0]["FunctionName"]
try:
    c("lambda").get_function(FunctionName="nope")
except botocore.exceptions.ClientError as e:
    out["lambda.throttle_or_missing"] = e.response["Error"]["Code"]
out["logs.filter_log_events"] = sum(len(p["events"]) for p in c("logs").get_paginator("filter_log_events").paginate(logGroupName="/aws/connect/acme-contact"))
out["dynamodb.describe_table"] = c("dynamodb").describe_table(TableName="prod-east-customers")["Table"]["TableArn"]
out["cloudtrail.lookup_events"] = c("cloudtrail").lookup_events()["Events"][0]["EventName"]
out["codepipeline.get_pipeline"] = c("codepipeline").get_pipeline(name="prod-east-flows")["pipeline"]["version"]
out["rds.describe_db_instances"] = c("rds").describe_db_instances(DBInstanceIdentifier="prod-east-reporting")["DBInstances"][0]["DBInstanceIdentifier"]
s3 = c("s3", s3={"addressing_style": "path"})
out["s3.get_bucket_lifecycle"] = s3.get_bucket_lifecycle_configuration(Bucket="acme-prod-east-recordings")["Rules"][0]["ID"]
try:
    s3.get_bucket_lifecycle_configuration(Bucket="acme-prod-west-recordings")
except botocore.exceptions.ClientError as e:
    out["s3.no_lifecycle"] = e.response["Error"]["Code"]
out["backup.list_recovery_points"] = len(c("backup").list_recovery_points_by_backup_vault(BackupVaultName="prod-east-vault")["RecoveryPoints"])
out["lexv2.list_bots"] = c("lexv2-models").list_bots()["botSummaries"][0]["botName"]
print(json.dumps(out))
`

// boto3 runs boto3Script; dataPath, when set, is prepended to botocore's
// model search path (AWS_DATA_PATH) and only CloudWatch is called.
func boto3(t *testing.T, ctx context.Context, endpoint string, keys map[string]string, dataPath string) map[string]any {
	t.Helper()
	script := filepath.Join(t.TempDir(), "clients.py")
	if err := os.WriteFile(script, []byte(boto3Script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "python3", script, endpoint, keys[account1], keys[account2])
	cmd.Env = clientEnv(endpoint, keys[account1], "us-east-1")
	if dataPath != "" {
		cmd.Env = append(cmd.Env, "AWS_DATA_PATH="+dataPath, "ONLY_CLOUDWATCH=1")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, stderr.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("boto3 output %s: %v", out, err)
	}
	return m
}

// writeQueryModel writes botocore's CloudWatch model with protocols [query]
// under dir/cloudwatch/2010-08-01/.
func writeQueryModel(t *testing.T, dir string) {
	t.Helper()
	py := `import botocore.loaders, json, sys
m = botocore.loaders.Loader().load_service_model("cloudwatch", "service-2")
m["metadata"]["protocol"] = "query"; m["metadata"]["protocols"] = ["query"]
json.dump(m, open(sys.argv[1], "w"))`
	path := filepath.Join(dir, "cloudwatch", "2010-08-01")
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("python3", "-c", py, filepath.Join(path, "service-2.json")).CombinedOutput(); err != nil {
		t.Fatalf("write CloudWatch query model: %v\n%s", err, out)
	}
}

func TestSimServeFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"sim"}, 2, "usage: compliance sim serve"},
		{"unknown scenario", []string{"sim", "serve", "--scenario", "no-such", "--addr", "127.0.0.1:0"}, 2, "no-such"},
		{"bad quota", []string{"sim", "serve", "--quota", "connect=5"}, 2, "SERVICE:OPERATION=RATE"},
		{"stray argument", []string{"sim", "serve", "extra"}, 2, "unexpected argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("exit %d, output %q; want %d and %q", code, stdout+stderr, tc.code, tc.want)
			}
		})
	}
	t.Run("serves until cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		done := make(chan int)
		go func() {
			done <- simServe(ctx, []string{"--scenario", "healthy", "--addr", "127.0.0.1:0", "--quota", "connect:ListQueues=1/2"}, pw, io.Discard)
			pw.Close()
		}()
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "AWS_ENDPOINT_URL=http://127.0.0.1:") {
				break
			}
		}
		cancel()
		go func() { _, _ = io.Copy(io.Discard, pr) }()
		if code := <-done; code != 0 {
			t.Errorf("exit %d", code)
		}
	})

}
