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
