package exempt

import (
	"slices"
	"testing"
)

func TestAddedSince(t *testing.T) {
	parse := func(s string) *Config {
		t.Helper()
		cfg, err := ParseConfig("c.yml", []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	base := parse(`exemptions:
  - files: [policies/admin-*.json]
    reason: break-glass, SEC-101
  - resources: [OpsRole]
    rules: [IAM-SSM-2]
    reason: support desk
    expires: 2027-06-30
`)
	for _, tt := range []struct {
		name, head string
		added      []int // lines of the entries reported
	}{
		{"unchanged, moved and re-indented", `exemptions:

  -   resources: [OpsRole]
      rules: [IAM-SSM-2]
      reason: support desk
      expires: 2027-06-30
  - files: [policies/admin-*.json]
    reason: break-glass, SEC-101
`, nil},
		{"new entry", `exemptions:
  - files: [policies/admin-*.json]
    reason: break-glass, SEC-101
  - resources: [OpsRole]
    rules: [IAM-SSM-2]
    reason: support desk
    expires: 2027-06-30
  - files: ["**"]
    reason: temporary
`, []int{8}},
		{"widened glob", "exemptions:\n  - files: [policies/*.json]\n    reason: break-glass, SEC-101\n", []int{2}},
		{"later expiry", "exemptions:\n  - resources: [OpsRole]\n    rules: [IAM-SSM-2]\n    reason: support desk\n    expires: 2099-01-01\n", []int{2}},
		{"rules dropped (every rule)", "exemptions:\n  - resources: [OpsRole]\n    reason: support desk\n    expires: 2027-06-30\n", []int{2}},
		{"a copy of an existing entry", `exemptions:
  - files: [policies/admin-*.json]
    reason: break-glass, SEC-101
  - files: [policies/admin-*.json]
    reason: break-glass, SEC-101
`, []int{4}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var lines []int
			for _, e := range parse(tt.head).AddedSince(base) {
				lines = append(lines, e.Line)
			}
			if !slices.Equal(lines, tt.added) {
				t.Errorf("added entries at lines %v, want %v", lines, tt.added)
			}
		})
	}
	if got := base.AddedSince(nil); len(got) != 2 {
		t.Errorf("against no base config: %d added, want every entry", len(got))
	}
	var none *Config
	if got := none.AddedSince(base); got != nil {
		t.Errorf("no config adds nothing: %v", got)
	}
}
