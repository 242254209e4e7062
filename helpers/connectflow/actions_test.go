package connectflow

import (
	"encoding/json"
	"slices"
	"testing"
)

// The Flow Language reference's topic lists (devguide contact-actions.md,
// flow-control-actions.md, interactions.md, participant-actions.md) and the
// flow blocks whose action type only the Administrator Guide names. The
// table holds exactly these.
var referenceTopics = map[string][]string{
	"contact": {"CompleteOutboundCall", "CreateCase", "CreateTask", "CreateWisdomSession", "DequeueContactAndTransferToQueue",
		"EndFlowModuleExecution", "GetCase", "InvokeFlowModule", "StartOutboundChatContact", "TagContact", "TransferContactToAgent",
		"TransferContactToQueue", "UnTagContact", "UpdateCase", "UpdateContactAttributes", "UpdateContactCallbackNumber",
		"UpdateContactData", "UpdateContactEventHooks", "UpdateContactMediaProcessing", "UpdateContactMediaStreamingBehavior",
		"UpdateContactRecordingAndAnalyticsBehavior", "UpdateContactRecordingBehavior", "ResumeContact",
		"UpdateContactRoutingBehavior", "UpdateContactTargetQueue", "UpdateContactTextToSpeechVoice",
		"UpdatePreviousContactParticipantState"},
	"flow control": {"CheckHoursOfOperation", "CheckMetricData", "CheckOutboundCallStatus", "CheckVoiceId", "Compare",
		"DistributeByPercentage", "EndFlowExecution", "GetMetricData", "Loop", "StartVoiceIdStream", "TransferToFlow",
		"UpdateFlowAttributes", "UpdateFlowLoggingBehavior", "UpdateRoutingCriteria", "Wait"},
	"interactions": {"AssociateContactToCustomerProfile", "CreateCallbackContact", "CreateCustomerProfile", "InvokeLambdaFunction",
		"GetCustomerProfile", "GetCustomerProfileObject", "GetCalculatedAttributesForCustomerProfile", "UpdateCustomerProfile"},
	"participant": {"ConnectParticipantWithLexBot", "DisconnectParticipant", "GetParticipantInput", "MessageParticipant",
		"MessageParticipantIteratively", "ShowView"},
	"admin guide blocks": {"TransferParticipantToThirdParty", "AuthenticateParticipant", "CreatePersistentContactAssociation",
		"EvaluateDataTableValues", "ListDataTableValues", "UpsertDataTableValues", "LoadContactContent"},
}

func TestEveryReferenceActionIsKnown(t *testing.T) {
	var all []string
	for section, types := range referenceTopics {
		for _, ty := range types {
			if !KnownActionType(ty) {
				t.Errorf("%s action %s is not in the table", section, ty)
			}
			if actionTable[ty].page == "" || actionTable[ty].what == "" {
				t.Errorf("%s: no reference page or name", ty)
			}
			all = append(all, ty)
		}
	}
	for _, ty := range ActionTypes() {
		if !slices.Contains(all, ty) {
			t.Errorf("%s is in the table but in no reference topic", ty)
		}
	}
	for _, ty := range []string{"InvokeExternalResource", "PlayPrompt", ""} {
		if KnownActionType(ty) {
			t.Errorf("%q is known", ty)
		}
	}
}

func action(t *testing.T, js string) *Action {
	t.Helper()
	var a Action
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		t.Fatal(err)
	}
	return &a
}

