package connectflow_test

import (
	"fmt"

	"github.com/connect-compliance/connect-compliance/helpers/connectflow"
)

// Where do callers end up when the CRM lookup fails? Here: straight to a
// hang-up with no message, which Analyze reports as unsafe.
func ExampleFlow_FailureOutcomesOfLambda() {
	f, err := connectflow.Parse([]byte(`{
	  "Version": "2019-10-30", "StartAction": "lookup",
	  "Actions": [
	    {"Identifier": "lookup", "Type": "InvokeLambdaFunction",
	     "Parameters": {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:123456789012:function:crm-lookup:live"},
	     "Transitions": {"NextAction": "queue", "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "bye"}]}},
	    {"Identifier": "queue", "Type": "TransferContactToQueue", "Parameters": {"QueueId": "sales"},
	     "Transitions": {"Errors": [{"ErrorType": "QueueAtCapacity", "NextAction": "bye"}, {"ErrorType": "NoMatchingError", "NextAction": "bye"}]}},
	    {"Identifier": "bye", "Type": "DisconnectParticipant", "Transitions": {}}
	  ]}`))
	if err != nil {
		panic(err)
	}
	for _, o := range f.FailureOutcomesOfLambda("crm-lookup")["lookup"] {
		fmt.Println(o, "safe:", o.Kind.Safe())
	}
	for _, i := range f.Analyze() {
		fmt.Println(i)
	}
	// Output:
	// silent_end at bye safe: false
	// unsafe_failure_path: lookup (InvokeLambdaFunction): when the Lambda function fails, its error branch leads callers to "bye" (DisconnectParticipant), which ends the call without a word to them on the way: they are hung up on without being told why
	// unsafe_failure_path: queue (TransferContactToQueue): when the queue transfer fails, its error branch leads callers to "bye" (DisconnectParticipant), which ends the call without a word to them on the way: they are hung up on without being told why
}

// An instance's flows analysed together: the main flow hands a failed
// lookup to a clean-up flow that hangs up without a word. Each flow alone
// looks fine; together, the finding lands on the flow where the failure
// happens.
func ExampleGraph() {
	main, _ := connectflow.Parse([]byte(`{"StartAction": "lookup", "Actions": [
	  {"Identifier": "lookup", "Type": "InvokeLambdaFunction", "Parameters": {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:123456789012:function:crm:live"},
	   "Transitions": {"NextAction": "queue", "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "cleanup"}]}},
	  {"Identifier": "cleanup", "Type": "TransferToFlow", "Parameters": {"ContactFlowId": "arn:aws:connect:us-east-1:123456789012:instance/i-1/contact-flow/f-2"},
	   "Transitions": {"Errors": [{"ErrorType": "NoMatchingError", "NextAction": "queue"}]}},
	  {"Identifier": "queue", "Type": "TransferContactToQueue",
	   "Transitions": {"Errors": [{"ErrorType": "NoMatchingError", "NextAction": "sorry"}]}},
	  {"Identifier": "sorry", "Type": "MessageParticipant", "Parameters": {"Text": "Sorry."}, "Transitions": {"NextAction": "bye"}},
	  {"Identifier": "bye", "Type": "DisconnectParticipant", "Transitions": {}}]}`))
	cleanup, _ := connectflow.Parse([]byte(`{"StartAction": "bye", "Actions": [
	  {"Identifier": "bye", "Type": "DisconnectParticipant", "Transitions": {}}]}`))
	g := connectflow.NewGraph([]connectflow.Member{
		{ID: "f-1", Name: "Main", Type: "CONTACT_FLOW", Flow: main},
		{ID: "f-2", ARN: "arn:aws:connect:us-east-1:123456789012:instance/i-1/contact-flow/f-2", Name: "Cleanup", Type: "CONTACT_FLOW", Flow: cleanup},
	})
	for _, issues := range g.Analyze() {
		for _, i := range issues {
			fmt.Println(i.Flow, i.Kind, i.Action)
		}
	}
	fmt.Println(len(main.Analyze()), "issues in Main on its own")
	// Output:
	// Main unsafe_failure_path lookup
	// 0 issues in Main on its own
}
