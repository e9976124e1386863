package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
)

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
			at := func(f rules.Finding) string { return fmt.Sprintf("%s@%d", f.RuleID, f.Span.Start.Line) }
			for _, e := range res.Exempted {
				if !e.Exemption.InSource {
					t.Errorf("metadata exemption not marked in-source: %+v", e.Exemption)
				}
				exempted = append(exempted, at(e.Finding)+" "+e.Exemption.Source()+" "+e.Exemption.Reason)
			}
			for _, f := range res.Findings {
				open = append(open, at(f))
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
	cfg, err := exempt.ParseConfig("c.yml", []byte("exemptions:\n  - files: [admin-*.json]\n    rules: [IAM-SSM-1]\n    reason: IR\n"))
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
