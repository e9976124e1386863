package scan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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
	if cfg, err := LoadConfig(missing, false); cfg != nil || err != nil {
		t.Errorf("optional missing config: %v, %v", cfg, err)
	}
	if _, err := LoadConfig(missing, true); err == nil || !strings.Contains(err.Error(), "cannot read: no such file") {
		t.Errorf("required missing config: %v", err)
	}
	path := filepath.Join(dir, "c.yml")
	os.WriteFile(path, []byte("exemptions:\n  - files: ['**/admin-*.json']\n    reason: break-glass\n    expires: 2027-06-30\n"), 0o644)
	cfg, err := LoadConfig(path, true)
	if err != nil || len(cfg.Exemptions) != 1 {
		t.Fatalf("%v %v", cfg, err)
	}
	want := ExemptionRule{Files: []string{"**/admin-*.json"}, Reason: "break-glass", Expires: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), Line: 2}
	if got := cfg.Exemptions[0]; !slices.Equal(got.Files, want.Files) || got.Reason != want.Reason || !got.Expires.Equal(want.Expires) || got.Line != want.Line {
		t.Errorf("entry = %+v, want %+v", got, want)
	}
	if cfg, err := ParseConfig("empty.yml", nil); err != nil || len(cfg.Exemptions) != 0 {
		t.Errorf("empty config: %v %v", cfg, err)
	}
}

// exemptionFindings are the findings the Apply tests start from.
func exemptionFindings() []Finding {
	mk := func(rule, file string, o Origin) Finding {
		return Finding{RuleID: rule, Rule: RuleByID(rule), Severity: RuleByID(rule).Severity, File: file, Origin: o}
	}
	return []Finding{
		mk("IAM-SSM-1", "policies/admin-breakglass.json", Origin{PolicyName: "IncidentResponse"}),
		mk("IAM-SSM-2", "policies/admin-breakglass.json", Origin{PolicyName: "IncidentResponse"}),
		mk("IAM-SSM-1", "stacks/ops.yaml", Origin{Resource: "OpsRole", PolicyName: "run"}),
		mk("IAM-SSM-2", "cdk.out/App.template.json", Origin{Resource: "Breakglass1234", CDKPath: "App/Breakglass/Role/DefaultPolicy/Resource"}),
		mk("IAM-SSM-1", "policies/dev.json", Origin{}),
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
			exempted: []string{"cdk.out/App.template.json/IAM-SSM-2", "stacks/ops.yaml/IAM-SSM-1"},
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
			rep := &Report{Findings: exemptionFindings()}
			cfg.Apply(rep, now)
			var got []string
			for _, f := range rep.Exempted {
				got = append(got, f.File+"/"+f.RuleID)
				if f.Exemption == nil || f.Exemption.Reason == "" || !strings.HasPrefix(f.Exemption.Source(), "cfg.yml:") || f.Exemption.InSource {
					t.Errorf("exemption = %+v", f.Exemption)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.exempted) {
				t.Errorf("exempted = %q, want %q", got, tt.exempted)
			}
			if len(rep.Findings)+len(rep.Exempted) != len(exemptionFindings()) {
				t.Errorf("findings lost: %d open + %d exempted", len(rep.Findings), len(rep.Exempted))
			}
			var warnings []string
			for _, w := range rep.Warnings {
				warnings = append(warnings, w.String())
			}
			if !slices.Equal(warnings, tt.warnings) {
				t.Errorf("warnings = %q, want %q", warnings, tt.warnings)
			}
		})
	}
}

