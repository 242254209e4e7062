package connectflow

// role is what a flow is for, by its type, and so what is judged in it.
// The types are Connect's ContactFlowType enum (botocore connect
// 2017-08-08 service-2.json: CONTACT_FLOW, CUSTOMER_QUEUE, CUSTOMER_HOLD,
// CUSTOMER_WHISPER, AGENT_HOLD, AGENT_WHISPER, OUTBOUND_WHISPER,
// AGENT_TRANSFER, QUEUE_TRANSFER, CAMPAIGN); modules are flow modules.
type role uint8

const (
	// roleCaller: a caller moves through the flow and is stranded when it
	// stops (inbound, agent- and queue-transfer, campaign flows). Every
	// check applies.
	roleCaller role = iota
	// roleModule: a flow module, run inside a caller's flow; it returns
	// to the calling flow (EndFlowModuleExecution, EndFlowExecution).
	roleModule
	// roleQueue: a customer queue flow. It plays to the caller while the
	// contact waits in queue and loops on purpose; when it ends
	// (EndFlowExecution, or an unhandled error) the contact stays in
	// queue. Only a failure that hangs up on the caller strands them.
	roleQueue
	// roleCallerAux: customer hold and customer/outbound whisper flows:
	// short flows played while the contact is connected or held; when
	// they end the contact carries on. Only structural problems count.
	roleCallerAux
	// roleAgent: agent hold and agent whisper flows run for the agent,
	// with no caller in them; judged for agents (structure only), not for
	// callers.
	roleAgent
)

func roleOf(flowType string, module bool) role {
	if module || flowType == "MODULE" {
		return roleModule
	}
	switch flowType {
	case "CUSTOMER_QUEUE":
		return roleQueue
	case "CUSTOMER_HOLD", "CUSTOMER_WHISPER", "OUTBOUND_WHISPER":
		return roleCallerAux
	case "AGENT_HOLD", "AGENT_WHISPER":
		return roleAgent
	}
	// CONTACT_FLOW, AGENT_TRANSFER, QUEUE_TRANSFER, CAMPAIGN, and content
	// of unknown type: a caller is in it.
	return roleCaller
}

// judgesBranches: missing error branches, dead ends, default routes and
// loops strand someone in this role.
func (r role) judgesBranches() bool { return r == roleCaller || r == roleModule }

// judgesFailurePaths: a failure that hangs up on the caller without a word
// strands them.
func (r role) judgesFailurePaths() bool { return r == roleCaller || r == roleModule || r == roleQueue }

// stops says what happens when the flow stops where it should not.
func (r role) stops() string {
	switch r {
	case roleCaller, roleModule:
		return "the flow stops there and the caller is disconnected"
	case roleQueue:
		return "the queue flow stops there: the caller waits in queue without its prompts"
	}
	return "the flow stops there"
}
