package connectdata_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/smithy-go"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
)

func TestDailyReadersOnTheHealthyCenter(t *testing.T) {
	sc, err := scenarios.Load("healthy", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	in, sim := reader(t, sc)
	ctx := context.Background()
	numbers, err := in.PhoneNumbers(ctx)
	if err != nil || len(numbers) < 2 {
		t.Fatalf("phone numbers %v, %v", numbers, err)
	}
	statuses, err := in.PhoneNumberStatuses(ctx, numbers)
	if err != nil || len(statuses) != len(numbers) {
		t.Fatalf("statuses %v, %v", statuses, err)
	}
	flows, err := in.PhoneNumberFlows(ctx)
	if err != nil || len(flows) != len(numbers) {
		t.Errorf("every healthy number routes to a flow: %v, %v", flows, err)
	}
	sts, err := in.AgentStatuses(ctx)
	if err != nil || len(sts) < 4 {
		t.Errorf("agent statuses %v, %v", sts, err)
	}
	profiles, err := in.RoutingProfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	agents, err := in.AgentsNow(ctx, profiles)
	if err != nil || len(agents) != 7 { // 8 users, erin Offline
		t.Errorf("%d agents signed in, want 7: %v", len(agents), err)
	}
	counts, err := in.AgentCountsByRoutingProfile(ctx, profiles)
	if err != nil || len(counts) != 3 {
		t.Errorf("agent counts %v, %v", counts, err)
	}
	if v, err := in.Attribute(ctx, types.InstanceAttributeTypeContactflowLogs); err != nil || v != "true" {
		t.Errorf("CONTACTFLOW_LOGS %q, %v", v, err)
	}
	// Inventory is read once.
	for range 2 {
		if _, err := in.PhoneNumbers(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := in.AgentStatuses(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := countCalls(sim, "ListPhoneNumbersV2") + countCalls(sim, "SearchAgentStatuses"); n != 2 {
		t.Errorf("%d inventory calls, want 2 (read once)", n)
	}
}

func TestDailyReadersFailClosed(t *testing.T) {
	sc, err := scenarios.Load("healthy", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"ListPhoneNumbersV2", "DescribePhoneNumber", "GetCurrentUserData", "SearchAgentStatuses", "ListLambdaFunctions"} {
		t.Run(op, func(t *testing.T) {
			in, _ := reader(t, sc, awssim.Fault{Service: "connect", Operation: op, ErrorCode: "AccessDeniedException"})
			ctx := context.Background()
			var err error
			switch op {
			case "ListPhoneNumbersV2", "DescribePhoneNumber":
				numbers, e := in.PhoneNumbers(ctx)
				if err = e; err == nil {
					_, err = in.PhoneNumberStatuses(ctx, numbers)
				}
			case "GetCurrentUserData":
				profiles, e := in.RoutingProfiles(ctx)
				if err = e; err == nil {
					_, err = in.AgentsNow(ctx, profiles)
				}
			case "SearchAgentStatuses":
				_, err = in.AgentStatuses(ctx)
			case "ListLambdaFunctions":
				_, err = in.LambdaFunctions(ctx)
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
				t.Errorf("error %v, want the AccessDeniedException wrapped", err)
			}
		})
	}
}
