// Package snapshot is the diff-friendly export of an Amazon Connect
// instance's configuration: flows and modules with their content, queues,
// routing profiles, hours, prompts, phone-number associations, Lambda and Lex
// associations and security profiles, one JSON file per resource under a
// directory, with keys sorted and instance-specific ids replaced by names, so
// that two snapshots (staging and production, primary and replica, before and
// after a change) compare line by line.
//
// A snapshot is the rollback baseline, the input of the change-impact
// analysis (Impact) and of the multi-region parity check. This package reads,
// writes and compares snapshots; taking one from AWS is
// helpers/connectsnapshot's job, and judging one is the controls'.
package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Kind is a kind of resource; it is also the snapshot's directory name.
type Kind string

// The kinds of resource a snapshot holds.
const (
	Flows            Kind = "flows"
	Modules          Kind = "modules"
	Queues           Kind = "queues"
	RoutingProfiles  Kind = "routing-profiles"
	Hours            Kind = "hours"
	Prompts          Kind = "prompts"
	PhoneNumbers     Kind = "phone-numbers"
	LambdaFunctions  Kind = "lambda-functions"
	LexBots          Kind = "lex-bots"
	SecurityProfiles Kind = "security-profiles"
)

// Kinds lists every kind, in the order reports show them.
var Kinds = []Kind{Flows, Modules, Queues, RoutingProfiles, Hours, Prompts, PhoneNumbers, LambdaFunctions, LexBots, SecurityProfiles}

// Resource is one exported resource: its name (unique within its kind) and
// its configuration as a JSON object. References to other resources inside
// Config use "kind/name" (for example "queues/Sales"), never instance ids.
type Resource struct {
	Kind   Kind           `json:"-"`
	Name   string         `json:"name"`
	Config map[string]any `json:"config"`
}

// Ref is how a snapshot refers to a resource: "kind/name".
func Ref(k Kind, name string) string { return string(k) + "/" + name }

// Snapshot is a whole exported configuration.
type Snapshot struct {
	// Instance describes where the snapshot was taken (account, region,
	// instance alias); it is not compared.
	Instance  map[string]string
	Resources map[Kind]map[string]Resource
}

// New returns an empty snapshot.
func New(instance map[string]string) *Snapshot {
	s := &Snapshot{Instance: instance, Resources: map[Kind]map[string]Resource{}}
	for _, k := range Kinds {
		s.Resources[k] = map[string]Resource{}
	}
	return s
}

// Add puts a resource into the snapshot; a second resource of the same kind
// and name is an error (names are the keys that make snapshots comparable).
func (s *Snapshot) Add(k Kind, name string, config map[string]any) error {
	if _, ok := s.Resources[k]; !ok {
		return fmt.Errorf("snapshot: unknown kind %q", k)
	}
	if name == "" {
		return fmt.Errorf("snapshot: %s without a name", k)
	}
	if _, dup := s.Resources[k][name]; dup {
		return fmt.Errorf("snapshot: two %s named %q", k, name)
	}
	s.Resources[k][name] = Resource{Kind: k, Name: name, Config: config}
	return nil
}

// Get returns a resource.
func (s *Snapshot) Get(k Kind, name string) (Resource, bool) {
	r, ok := s.Resources[k][name]
	return r, ok
}

// Names returns the names of a kind, sorted.
func (s *Snapshot) Names(k Kind) []string {
	out := make([]string, 0, len(s.Resources[k]))
	for n := range s.Resources[k] {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// fileName turns a resource name into a file name that every file system
// accepts and that sorts like the name.
func fileName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == '+':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "%%%02X", r)
		}
	}
	return b.String() + ".json"
}

// Encode renders a value as the snapshot's canonical JSON: two-space indent,
// map keys sorted (encoding/json sorts them), a final newline.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes the snapshot under dir (created; existing kind directories
// are replaced so removed resources disappear).
func (s *Snapshot) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	b, err := Encode(s.Instance)
	if err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "instance.json"), b, 0o644); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	for _, k := range Kinds {
		kdir := filepath.Join(dir, string(k))
		if err := os.RemoveAll(kdir); err != nil {
			return fmt.Errorf("write snapshot: %w", err)
		}
		if len(s.Resources[k]) == 0 {
			continue
		}
		if err := os.MkdirAll(kdir, 0o755); err != nil {
			return fmt.Errorf("write snapshot: %w", err)
		}
		for _, name := range s.Names(k) {
			b, err := Encode(s.Resources[k][name])
			if err != nil {
				return fmt.Errorf("write snapshot %s: %w", Ref(k, name), err)
			}
			if err := os.WriteFile(filepath.Join(kdir, fileName(name)), b, 0o644); err != nil {
				return fmt.Errorf("write snapshot: %w", err)
			}
		}
	}
	return nil
}

// Read reads a snapshot directory. A file that is not a resource of its
// kind's shape is an error naming the file.
func Read(dir string) (*Snapshot, error) {
	b, err := os.ReadFile(filepath.Join(dir, "instance.json"))
	if err != nil {
		return nil, fmt.Errorf("read snapshot %s: %w (is it a snapshot directory?)", dir, err)
	}
	var inst map[string]string
	if err := json.Unmarshal(b, &inst); err != nil {
		return nil, fmt.Errorf("read snapshot: %s: %w", filepath.Join(dir, "instance.json"), err)
	}
	s := New(inst)
	for _, k := range Kinds {
		entries, err := os.ReadDir(filepath.Join(dir, string(k)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read snapshot: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() || filepath.Ext(e.Name()) != ".json" {
				continue
			}
			p := filepath.Join(dir, string(k), e.Name())
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("read snapshot: %w", err)
			}
			var r Resource
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&r); err != nil {
				return nil, fmt.Errorf("read snapshot: %s: want {\"name\": ..., \"config\": {...}}: %w", p, err)
			}
			if err := s.Add(k, r.Name, r.Config); err != nil {
				return nil, fmt.Errorf("read snapshot: %s: %w", p, err)
			}
		}
	}
	return s, nil
}
