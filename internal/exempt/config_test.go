package exempt

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
)

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, config, want string
	}{
		{"not YAML", "exemptions: [\n", "cfg.yml:1: not valid YAML: did not find expected node content"},
		{"not a map", "- a\n", `cfg.yml:1: the config must be a map with an "exemptions" list`},
		{"unknown top-level key", "exemption:\n  - files: [a]\n", `cfg.yml:1: unknown key "exemption": the config has only "exemptions"`},
		{"exemptions not a list", "exemptions: {files: a}\n", `cfg.yml:1: "exemptions" must be a list of entries`},
		{"entry not a map", "exemptions:\n  - a.json\n", "cfg.yml:2: an exemption must be a map"},
		{"unknown entry key", "exemptions:\n  - files: [a]\n    reason: x\n    resource: [Ops]\n", `cfg.yml:4: unknown key "resource" in exemption`},
		{"no reason", "exemptions:\n  - files: [a]\n", "cfg.yml:2: exemption has no reason"},
		{"blank reason", "exemptions:\n  - files: [a]\n    reason: \"  \"\n", "cfg.yml:2: exemption has no reason"},
		{"no selector", "exemptions:\n  - rules: [IAM-SSM-1]\n    reason: x\n", "cfg.yml:2: exemption has no selector"},
		{"bad date", "exemptions:\n  - files: [a]\n    reason: x\n    expires: 2027-13-01\n", `cfg.yml:4: expires "2027-13-01" is not a date`},
		{"date in another form", "exemptions:\n  - files: [a]\n    reason: x\n    expires: 30/06/2027\n", `cfg.yml:4: expires "30/06/2027" is not a date`},
		{"unknown rule", "exemptions:\n  - files: [a]\n    rules: [IAM-SSM-9]\n    reason: x\n", `cfg.yml:3: unknown rule "IAM-SSM-9": use IAM-SSM-1, IAM-SSM-2`},
		{"bad glob", "exemptions:\n  - files: [\"a[\"]\n    reason: x\n", `cfg.yml:2: invalid glob "a[" in files`},
		{"selector of the wrong type", "exemptions:\n  - files: [{a: b}]\n    reason: x\n", "cfg.yml:2: files must be a string or a list of strings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("cfg.yml", []byte(tt.config))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.yml")
	if cfg, err := LoadConfig("", missing, false); cfg != nil || err != nil {
		t.Errorf("optional missing config: %v, %v", cfg, err)
	}
	if _, err := LoadConfig("", missing, true); err == nil || !strings.Contains(err.Error(), "cannot read: no such file") {
		t.Errorf("required missing config: %v", err)
	}
	path := filepath.Join(dir, "c.yml")
	os.WriteFile(path, []byte("exemptions:\n  - files: ['**/admin-*.json']\n    reason: break-glass\n    expires: 2027-06-30\n"), 0o644)
	cfg, err := LoadConfig("", path, true)
	if err != nil || len(cfg.Entries) != 1 {
		t.Fatalf("%v %v", cfg, err)
	}
	want := Entry{Files: []string{"**/admin-*.json"}, Reason: "break-glass", Expires: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), Line: 2}
	if got := cfg.Entries[0]; !slices.Equal(got.Files, want.Files) || got.Reason != want.Reason || !got.Expires.Equal(want.Expires) || got.Line != want.Line {
		t.Errorf("entry = %+v, want %+v", got, want)
	}
	if cfg, err := ParseConfig("empty.yml", nil); err != nil || len(cfg.Entries) != 0 {
		t.Errorf("empty config: %v %v", cfg, err)
	}
}