func TestMetadataSuppression(t *testing.T) {
	tests := []struct {
		name, file, content string
		exempted            []string // RULE@LINE and the source line
		open                []string
		warnings            []string
	}{
		{
			name: "YAML template",
			file: "stack.yaml",
			content: `Resources:
  SupportRole:
    Type: AWS::IAM::Role
    Metadata:
      ssm-guardrails:
        suppress:
          - rule: IAM-SSM-2
            reason: "support desk sessions, SEC-606"
    Properties:
      Policies:
        - PolicyName: support
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [ssm:StartSession, ssm:SendCommand]
                Resource: "*"
`,
			exempted: []string{"IAM-SSM-2@14 stack.yaml:7 support desk sessions, SEC-606"},
			open:     []string{"IAM-SSM-1@14"},
		},
		{
			name: "JSON template, with a bad entry and an unused one",
			file: "stack.json",
			content: `{"Resources": {"Ops": {
  "Type": "AWS::IAM::ManagedPolicy",
  "Metadata": {"ssm-guardrails": {"suppress": [
    {"rule": "IAM-SSM-1", "reason": "break-glass, SEC-101"},
    {"rule": "IAM-SSM-2"},
    {"rule": "IAM-SSM-3", "reason": "typo"},
    {"rule": "IAM-SSM-2", "reason": "sessions too", "expires": "2027-01-01"}
  ]}},
  "Properties": {"PolicyDocument": {"Statement": [
    {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}
  ]}}
}}}
`,
			exempted: []string{"IAM-SSM-1@10 stack.json:4 break-glass, SEC-101"},
			warnings: []string{
				"stack.json:5:5: ssm-guardrails suppress entry ignored: no reason: say why this wildcard is accepted",
				`stack.json:6:5: ssm-guardrails suppress entry ignored: unknown rule "IAM-SSM-3" (use IAM-SSM-1, IAM-SSM-2)`,
				`stack.json:7:5: ssm-guardrails suppress entry ignored: unknown key "expires" (use rule and reason)`,
			},
		},
		{
			name: "CDK output with cfnOptions.metadata",
			file: "cdk.out/App.template.json",
			content: `{
 "Resources": {
  "BreakglassPolicy1234": {
   "Type": "AWS::IAM::Policy",
   "Properties": {
    "PolicyDocument": {"Statement": [{"Action": "ssm:SendCommand", "Effect": "Allow", "Resource": "*"}], "Version": "2012-10-17"},
    "PolicyName": "BreakglassPolicy1234"
   },
   "Metadata": {
    "ssm-guardrails": {"suppress": [{"rule": "IAM-SSM-1", "reason": "break-glass"}, {"rule": "IAM-SSM-2", "reason": "no longer needed"}]},
    "aws:cdk:path": "App/Breakglass/Policy/Resource"
   }
  }
 }
}
`,
			exempted: []string{"IAM-SSM-1@6 cdk.out/App.template.json:10 break-glass"},
			warnings: []string{"cdk.out/App.template.json:10:85: ssm-guardrails suppression of IAM-SSM-2 matched no finding; remove it if it is no longer needed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ScanFile(tt.file, []byte(tt.content))
			var exempted, open, warnings []string
			for _, f := range res.Findings {
				at := f.RuleID + "@" + strings.Split(strings.SplitN(located(f), "@", 2)[1], ":")[0]
				if f.Exemption != nil {
					if !f.Exemption.InSource {
						t.Errorf("metadata exemption not marked in-source: %+v", f.Exemption)
					}
					exempted = append(exempted, at+" "+f.Exemption.Source()+" "+f.Exemption.Reason)
				} else {
					open = append(open, at)
				}
			}
			for _, w := range res.Warnings {
				warnings = append(warnings, w.String())
			}
			if !slices.Equal(exempted, tt.exempted) || !slices.Equal(open, tt.open) || !slices.Equal(warnings, tt.warnings) {
				t.Errorf("exempted %q open %q warnings %q\nwant %q %q %q", exempted, open, warnings, tt.exempted, tt.open, tt.warnings)
			}
		})
	}
}

func TestRunSplitsExempted(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "admin-ir.json"), []byte(`{"Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}]}`), 0o644)
	cfg, err := ParseConfig("c.yml", []byte("exemptions:\n  - files: [admin-*.json]\n    rules: [IAM-SSM-1]\n    reason: IR\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(Options{Paths: []string{dir}, BaseDir: dir, Config: cfg, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].RuleID != "IAM-SSM-2" || len(rep.Exempted) != 1 || rep.Exempted[0].RuleID != "IAM-SSM-1" {
		t.Errorf("open %v exempted %v", rep.Findings, rep.Exempted)
	}
}
