package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// sampleReport has one finding of each kind the outputs must show.
func sampleReport() *scan.Report {
	send, session := rules.ByID("IAM-SSM-1"), rules.ByID("IAM-SSM-2")
	span := func(l, c int) source.Span {
		return source.Span{Start: source.Pos{Line: l, Col: c}, End: source.Pos{Line: l + 2, Col: 6}}
	}
	return &scan.Report{
		Findings: []rules.Finding{
			{Rule: send, RuleID: send.ID, Severity: rules.SeverityCritical, File: "a.json", Span: span(4, 5), Message: "m1", Sid: "Run",
				Origin: iam.Origin{Resource: "Ops", ResourceType: "AWS::IAM::Role", PolicyName: "p", CDKPath: "App/Ops/Resource"}},
			{Rule: session, RuleID: session.ID, Severity: rules.SeverityHigh, File: "b.yaml", Span: span(7, 9), Message: "m2"},
			{Rule: send, RuleID: send.ID, Severity: rules.SeverityNote, File: "c.json", Span: span(1, 1), Message: "m3"},
		},
		Exempted: []exempt.Exempted{{
			Finding:   rules.Finding{Rule: send, RuleID: send.ID, Severity: rules.SeverityCritical, File: "admin.json", Span: span(2, 3), Message: "m4"},
			Exemption: exempt.Exemption{Reason: "break-glass", File: ".ssm-guardrails.yml", Line: 2, Expires: "2027-06-30"},
		}},
		Warnings: []source.Warning{{File: "broken.json", Line: 3, Col: 7, Message: "cannot parse: x"}, {File: "big.json", Message: "skipped: too large"}},
		Files:    6,
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name   string
		rep    *scan.Report
		failOn rules.Severity
		want   string
	}{
		{"every kind of line", sampleReport(), rules.SeverityHigh, `a.json:4:5: critical IAM-SSM-1 m1 [sid Run, resource Ops (AWS::IAM::Role), policy p, cdk App/Ops/Resource]
b.yaml:7:9: high IAM-SSM-2 m2
c.json:1:1: note IAM-SSM-1 m3
exempted: admin.json:2:3: critical IAM-SSM-1 m4; reason: "break-glass" (.ssm-guardrails.yml:2, expires 2027-06-30)
warning: broken.json:3:7: cannot parse: x
warning: big.json: skipped: too large
3 findings (1 critical, 1 high, 1 note) in 6 files, 1 exempted, 2 warnings; 2 at or above high
`},
		{"critical only", sampleReport(), rules.SeverityCritical, "; 1 at or above critical\n"},
		{"fail-on none says nothing of failing", sampleReport(), rules.SeverityNone, "2 warnings\n"},
		{"clean", &scan.Report{Files: 1}, rules.SeverityHigh, "0 findings in 1 file; 0 at or above high\n"},
		{"the config used", &scan.Report{Files: 1, Config: "../.ssm-guardrails.yml"}, rules.SeverityHigh,
			"config: ../.ssm-guardrails.yml\n0 findings in 1 file; 0 at or above high\n"},
		{"a policy the include globs skip", &scan.Report{Files: 1, Unselected: []string{"iam/admin-policy"}}, rules.SeverityHigh,
			"0 findings in 1 file; 0 at or above high\n1 file not selected by --include holds an IAM policy: iam/admin-policy; add --include '**/*' to scan it\n"},
		{"policies the include globs skip", &scan.Report{Files: 1, Unselected: []string{"iam/admin-policy", "b.tpl", "c.txt"}}, rules.SeverityHigh,
			"0 findings in 1 file; 0 at or above high\n3 files not selected by --include hold IAM policies, e.g. iam/admin-policy; add --include '**/*' to scan them\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Text(&b, tt.rep, TextOptions{FailOn: tt.failOn}); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(b.String(), tt.want) {
				t.Errorf("got:\n%s\nwant suffix:\n%s", b.String(), tt.want)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, sampleReport(), rules.SeverityHigh); err != nil {
		t.Fatal(err)
	}
	var got jsonReport
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	f := got.Findings[0]
	if f.Rule != "IAM-SSM-1" || f.Severity != "critical" || f.File != "a.json" || f.Span.Start != (jsonPos{Line: 4, Col: 5}) ||
		f.Span.End != (jsonPos{Line: 6, Col: 6}) || f.Origin.CDKPath != "App/Ops/Resource" || f.Sid != "Run" {
		t.Errorf("finding = %+v", f)
	}
	if len(got.Exempted) != 1 || got.Exempted[0].Exemption.Reason != "break-glass" || got.Exempted[0].Exemption.Line != 2 {
		t.Errorf("exempted = %+v", got.Exempted)
	}
	if got.FilesScanned != 6 || got.Counts != (Counts{Critical: 1, High: 1, Note: 1}) || got.FailOn != "high" || got.Failing != 2 || len(got.Warnings) != 2 {
		t.Errorf("totals = %+v", got)
	}
	var clean bytes.Buffer
	JSON(&clean, &scan.Report{}, rules.SeverityHigh)
	if strings.Contains(clean.String(), "null") {
		t.Errorf("clean report has null:\n%s", clean.String())
	}
}
