//go:build daily

package daily

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
)

// Requirement 7.1.6: agent availability; status updates are reflected.

// agentSnapshot is one instance's agents at one moment: its routing
// profiles, the aggregate real-time agent metrics per profile and each
// signed-in agent's own real-time data. It is read once per run and shared
// by the agent controls, so that they judge the same moment (and the run
// reads the real-time data once).
type agentSnapshot struct {
	at       time.Time
	profiles []connectdata.RoutingProfile
	counts   map[string]connectdata.AgentCounts
	agents   map[string][]connectdata.AgentNow // by routing profile id
}

var agentSnapshots perInstance[*agentSnapshot]

// readAgents returns the run's snapshot of an instance's agents.
func readAgents(ctx context.Context, in *connectdata.Instance) (*agentSnapshot, error) {
	return agentSnapshots.get(ctx, in, func(ctx context.Context, in *connectdata.Instance) (*agentSnapshot, error) {
		s := &agentSnapshot{at: env.Now(), agents: map[string][]connectdata.AgentNow{}}
		var err error
		if s.profiles, err = in.RoutingProfiles(ctx); err != nil {
			return nil, err
		}
		if s.counts, err = in.AgentCountsByRoutingProfile(ctx, s.profiles); err != nil {
			return nil, err
		}
		agents, err := in.AgentsNow(ctx, s.profiles)
		if err != nil {
			return nil, err
		}
		for _, a := range agents {
			s.agents[a.RoutingProfileID] = append(s.agents[a.RoutingProfileID], a)
		}
		return s, nil
	})
}

// inError reports whether an agent's status is an error state.
func inError(a connectdata.AgentNow, errorStatuses []string) bool {
	return slices.Contains(errorStatuses, a.Status)
}

func TestNoAgentInErrorState(t *testing.T) {
	c := control.Start(t, "DAILY-AGENT-01")
	errorStatuses := env.Config.DailySettings().ErrorAgentStatuses
	harness.ForEachInstance(c, env, readAgents, func(in *connectdata.Instance, s *agentSnapshot) {
		for _, p := range s.profiles {
			r := c.On(p.Resource(), at(in, p.ARN))
			var ids []string
			for _, a := range s.agents[p.ID] {
				if inError(a, errorStatuses) {
					ids = append(ids, fmt.Sprintf("agent %s (%s)", a.UserID, a.Status))
				}
			}
			n := math.Max(s.counts[p.ID].Error, float64(len(ids)))
			if len(ids) > 0 {
				r.Note("in an error state: %s", strings.Join(ids, ", "))
			}
			assert.LessOrEqual(r, r.Observe("agents in an error state", n), r.Threshold("agent.max_in_error"),
				"agents in an error state (AGENTS_ERROR: missed or rejected contacts, softphone failures)")
		}
	})
}

func TestAgentStatusCountsAgree(t *testing.T) {
	c := control.Start(t, "DAILY-AGENT-02")
	errorStatuses := env.Config.DailySettings().ErrorAgentStatuses
	harness.ForEachInstance(c, env, readAgents, func(in *connectdata.Instance, s *agentSnapshot) {
		for _, p := range s.profiles {
			r := c.On(p.Resource(), at(in, p.ARN))
			agents := s.agents[p.ID]
			online, inErr := float64(len(agents)), 0.0
			for _, a := range agents {
				if inError(a, errorStatuses) {
					inErr++
				}
			}
			agg := s.counts[p.ID]
			mismatch := math.Abs(online-agg.Online) + math.Abs(inErr-agg.Error)
			r.Note("agents' own status: %g online, %g in error; aggregate metrics: %g online (AGENTS_ONLINE), %g in error (AGENTS_ERROR)",
				online, inErr, agg.Online, agg.Error)
			assert.LessOrEqual(r, r.Observe("agents counted differently by their status and by the aggregate", mismatch),
				r.Threshold("agent.max_status_count_mismatch"), "agents whose status the real-time metrics do not reflect")
		}
	})
}

func TestNoAgentStuckInStatus(t *testing.T) {
	c := control.Start(t, "DAILY-AGENT-03")
	harness.ForEachInstance(c, env, readAgents, func(in *connectdata.Instance, s *agentSnapshot) {
		for _, p := range s.profiles {
			r := c.On(p.Resource(), at(in, p.ARN))
			longest := 0.0
			var who string
			for _, a := range s.agents[p.ID] {
				if a.Since.IsZero() {
					continue
				}
				if d := s.at.Sub(a.Since).Seconds(); d > longest {
					longest, who = d, fmt.Sprintf("agent %s in %s since %s", a.UserID, a.Status, a.Since.UTC().Format(time.RFC3339))
				}
			}
			if who != "" {
				r.Note("longest: %s", who)
			} else {
				r.Note("no agent signed in")
			}
			assert.LessOrEqual(r, r.Observe("longest time an agent has been in one status (s)", math.Round(longest)),
				r.Threshold("agent.max_status_duration_seconds"), "longest time an agent has been in one status (s)")
		}
	})
}

func TestRequiredAgentStatusesEnabled(t *testing.T) {
	c := control.Start(t, "DAILY-AGENT-04")
	required := env.Config.DailySettings().RequiredAgentStatuses
	if len(required) == 0 {
		c.NotApplicable("the config's daily.required_agent_statuses names no status")
	}
	read := func(ctx context.Context, in *connectdata.Instance) ([]connectdata.AgentStatus, error) {
		return in.AgentStatuses(ctx)
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, sts []connectdata.AgentStatus) {
		byName := map[string]connectdata.AgentStatus{}
		var names []string
		for _, s := range sts {
			byName[s.Name] = s
			names = append(names, s.Name)
		}
		sort.Strings(names)
		for _, name := range required {
			s, ok := byName[name]
			r := c.On("agent-status/"+name, at(in, in.ARN()+"/agent-state/"+s.ID))
			v := 0.0
			switch {
			case !ok:
				r.Note("no agent status named %q (the instance has: %s)", name, strings.Join(names, ", "))
			case !s.Enabled:
				r.Note("status %q (%s) is disabled: agents cannot select it", name, s.Type)
			default:
				v = 1
			}
			assert.GreaterOrEqual(r, r.Observe("exists and enabled (1 = yes)", v), 1.0, "agent status exists and is enabled")
		}
	})
}
