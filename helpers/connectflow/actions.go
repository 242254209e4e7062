package connectflow

import (
	"bytes"
	"sort"
)

// The action table: what the Amazon Connect Flow Language reference says of
// every action type, one page per action. The reference is the Amazon
// Connect Administrator/Developer Guide, "Amazon Connect Flow language",
// sections "Contact actions", "Flow control actions", "Interactions" and
// "Participant actions":
//
//	https://docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html
//	https://docs.aws.amazon.com/connect/latest/devguide/contact-actions.html
//	https://docs.aws.amazon.com/connect/latest/devguide/flow-control-actions.html
//	https://docs.aws.amazon.com/connect/latest/devguide/interactions.html
//	https://docs.aws.amazon.com/connect/latest/devguide/participant-actions.html
//
// Each page has an "Errors" section (the error types the action can branch
// on) and "Results and conditions". NoMatchingError is documented as "if no
// other Error matches": a NoMatchingError branch catches every error the
// action does not branch on. NoMatchingCondition is the default route of an
// action with conditions, not a failure. A few action types the console
// writes are documented only through their flow block in the Administrator
// Guide (Transfer to phone number, Authenticate customer, Data table, Get
// stored content, Create persistent contact association); their page is
// named in the table too.
//
// Read page by page for this table (their Errors and Restrictions
// sections): TransferContactToQueue, DequeueContactAndTransferToQueue,
// UpdateContactTargetQueue, TransferContactToAgent, UpdateContactCallbackNumber,
// UpdatePreviousContactParticipantState, UpdateContactRoutingBehavior,
// ResumeContact, CheckHoursOfOperation, Compare, Wait, DisconnectParticipant,
// MessageParticipant, ConnectParticipantWithLexBot, InvokeLambdaFunction,
// TransferParticipantToThirdParty. The other rows take NoMatchingError, the
// error every flow block's "Error" branch stands for, and mark as unable to
// fail only the blocks that have no Error branch (logging, recording, voice,
// routing priority, attribute checks, percentage splits, Loop).

// ending says what an action does to the flow when it succeeds.
type ending uint8

const (
	continues     ending = iota // runs its NextAction or a condition's
	endsContact                 // DisconnectParticipant: the line drops
	endsFlow                    // EndFlowExecution: what follows depends on the flow type
	returnsModule               // EndFlowModuleExecution: back to the calling flow
	toQueue                     // the contact is queued, the flow ends
	toAgent                     // the contact is connected to an agent, the flow ends
	toFlow                      // another flow takes over
	toThirdParty                // TransferParticipantToThirdParty: ends only with ContinueFlowExecution "False"
)

// actionSpec is one row of the action table.
type actionSpec struct {
	// page is the reference page (under .../connect/latest/devguide/ unless
	// it starts with "adminguide/").
	page string
	// errors are the error types of the page's "Errors" section, without
	// NoMatchingCondition (a default route, see conditional).
	errors []string
	// fails: the action can fail at run time, so it needs an error branch.
	// failsWith, when set, decides it from the parameters instead.
	fails     bool
	failsWith func(*Action) bool
	ending    ending
	// conditional actions branch on a result (Conditions); exhaustive lists
	// results that cover every outcome when all of them have a condition
	// (CheckHoursOfOperation True/False, Loop ContinueLooping/DoneLooping).
	conditional bool
	exhaustive  []string
	// input actions wait for the caller: their conditions are the
	// caller's choices (a digit, an intent), not automatic transitions.
	input bool
	// messages: on success the caller has been told something (a prompt
	// was played or a message sent).
	messages bool
	// callerFacing: the caller experiences the action (a prompt, input,
	// a transfer, a hang-up).
	callerFacing bool
	// callback: on success a callback is scheduled for the caller.
	callback bool
	// what names the action in findings.
	what string
}

const nme = "NoMatchingError"

// hasPrompt: a message played from a prompt or an S3 media file can fail
// (the prompt was deleted, the object is missing); text and SSML are
// rendered by the service ("MessageParticipant with a PromptId can fail").
func hasPrompt(a *Action) bool {
	for _, k := range []string{"PromptId", "Media"} {
		if _, ok := a.Parameters[k]; ok {
			return true
		}
	}
	// MessageParticipantIteratively: Parameters.Messages[].PromptId / Media.
	if raw, ok := a.Parameters["Messages"]; ok {
		return bytes.Contains(raw, []byte(`"PromptId"`)) || bytes.Contains(raw, []byte(`"Media"`))
	}
	return false
}

