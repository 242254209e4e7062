package yamldoc_test

import (
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/yamldoc"
)

type cfg struct {
	Name  string `yaml:"name"`
	Items []struct {
		ID    string `yaml:"id"`
		Count int    `yaml:"count"`
	} `yaml:"items"`
}

func TestDecodeErrorsNameFileLineField(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unknown key", "name: a\nitems:\n  - id: x\n    colour: red\n", "f.yaml:4:"},
		{"wrong type", "name: a\nitems:\n  - id: x\n    count: many\n", "f.yaml:4:"},
		{"syntax", "name: a\nitems: [\n", "f.yaml:"},
		{"duplicate key", "name: a\nname: b\n", "f.yaml:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c cfg
			_, err := yamldoc.Decode("f.yaml", []byte(tt.in), &c)
			if err == nil {
				t.Fatalf("Decode(%q) succeeded, want error", tt.in)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestErrorfPointsAtField(t *testing.T) {
	var c cfg
	doc, err := yamldoc.Decode("f.yaml", []byte("name: a\nitems:\n  - id: x\n  - id: \"\"\n    count: 2\n"), &c)
	if err != nil {
		t.Fatal(err)
	}
	got := doc.Errorf("$.items[1].id", "missing").Error()
	if want := "f.yaml:4: items[1].id: missing"; got != want {
		t.Errorf("Errorf = %q, want %q", got, want)
	}
	// A path that does not exist falls back to its nearest parent.
	got = doc.Errorf("$.items[1].owner", "missing").Error()
	if want := "f.yaml:4: items[1].owner: missing"; got != want {
		t.Errorf("Errorf = %q, want %q", got, want)
	}
}
