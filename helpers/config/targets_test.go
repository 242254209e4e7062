package config_test

import (
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/config"
)

const twoAccounts = `accounts:
  - id: "111111111111"
    name: prod
    role_arn: arn:aws:iam::111111111111:role/connect-compliance-readonly
    drill: {enabled: true}
    regions:
      - name: us-east-1
        connect_instances: [{id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f}]
      - name: us-west-2
        drill: {enabled: false}
        connect_instances: [{id: 9f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f}]
  - id: "222222222222"
    regions:
      - name: us-east-1
        connect_instances: [{id: 7f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f}]
      - name: eu-west-2
        drill: {enabled: true}
        connect_instances: [{id: 6f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f}]
`

func TestTargetsAndDrill(t *testing.T) {
	c, err := config.Parse("c.yaml", []byte(twoAccounts))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range c.Targets() {
		got = append(got, tg.Key()+map[bool]string{true: "+drill"}[tg.Drill])
	}
	// Drills only where enabled: the account's setting, unless the region says otherwise.
	want := "111111111111/us-east-1+drill 111111111111/us-west-2 222222222222/us-east-1 222222222222/eu-west-2+drill"
	if strings.Join(got, " ") != want {
		t.Errorf("targets %v\nwant %s", got, want)
	}
	if c.Targets()[0].RoleARN == "" || c.Targets()[2].RoleARN != "" {
		t.Error("role_arn not carried per account")
	}
}

func TestSelect(t *testing.T) {
	c, err := config.Parse("c.yaml", []byte(twoAccounts))
	if err != nil {
		t.Fatal(err)
	}
	keys := func(ts []config.Target) string {
		var ks []string
		for _, t := range ts {
			ks = append(ks, t.Key())
		}
		return strings.Join(ks, " ")
	}
	for _, tt := range []struct {
		accounts, regions []string
		want, err         string
	}{
		{nil, nil, "111111111111/us-east-1 111111111111/us-west-2 222222222222/us-east-1 222222222222/eu-west-2", ""},
		{[]string{"222222222222"}, nil, "222222222222/us-east-1 222222222222/eu-west-2", ""},
		{nil, []string{"us-east-1"}, "111111111111/us-east-1 222222222222/us-east-1", ""},
		{[]string{"111111111111"}, []string{"us-west-2"}, "111111111111/us-west-2", ""},
		{[]string{"333333333333"}, nil, "", `account "333333333333" selects no account/region`},
		{nil, []string{"ap-south-1"}, "", `region "ap-south-1" selects no account/region`},
		{[]string{"222222222222"}, []string{"us-west-2"}, "", `selects no account/region`},
	} {
		got, err := c.Select(tt.accounts, tt.regions)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Select(%v, %v) error %v, want %q", tt.accounts, tt.regions, err, tt.err)
			}
			continue
		}
		if err != nil || keys(got) != tt.want {
			t.Errorf("Select(%v, %v) = %s, %v; want %s", tt.accounts, tt.regions, keys(got), err, tt.want)
		}
	}
}

func TestDuplicateTargetsAndBadDrillAreRejected(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"account twice", twoAccounts + `  - id: "111111111111"
    regions:
      - name: eu-west-1
        connect_instances: [{id: 5f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f}]
`, "c.yaml:19: accounts[2].id: account 111111111111 is listed twice"},
		{"region twice", strings.Replace(twoAccounts, "eu-west-2", "us-east-1", 1), "c.yaml:16: accounts[1].regions[1].name: region us-east-1 is listed twice"},
		{"drill typo", strings.Replace(twoAccounts, "drill: {enabled: true}", "drill: {enable: true}", 1), "c.yaml:5:"},
		{"drill not a bool", strings.Replace(twoAccounts, "drill: {enabled: true}", "drill: {enabled: yes please}", 1), "c.yaml:5:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("c.yaml", []byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