// actionTable holds every action type of the Flow Language reference.
var actionTable = map[string]actionSpec{
	// --- Participant actions ---
	"ConnectParticipantWithLexBot": {page: "participant-actions-connectparticipantwithlexbot.html",
		errors: []string{"InputTimeLimitExceeded", nme}, fails: true, conditional: true, input: true, messages: true, callerFacing: true, what: "Lex bot"},
	"DisconnectParticipant": {page: "participant-actions-disconnectparticipant.html", ending: endsContact, callerFacing: true, what: "hang-up"},
	"GetParticipantInput": {page: "participant-actions-getparticipantinput.html",
		errors: []string{"InputTimeLimitExceeded", "InvalidPhoneNumber", nme}, fails: true, conditional: true, input: true, messages: true, callerFacing: true, what: "customer input"},
	"MessageParticipant": {page: "participant-actions-messageparticipant.html",
		errors: []string{nme}, failsWith: hasPrompt, messages: true, callerFacing: true, what: "prompt"},
	"MessageParticipantIteratively": {page: "participant-actions-messageparticipantiteratively.html",
		errors: []string{nme}, failsWith: hasPrompt, messages: true, callerFacing: true, what: "looping prompt"},
	"ShowView": {page: "participant-actions-showview.html",
		errors: []string{nme}, fails: true, conditional: true, input: true, callerFacing: true, what: "view"},
	// Errors depend on ContinueFlowExecution: see transferErrors.
	"TransferParticipantToThirdParty": {page: "adminguide/participant-actions-transferparticipanttothirdparty.html",
		errors: []string{"CallFailed", "ConnectionTimeLimitExceeded", nme}, fails: true, ending: toThirdParty, callerFacing: true, what: "external transfer"},

	// --- Flow control actions ---
	"CheckHoursOfOperation": {page: "flow-control-actions-checkhoursofoperation.html",
		errors: []string{nme}, fails: true, conditional: true, exhaustive: []string{"True", "False"}, what: "hours of operation check"},
	"CheckMetricData":         {page: "flow-control-actions-checkmetricdata.html", errors: []string{nme}, fails: true, conditional: true, what: "queue metric check"},
	"CheckOutboundCallStatus": {page: "flow-control-actions-checkoutboundcallstatus.html", errors: []string{nme}, fails: true, conditional: true, what: "call progress check"},
	"CheckVoiceId":            {page: "flow-control-actions-checkvoiceid.html", errors: []string{nme}, fails: true, conditional: true, what: "Voice ID check"},
	"Compare":                 {page: "flow-control-actions-compare.html", conditional: true, what: "attribute check"},
	"DistributeByPercentage":  {page: "flow-control-actions-distributebypercentage.html", conditional: true, what: "percentage split"},
	"EndFlowExecution":        {page: "flow-control-actions-endflowexecution.html", ending: endsFlow, what: "end of flow"},
	"GetMetricData":           {page: "flow-control-actions-getmetricdata.html", errors: []string{nme}, fails: true, what: "metric lookup"},
	"Loop": {page: "flow-control-actions-loop.html", conditional: true,
		exhaustive: []string{"ContinueLooping", "DoneLooping"}, what: "loop counter"},
	"StartVoiceIdStream":        {page: "flow-control-actions-startvoiceidstream.html", errors: []string{nme}, fails: true, what: "Voice ID stream"},
	"TransferToFlow":            {page: "flow-control-actions-transfertoflow.html", errors: []string{nme}, fails: true, ending: toFlow, what: "flow transfer"},
	"UpdateFlowAttributes":      {page: "flow-control-actions-updateflowattributes.html", errors: []string{nme}, fails: true, what: "flow attribute update"},
	"UpdateFlowLoggingBehavior": {page: "flow-control-actions-updateflowloggingbehavior.html", what: "logging setting"},
	"UpdateRoutingCriteria":     {page: "flow-control-actions-updateroutingcriteria.html", errors: []string{nme}, fails: true, what: "routing criteria update"},
	"Wait": {page: "flow-control-actions-wait.html", errors: []string{"ParticipantNotFound", nme}, fails: true,
		conditional: true, exhaustive: []string{"WaitCompleted"}, what: "wait"},

	// --- Interactions ---
	"AssociateContactToCustomerProfile":         {page: "interactions-associatecontacttocustomerprofile.html", errors: []string{nme}, fails: true, what: "customer profile association"},
	"CreateCallbackContact":                     {page: "interactions-createcallbackcontact.html", errors: []string{nme}, fails: true, callback: true, what: "callback"},
	"CreateCustomerProfile":                     {page: "interactions-createcustomerprofile.html", errors: []string{nme}, fails: true, what: "customer profile creation"},
	"GetCalculatedAttributesForCustomerProfile": {page: "interactions-getcalculatedattributesforcustomerprofile.html", errors: []string{nme}, fails: true, what: "customer profile lookup"},
	"GetCustomerProfile":                        {page: "interactions-getcustomerprofile.html", errors: []string{nme}, fails: true, what: "customer profile lookup"},
	"GetCustomerProfileObject":                  {page: "interactions-getcustomerprofileobject.html", errors: []string{nme}, fails: true, what: "customer profile lookup"},
	"InvokeLambdaFunction":                      {page: "interactions-invokelambdafunction.html", errors: []string{nme}, fails: true, what: "Lambda function"},
	"UpdateCustomerProfile":                     {page: "interactions-updatecustomerprofile.html", errors: []string{nme}, fails: true, what: "customer profile update"},

	// --- Contact actions ---
	"CompleteOutboundCall": {page: "contact-actions-completeoutboundcall.html", errors: []string{nme}, fails: true, callerFacing: true, what: "outbound call"},
	"CreateCase":           {page: "createcase.html", errors: []string{nme}, fails: true, what: "case creation"},
	"CreateTask":           {page: "createtask.html", errors: []string{nme}, fails: true, what: "task creation"},
	"CreateWisdomSession":  {page: "createwisdomsession.html", errors: []string{nme}, fails: true, what: "Amazon Q session"},
	"DequeueContactAndTransferToQueue": {page: "contact-actions-dequeuecontactandtransfertoqueue.html",
		errors: []string{"QueueAtCapacity", nme}, fails: true, ending: toQueue, callerFacing: true, what: "queue-to-queue transfer"},
	"EndFlowModuleExecution":   {page: "endflowmoduleexecution.html", ending: returnsModule, what: "module return"},
	"GetCase":                  {page: "getcase.html", errors: []string{nme}, fails: true, what: "case lookup"},
	"InvokeFlowModule":         {page: "flow-language-actions-invoke-flow-module.html", errors: []string{nme}, fails: true, what: "flow module"},
	"StartOutboundChatContact": {page: "contact-actions-startoutboundchatcontact.html", errors: []string{nme}, fails: true, what: "outbound chat"},
	"TagContact":               {page: "contact-actions-tagcontact.html", errors: []string{nme}, fails: true, what: "contact tagging"},
	// "Ends the current flow and transfers the customer to an agent ...
	// Errors: None."
	"TransferContactToAgent": {page: "contact-actions-transfercontacttoagent.html", ending: toAgent, callerFacing: true, what: "agent transfer"},
	// "places a contact ... into the contact's TargetQueue ... No parameters
	// are expected. Errors: QueueAtCapacity, NoMatchingError."
	"TransferContactToQueue": {page: "contact-actions-transfercontacttoqueue.html",
		errors: []string{"QueueAtCapacity", nme}, fails: true, ending: toQueue, callerFacing: true, what: "queue transfer"},
	"UnTagContact":            {page: "contact-actions-untagcontact.html", errors: []string{nme}, fails: true, what: "contact untagging"},
	"UpdateCase":              {page: "updatecase.html", errors: []string{nme}, fails: true, what: "case update"},
	"UpdateContactAttributes": {page: "contact-actions-updatecontactattributes.html", errors: []string{nme}, fails: true, what: "contact attribute update"},
	// "Errors: InvalidCallbackNumber, CallbackNumberNotDialable" (no NoMatchingError).
	"UpdateContactCallbackNumber": {page: "contact-actions-updatecontactcallbacknumber.html",
		errors: []string{"InvalidCallbackNumber", "CallbackNumberNotDialable"}, fails: true, what: "callback number"},
	"UpdateContactData":                          {page: "contact-actions-updatecontactdata.html", errors: []string{nme}, fails: true, what: "contact data update"},
	"UpdateContactEventHooks":                    {page: "contact-actions-updatecontacteventhooks.html", errors: []string{nme}, fails: true, what: "event flow setting"},
	"UpdateContactMediaProcessing":               {page: "contact-actions-updatecontactmediaprocessing.html", errors: []string{nme}, fails: true, what: "media processing setting"},
	"UpdateContactMediaStreamingBehavior":        {page: "contact-actions-updatecontactmediastreamingbehavior.html", errors: []string{nme}, fails: true, what: "media streaming setting"},
	"UpdateContactRecordingAndAnalyticsBehavior": {page: "contact-actions-updatecontactrecordingandanalyticsbehavior.html", errors: []string{nme}, fails: true, what: "recording and analytics setting"},
	"UpdateContactRecordingBehavior":             {page: "contact-actions-updatecontactrecordingbehavior.html", what: "recording setting"},
	"ResumeContact":                              {page: "contact-actions-updatecontactresumecontact.html", errors: []string{nme}, fails: true, what: "contact resume"},
	// "Errors: None."
	"UpdateContactRoutingBehavior": {page: "contact-actions-updatecontactroutingbehavior.html", what: "routing priority setting"},
	// "Sets the contact's TargetQueue ... Errors: NoMatchingError."
	"UpdateContactTargetQueue":              {page: "contact-actions-updatecontacttargetqueue.html", errors: []string{nme}, fails: true, what: "working queue setting"},
	"UpdateContactTextToSpeechVoice":        {page: "contact-actions-updatecontacttexttospeechvoice.html", what: "voice setting"},
	"UpdatePreviousContactParticipantState": {page: "contact-actions-updatepreviouscontactparticipantstate.html", errors: []string{nme}, fails: true, what: "hold state change"},

	// --- Flow blocks documented in the Administrator Guide only ---
	"AuthenticateParticipant":            {page: "adminguide/authenticate-customer.html", errors: []string{nme}, fails: true, callerFacing: true, what: "customer authentication"},
	"CreatePersistentContactAssociation": {page: "adminguide/create-persistent-contact-association-block.html", errors: []string{nme}, fails: true, what: "persistent chat association"},
	"EvaluateDataTableValues":            {page: "adminguide/data-table-block.html", errors: []string{nme}, fails: true, what: "data table lookup"},
	"ListDataTableValues":                {page: "adminguide/data-table-block.html", errors: []string{nme}, fails: true, what: "data table lookup"},
	"UpsertDataTableValues":              {page: "adminguide/data-table-block.html", errors: []string{nme}, fails: true, what: "data table update"},
	"LoadContactContent":                 {page: "adminguide/get-stored-content.html", errors: []string{nme}, fails: true, what: "stored content lookup"},
}