// The per-action semantics the analysis relies on, as the reference states
// them.
func TestActionSemantics(t *testing.T) {
	tests := []struct {
		name    string
		action  string
		canFail bool
		errors  []string
		ends    ending
	}{
		{"set working queue can fail", `{"Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"q"}}`, true, []string{nme}, continues},
		{"hours check can fail", `{"Type":"CheckHoursOfOperation"}`, true, []string{nme}, continues},
		{"wait can fail", `{"Type":"Wait","Parameters":{"TimeoutSeconds":"60"}}`, true, []string{"ParticipantNotFound", nme}, continues},
		{"show view can fail", `{"Type":"ShowView"}`, true, []string{nme}, continues},
		{"callback number: its two errors, no NoMatchingError", `{"Type":"UpdateContactCallbackNumber"}`, true,
			[]string{"InvalidCallbackNumber", "CallbackNumberNotDialable"}, continues},
		{"event hooks can fail", `{"Type":"UpdateContactEventHooks"}`, true, []string{nme}, continues},
		{"media streaming can fail", `{"Type":"UpdateContactMediaStreamingBehavior"}`, true, []string{nme}, continues},
		{"hold state can fail", `{"Type":"UpdatePreviousContactParticipantState"}`, true, []string{nme}, continues},
		{"case creation can fail", `{"Type":"CreateCase"}`, true, []string{nme}, continues},
		{"profile creation can fail", `{"Type":"CreateCustomerProfile"}`, true, []string{nme}, continues},
		{"a prompt can fail", `{"Type":"MessageParticipant","Parameters":{"PromptId":"p"}}`, true, []string{nme}, continues},
		{"a text message cannot", `{"Type":"MessageParticipant","Parameters":{"Text":"Hi"}}`, false, []string{nme}, continues},
		{"queue transfer: the working queue, capacity and other errors", `{"Type":"TransferContactToQueue"}`, true,
			[]string{"QueueAtCapacity", nme}, toQueue},
		{"agent transfer: no error branches", `{"Type":"TransferContactToAgent"}`, false, nil, toAgent},
		{"a callback continues to its next action", `{"Type":"CreateCallbackContact"}`, true, []string{nme}, continues},
		{"external transfer that resumes the flow", `{"Type":"TransferParticipantToThirdParty","Parameters":{"ContinueFlowExecution":"True"}}`, true,
			[]string{"CallFailed", "ConnectionTimeLimitExceeded", nme}, continues},
		{"external transfer resumes by default", `{"Type":"TransferParticipantToThirdParty"}`, true,
			[]string{"CallFailed", "ConnectionTimeLimitExceeded", nme}, continues},
		{"external transfer that ends the flow: no call-failed or timeout branch", `{"Type":"TransferParticipantToThirdParty","Parameters":{"ContinueFlowExecution":"False"}}`, true,
			[]string{nme}, toThirdParty},
		{"recording setting cannot fail", `{"Type":"UpdateContactRecordingBehavior"}`, false, nil, continues},
		{"routing priority cannot fail", `{"Type":"UpdateContactRoutingBehavior"}`, false, nil, continues},
		{"hang-up", `{"Type":"DisconnectParticipant"}`, false, nil, endsContact},
		{"flow transfer", `{"Type":"TransferToFlow"}`, true, []string{nme}, toFlow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := action(t, tt.action)
			if got := a.CanFail(); got != tt.canFail {
				t.Errorf("CanFail() = %v, want %v", got, tt.canFail)
			}
			if got := a.failureTypes(); !slices.Equal(got, tt.errors) {
				t.Errorf("error types %v, want %v", got, tt.errors)
			}
			if got := a.ends(); got != tt.ends {
				t.Errorf("ends %d, want %d", got, tt.ends)
			}
		})
	}
}

// NoMatchingError catches every error the action does not branch on; an
// action without it needs a branch for each of its errors.
func TestUncovered(t *testing.T) {
	tests := []struct {
		action string
		want   []string
	}{
		{`{"Type":"TransferContactToQueue","Transitions":{"Errors":[{"ErrorType":"NoMatchingError","NextAction":"x"}]}}`, nil},
		{`{"Type":"TransferContactToQueue","Transitions":{"Errors":[{"ErrorType":"QueueAtCapacity","NextAction":"x"}]}}`, []string{nme}},
		{`{"Type":"ConnectParticipantWithLexBot","Transitions":{"Errors":[{"ErrorType":"NoMatchingError","NextAction":"x"}]}}`, nil},
		{`{"Type":"UpdateContactCallbackNumber","Transitions":{"Errors":[{"ErrorType":"InvalidCallbackNumber","NextAction":"x"}]}}`, []string{"CallbackNumberNotDialable"}},
		{`{"Type":"InvokeLambdaFunction","Transitions":{}}`, []string{nme}},
	}
	for _, tt := range tests {
		if got := uncovered(action(t, tt.action)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: uncovered %v, want %v", tt.action, got, tt.want)
		}
	}
}
