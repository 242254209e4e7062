package snapshot_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

// obj parses a JSON object literal, as snapshot configurations are JSON.
func obj(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

func mustAdd(t *testing.T, s *snapshot.Snapshot, k snapshot.Kind, name, config string) {
	t.Helper()
	if err := s.Add(k, name, obj(t, config)); err != nil {
		t.Fatal(err)
	}
}

// production is a small instance: a number reaches the main flow, which calls
// a lookup module and transfers to Sales.
func production(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	s := snapshot.New(map[string]string{"account": "123456789012", "region": "us-east-1", "alias": "acme-prod"})
	mustAdd(t, s, snapshot.PhoneNumbers, "+15555550100", `{"type": "DID", "flow": "flows/Main inbound"}`)
	mustAdd(t, s, snapshot.Flows, "Main inbound", `{"type": "CONTACT_FLOW", "content": {"StartAction": "m", "Actions": [
		{"Identifier": "m", "Type": "InvokeFlowModule", "Parameters": {"FlowModuleId": "modules/Lookup"}, "Transitions": {"NextAction": "q"}},
		{"Identifier": "q", "Type": "TransferContactToQueue", "Parameters": {"QueueId": "queues/Sales"}, "Transitions": {}}]}}`)
	mustAdd(t, s, snapshot.Flows, "Unused", `{"type": "CONTACT_FLOW", "content": {"StartAction": "x", "Actions": [{"Identifier": "x", "Type": "DisconnectParticipant", "Transitions": {}}]}}`)
	mustAdd(t, s, snapshot.Modules, "Lookup", `{"content": {"StartAction": "l", "Actions": [
		{"Identifier": "l", "Type": "InvokeLambdaFunction", "Parameters": {"LambdaFunctionARN": "lambda-functions/crm-lookup", "InvocationTimeLimitSeconds": "3"}, "Transitions": {"NextAction": "e"}},
		{"Identifier": "e", "Type": "EndFlowModuleExecution", "Transitions": {}}]}}`)
	mustAdd(t, s, snapshot.LambdaFunctions, "crm-lookup", `{"qualifier": "live"}`)
	mustAdd(t, s, snapshot.Queues, "Sales", `{"max_contacts": 50, "hours": "hours/Standard"}`)
	mustAdd(t, s, snapshot.Queues, "Overflow", `{"max_contacts": 0, "hours": "hours/Standard"}`)
	mustAdd(t, s, snapshot.Hours, "Standard", `{"time_zone": "America/New_York"}`)
	mustAdd(t, s, snapshot.RoutingProfiles, "Sales Agents", `{"queues": [{"name": "queues/Sales", "priority": 1}]}`)
	mustAdd(t, s, snapshot.Prompts, "Old jingle", `{"s3_uri": "s3://prompts/old.wav"}`)
	return s
}

func TestWriteReadRoundTripIsStableAndDiffFriendly(t *testing.T) {
	s := production(t)
	dir := t.TempDir()
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	got, err := snapshot.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, got, cmp.AllowUnexported(snapshot.Snapshot{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	b, err := os.ReadFile(filepath.Join(dir, "phone-numbers", "+15555550100.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"name\": \"+15555550100\",\n  \"config\": {\n    \"flow\": \"flows/Main inbound\",\n    \"type\": \"DID\"\n  }\n}\n"
	if string(b) != want {
		t.Errorf("file content:\n%s\nwant:\n%s", b, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "flows", "Main%20inbound.json")); err != nil {
		t.Errorf("flow file name: %v", err)
	}
	// Writing again gives the same bytes.
	dir2 := t.TempDir()
	if err := got.Write(dir2); err != nil {
		t.Fatal(err)
	}
	b2, _ := os.ReadFile(filepath.Join(dir2, "phone-numbers", "+15555550100.json"))
	if !bytes.Equal(b, b2) {
		t.Error("second write differs")
	}
}

func TestReadRejectsMalformedFiles(t *testing.T) {
	dir := t.TempDir()
	if err := production(t).Write(dir); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "queues", "Sales.json")
	os.WriteFile(bad, []byte(`{"name": "Sales", "cfg": {}}`), 0o644)
	_, err := snapshot.Read(dir)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("error %v, want it to name %s", err, bad)
	}
	if _, err := snapshot.Read(t.TempDir()); err == nil || !strings.Contains(err.Error(), "is it a snapshot directory") {
		t.Errorf("empty dir: %v", err)
	}
}

func TestCompareNamesWhatAChangeTouches(t *testing.T) {
	from := production(t)
	to := production(t)
	// The lookup module now calls another Lambda function version.
	to.Resources[snapshot.Modules]["Lookup"].Config["content"].(map[string]any)["Actions"].([]any)[0].(map[string]any)["Parameters"].(map[string]any)["InvocationTimeLimitSeconds"] = "8"
	// Sales Agents also serve Overflow.
	mustSet(t, to, snapshot.RoutingProfiles, "Sales Agents", `{"queues": [{"name": "queues/Sales", "priority": 1}, {"name": "queues/Overflow", "priority": 2}]}`)
	// The unused flow changes; the Standard hours are removed though queues use them.
	mustSet(t, to, snapshot.Flows, "Unused", `{"type": "CONTACT_FLOW", "content": {"StartAction": "y", "Actions": [{"Identifier": "y", "Type": "DisconnectParticipant", "Transitions": {}}]}}`)
	delete(to.Resources[snapshot.Hours], "Standard")

	im := snapshot.Compare(from, to)
	type row struct {
		Ref, Type, Risk      string
		Fields, Reached, Srv []string
	}
	var got []row
	for _, c := range im.Changes {
		got = append(got, row{c.Ref, string(c.Type), string(c.Risk), c.Fields, c.ReachedBy, c.Serves})
	}
	want := []row{
		{"flows/Unused", "changed", "low", []string{"content.Actions[x]", "content.Actions[y]", "content.StartAction"}, nil, nil},
		{"modules/Lookup", "changed", "high", []string{"content.Actions[l]"}, []string{"phone-numbers/+15555550100"}, nil},
		{"routing-profiles/Sales Agents", "changed", "high", []string{"queues[queues/Overflow]"}, nil, []string{"queues/Overflow", "queues/Sales"}},
		{"hours/Standard", "removed", "high", nil, []string{"phone-numbers/+15555550100"}, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if im.Risk != snapshot.RiskHigh {
		t.Errorf("overall risk %s, want high", im.Risk)
	}
	var text bytes.Buffer
	if err := im.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"risk HIGH", "changed modules/Lookup", "reached by:           phone-numbers/+15555550100", "still referred to by: queues/Overflow, queues/Sales"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, text.String())
		}
	}
}

func TestCompareIdenticalSnapshots(t *testing.T) {
	im := snapshot.Compare(production(t), production(t))
	if len(im.Changes) != 0 || im.Risk != snapshot.RiskNone {
		t.Errorf("identical snapshots: %+v", im)
	}
}

func mustSet(t *testing.T, s *snapshot.Snapshot, k snapshot.Kind, name, config string) {
	t.Helper()
	delete(s.Resources[k], name)
	mustAdd(t, s, k, name, config)
}

// A number moved to another flow: the numbers that reached the changed flow
// before the change and after it are both named.
func TestCompareNamesNumbersBeforeAndAfterTheChange(t *testing.T) {
	from, to := production(t), production(t)
	mustAdd(t, from, snapshot.PhoneNumbers, "+15555550111", `{"type": "DID", "flow": "flows/Unused"}`)
	mustAdd(t, to, snapshot.PhoneNumbers, "+15555550111", `{"type": "DID", "flow": "flows/Main inbound"}`)
	mustSet(t, to, snapshot.Flows, "Unused", `{"type": "CONTACT_FLOW", "content": {"StartAction": "y", "Actions": []}}`)
	im := snapshot.Compare(from, to)
	for _, c := range im.Changes {
		if c.Ref == "flows/Unused" && strings.Join(c.ReachedBy, ",") != "phone-numbers/+15555550111" {
			t.Errorf("flows/Unused reached by %v, want the number that reached it before the change", c.ReachedBy)
		}
	}
}

func TestWithKindOfComparesAnotherInstanceWithTheseNumbers(t *testing.T) {
	prod := production(t)
	staging := production(t)
	delete(staging.Resources[snapshot.PhoneNumbers], "+15555550100")
	mustAdd(t, staging, snapshot.PhoneNumbers, "+15555550999", `{"type": "DID", "flow": "flows/Main inbound"}`)
	mustSet(t, staging, snapshot.Queues, "Sales", `{"max_contacts": 60, "hours": "hours/Standard"}`)
	im := snapshot.Compare(prod, staging.WithKindOf(snapshot.PhoneNumbers, prod))
	if got := strings.Join(im.Refs(), ","); got != "queues/Sales" {
		t.Fatalf("changes %s, want only the queue", got)
	}
	if strings.Join(im.Changes[0].ReachedBy, ",") != "phone-numbers/+15555550100" {
		t.Errorf("reached by %v, want production's number", im.Changes[0].ReachedBy)
	}
	if _, ok := staging.Get(snapshot.PhoneNumbers, "+15555550999"); !ok {
		t.Error("WithKindOf modified its receiver")
	}
}