// KnownActionType reports whether the Flow Language reference documents an
// action type.
func KnownActionType(actionType string) bool { _, ok := actionTable[actionType]; return ok }

// ActionTypes returns every action type of the reference, sorted.
func ActionTypes() []string {
	out := make([]string, 0, len(actionTable))
	for t := range actionTable {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// ErrorTypes returns the error types an action type can branch on, by its
// reference page (NoMatchingCondition, a default route, left out).
func ErrorTypes(actionType string) []string {
	return append([]string(nil), actionTable[actionType].errors...)
}

// ErrorCapable reports whether an action type can fail at run time. A
// message (MessageParticipant) fails only when it plays a prompt or media
// file: use Action.CanFail to decide for one action.
func ErrorCapable(actionType string) bool { return actionTable[actionType].fails }

// CanFail reports whether this action can fail at run time, by its type
// and, where the reference says it matters, its parameters.
func (a *Action) CanFail() bool {
	s, ok := actionTable[a.Type]
	switch {
	case !ok:
		return false
	case s.failsWith != nil:
		return s.failsWith(a)
	}
	return s.fails
}

// failureTypes are the error types this action can fail with.
func (a *Action) failureTypes() []string {
	s := actionTable[a.Type]
	if a.Type == "TransferParticipantToThirdParty" && !a.continuesAfterThirdParty() {
		// ThirdPartyConnectionTimeoutSeconds "Only used if
		// ContinueFlowExecution is not False": without it there are no
		// call-failed or timeout branches.
		return []string{nme}
	}
	return s.errors
}

// continuesAfterThirdParty: "ContinueFlowExecution ... If not defined or
// True, the flow continues running after the third party call finishes".
func (a *Action) continuesAfterThirdParty() bool { return a.Param("ContinueFlowExecution") != "False" }

// ends reports how the action ends the flow on success.
func (a *Action) ends() ending {
	s := actionTable[a.Type]
	if s.ending == toThirdParty {
		if a.continuesAfterThirdParty() {
			return continues
		}
		return toThirdParty
	}
	return s.ending
}
