package awsclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// PolicyDocument is an IAM policy document.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document.
type Statement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

// ReadOnlyPolicy is the least-privilege IAM policy of a compliance run: the
// IAM actions of every operation on Allowlist, nothing else. It is what
// `compliance iam-policy` prints and deploy/iam/readonly-policy.json holds.
func ReadOnlyPolicy() (*PolicyDocument, error) {
	return policy(Allowlist, readResources, "Read")
}

// DrillPolicy is the separate policy for the opt-in drill steps: the IAM
// actions of DrillAllowlist, scoped to the resources a drill may touch. Attach
// it only to the role of a drill run (deploy/iam/drill-policy.json).
func DrillPolicy() (*PolicyDocument, error) {
	return policy(DrillAllowlist, drillResources, "Drill")
}

// policy groups the actions of list by service and resource into statements
// with stable Sids and sorted actions.
func policy(list map[string][]string, resources map[string]string, verb string) (*PolicyDocument, error) {
	type key struct{ service, resource string }
	groups := map[key][]string{}
	for svc, ops := range list {
		for _, op := range ops {
			actions, ok := IAMActions(svc, op)
			if !ok {
				return nil, fmt.Errorf("service %q (operation %s) has no IAM prefix in awsclient.Services", svc, op)
			}
			for _, a := range actions {
				res := resources[a]
				if res == "" {
					res = "*"
				}
				k := key{svc, res}
				if !contains(groups[k], a) {
					groups[k] = append(groups[k], a)
				}
			}
		}
	}
	keys := make([]key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].service != keys[j].service {
			return keys[i].service < keys[j].service
		}
		return keys[i].resource < keys[j].resource
	})
	doc := &PolicyDocument{Version: "2012-10-17", Statement: []Statement{}}
	sids := map[string]int{}
	for _, k := range keys {
		actions := groups[k]
		sort.Strings(actions)
		sid := verb + sidName(k.service)
		if k.resource != "*" {
			sid += "Scoped"
		}
		sids[sid]++
		if n := sids[sid]; n > 1 {
			sid += fmt.Sprint(n)
		}
		doc.Statement = append(doc.Statement, Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: k.resource})
	}
	return doc, nil
}

// sidName turns a service ID into the alphanumerics a Sid allows.
func sidName(service string) string {
	var b strings.Builder
	for _, r := range service {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Actions returns every action the policy allows, sorted.
func (p *PolicyDocument) Actions() []string {
	var out []string
	for _, s := range p.Statement {
		if s.Effect == "Allow" {
			out = append(out, s.Action...)
		}
	}
	sort.Strings(out)
	return out
}

// Allows reports whether the policy allows an IAM action (exact match; the
// generated policies use no wildcards in actions).
func (p *PolicyDocument) Allows(action string) bool {
	for _, s := range p.Statement {
		if s.Effect == "Allow" && contains(s.Action, action) {
			return true
		}
	}
	return false
}

// JSON is the policy as committed under deploy/iam: indented, with a final newline.
func (p *PolicyDocument) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