// exemptionFindings are the findings the Apply tests start from.
func exemptionFindings() []rules.Finding {
	mk := func(rule, file string, o iam.Origin) rules.Finding {
		return rules.Finding{RuleID: rule, Rule: rules.ByID(rule), Severity: rules.ByID(rule).Severity, File: file, Origin: o}
	}
	return []rules.Finding{
		mk("IAM-SSM-1", "policies/admin-breakglass.json", iam.Origin{PolicyName: "IncidentResponse"}),
		mk("IAM-SSM-2", "policies/admin-breakglass.json", iam.Origin{PolicyName: "IncidentResponse"}),
		mk("IAM-SSM-1", "stacks/ops.yaml", iam.Origin{Resource: "OpsRole", PolicyName: "run"}),
		mk("IAM-SSM-2", "cdk.out/App.template.json", iam.Origin{Resource: "Breakglass1234", CDKPath: "App/Breakglass/Role/DefaultPolicy/Resource"}),
		mk("IAM-SSM-1", "policies/dev.json", iam.Origin{}),
		// A CDK finding shown at the app line that created it, with the
		// template statement as related location.
		{RuleID: "IAM-SSM-1", Rule: rules.ByID("IAM-SSM-1"), Severity: rules.SeverityCritical, File: "lib/ops-stack.js",
			Origin:  iam.Origin{Resource: "RunRoleDefaultPolicy1", CDKPath: "Ops/RunRole/DefaultPolicy/Resource"},
			Related: []rules.Related{{File: "cdk.out/Ops.template.json", Message: "statement in the synthesized template"}}},
	}
}

func TestConfigApply(t *testing.T) {
	now := time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		config   string
		exempted []string // File/RuleID of the exempted findings
		warnings []string
	}{
		{
			name:     "files selector",
			config:   "exemptions:\n  - files: ['policies/admin-*.json']\n    reason: break-glass\n",
			exempted: []string{"policies/admin-breakglass.json/IAM-SSM-1", "policies/admin-breakglass.json/IAM-SSM-2"},
		},
		{
			name:     "files selector naming the related template",
			config:   "exemptions:\n  - files: ['cdk.out/Ops.*']\n    reason: ops\n",
			exempted: []string{"lib/ops-stack.js/IAM-SSM-1"},
		},
		{
			name:     "files selector naming the app file",
			config:   "exemptions:\n  - files: ['lib/**']\n    cdk-paths: ['Ops/**']\n    reason: ops\n",
			exempted: []string{"lib/ops-stack.js/IAM-SSM-1"},
		},
		{
			name:     "resources selector",
			config:   "exemptions:\n  - resources: [Ops*]\n    reason: ops\n",
			exempted: []string{"stacks/ops.yaml/IAM-SSM-1"},
		},
		{
			name:     "cdk-paths selector",
			config:   "exemptions:\n  - cdk-paths: ['App/Breakglass/**']\n    reason: cdk break-glass\n",
			exempted: []string{"cdk.out/App.template.json/IAM-SSM-2"},
		},
		{
			name:     "policies selector",
			config:   "exemptions:\n  - policies: ['IncidentResponse*']\n    reason: IR\n",
			exempted: []string{"policies/admin-breakglass.json/IAM-SSM-1", "policies/admin-breakglass.json/IAM-SSM-2"},
		},
		{
			name:     "rules filter",
			config:   "exemptions:\n  - policies: ['IncidentResponse*']\n    rules: [IAM-SSM-2]\n    reason: IR sessions\n",
			exempted: []string{"policies/admin-breakglass.json/IAM-SSM-2"},
		},
		{
			name:     "every selector given must match",
			config:   "exemptions:\n  - files: ['stacks/**']\n    policies: [IncidentResponse]\n    reason: nothing is both\n",
			warnings: []string{"cfg.yml:2: exemption matched no finding; remove it if the role is gone (nothing is both)"},
		},
		{
			name:     "combined selectors that match",
			config:   "exemptions:\n  - files: ['stacks/**']\n    resources: [OpsRole]\n    policies: [run]\n    reason: ops\n",
			exempted: []string{"stacks/ops.yaml/IAM-SSM-1"},
		},
		{
			name:     "a selector on a field the finding lacks does not match",
			config:   "exemptions:\n  - resources: ['*']\n    reason: all resources\n",
			exempted: []string{"cdk.out/App.template.json/IAM-SSM-2", "lib/ops-stack.js/IAM-SSM-1", "stacks/ops.yaml/IAM-SSM-1"},
		},
		{
			name:     "not yet expired on its last day",
			config:   "exemptions:\n  - files: ['policies/dev.json']\n    reason: dev\n    expires: 2026-11-22\n",
			exempted: []string{"policies/dev.json/IAM-SSM-1"},
		},
		{
			name:     "expired entry no longer applies and says so",
			config:   "exemptions:\n  - files: ['policies/dev.json']\n    reason: dev\n    expires: 2026-11-21\n",
			warnings: []string{"cfg.yml:2: exemption expired on 2026-11-21 and no longer applies (dev)"},
		},
		{
			name:     "unused entry next to a used one",
			config:   "exemptions:\n  - files: ['policies/dev.json']\n    reason: dev\n  - resources: [GoneRole]\n    reason: old break-glass\n",
			exempted: []string{"policies/dev.json/IAM-SSM-1"},
			warnings: []string{"cfg.yml:4: exemption matched no finding; remove it if the role is gone (old break-glass)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig("cfg.yml", []byte(tt.config))
			if err != nil {
				t.Fatal(err)
			}
			findings := exemptionFindings()
			open, exempted, ws := cfg.Apply(findings, now)
			var got []string
			for _, e := range exempted {
				got = append(got, e.File+"/"+e.RuleID)
				if e.Exemption.Reason == "" || !strings.HasPrefix(e.Exemption.Source(), "cfg.yml:") || e.Exemption.InSource {
					t.Errorf("exemption = %+v", e.Exemption)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.exempted) {
				t.Errorf("exempted = %q, want %q", got, tt.exempted)
			}
			if len(open)+len(exempted) != len(exemptionFindings()) {
				t.Errorf("findings lost: %d open + %d exempted", len(open), len(exempted))
			}
			if !slices.EqualFunc(findings, exemptionFindings(), func(a, b rules.Finding) bool { return a.File == b.File && a.RuleID == b.RuleID }) {
				t.Error("Apply changed the findings it was given")
			}
			var warnings []string
			for _, w := range ws {
				warnings = append(warnings, w.String())
			}
			if !slices.Equal(warnings, tt.warnings) {
				t.Errorf("warnings = %q, want %q", warnings, tt.warnings)
			}
		})
	}
}

// TestFilesRelativeToConfigDir: an entry's files globs are relative to
// the config file's directory, whichever directory the findings' paths
// are relative to (the scan's working directory).
func TestFilesRelativeToConfigDir(t *testing.T) {
	repo := t.TempDir()
	policies := filepath.Join(repo, "policies")
	tests := []struct {
		name, dir, base, file, glob string
		exempted                    bool
	}{
		{"run from the config's directory", repo, repo, "policies/admin.json", "policies/admin.json", true},
		{"run from below the config", repo, policies, "admin.json", "policies/admin.json", true},
		{"run from below: the glob is not relative to the working directory", repo, policies, "admin.json", "admin.json", false},
		{"run from above the config", policies, repo, "policies/admin.json", "admin.json", true},
		{"run from above: the glob is not relative to the working directory", policies, repo, "policies/admin.json", "policies/admin.json", false},
		{"a file beside the config's directory", policies, repo, "stacks/admin.json", "**", false},
		{"a file above the config's directory", policies, policies, "../admin.json", "**", false},
		{"a glob that leaves the config's directory", policies, repo, "stacks/admin.json", "../stacks/*.json", true},
		{"a glob that leaves the config's directory, run from it", policies, policies, "../stacks/admin.json", "../**", true},
		{"a glob that leaves selects nothing inside", policies, repo, "policies/admin.json", "../**", false},
		{"an absolute path", repo, policies, filepath.ToSlash(filepath.Join(policies, "admin.json")), "policies/*.json", true},
		{"no directories: the paths as they are", "", "", "admin.json", "admin.json", true},
		{"a CDK finding's template, relative to the config", policies, repo, "app/lib/ops.ts|policies/cdk.out/Ops.template.json", "cdk.out/*.json", true},
		{"a CDK finding's app file, relative to the config", repo, policies, "../app/lib/ops.ts|cdk.out/Ops.template.json", "app/lib/*.ts", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig("cfg.yml", []byte("exemptions:\n  - files: ['"+tt.glob+"']\n    reason: break-glass\n"))
			if err != nil {
				t.Fatal(err)
			}
			cfg.Dir, cfg.Base = tt.dir, tt.base
			file, related, _ := strings.Cut(tt.file, "|") // the file shown, and a related one
			f := rules.Finding{RuleID: "IAM-SSM-1", Rule: rules.SendCommand, Severity: rules.SeverityCritical, File: file}
			if related != "" {
				f.Related = []rules.Related{{File: related}}
			}
			_, exempted, _ := cfg.Apply([]rules.Finding{f}, time.Now())
			if got := len(exempted) == 1; got != tt.exempted {
				t.Errorf("exempted = %v, want %v", got, tt.exempted)
			}
		})
	}
}
