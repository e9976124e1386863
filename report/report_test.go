package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// sampleReport has one finding of each kind the outputs must show.
func sampleReport() *scan.Report {
	send, session := scan.RuleByID("IAM-SSM-1"), scan.RuleByID("IAM-SSM-2")
	span := func(l, c int) scan.Span {
		return scan.Span{Start: scan.Pos{Line: l, Col: c}, End: scan.Pos{Line: l + 2, Col: 6}}
	}
	return &scan.Report{
		Findings: []scan.Finding{
			{Rule: send, RuleID: send.ID, Severity: scan.SeverityCritical, File: "a.json", Span: span(4, 5), Message: "m1", Sid: "Run",
				Origin: scan.Origin{Resource: "Ops", ResourceType: "AWS::IAM::Role", PolicyName: "p", CDKPath: "App/Ops/Resource"}},
			{Rule: session, RuleID: session.ID, Severity: scan.SeverityHigh, File: "b.yaml", Span: span(7, 9), Message: "m2"},
			{Rule: send, RuleID: send.ID, Severity: scan.SeverityNote, File: "c.json", Span: span(1, 1), Message: "m3"},
		},
		Exempted: []scan.Finding{
			{Rule: send, RuleID: send.ID, Severity: scan.SeverityCritical, File: "admin.json", Span: span(2, 3), Message: "m4",
				Exemption: &scan.Exemption{Reason: "break-glass", File: ".ssm-guardrails.yml", Line: 2, Expires: "2027-06-30"}},
		},
		Warnings: []scan.Warning{{File: "broken.json", Line: 3, Col: 7, Message: "cannot parse: x"}, {File: "big.json", Message: "skipped: too large"}},
		Files:    6,
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name   string
		rep    *scan.Report
		failOn scan.Severity
		want   string
	}{
		{"every kind of line", sampleReport(), scan.SeverityHigh, `a.json:4:5: critical IAM-SSM-1 m1 [sid Run, resource Ops (AWS::IAM::Role), policy p, cdk App/Ops/Resource]
b.yaml:7:9: high IAM-SSM-2 m2
c.json:1:1: note IAM-SSM-1 m3
exempted: admin.json:2:3: critical IAM-SSM-1 m4; reason: "break-glass" (.ssm-guardrails.yml:2, expires 2027-06-30)
warning: broken.json:3:7: cannot parse: x
warning: big.json: skipped: too large
3 findings (1 critical, 1 high, 1 note) in 6 files, 1 exempted, 2 warnings; 2 at or above high
`},
		{"critical only", sampleReport(), scan.SeverityCritical, "; 1 at or above critical\n"},
		{"fail-on none says nothing of failing", sampleReport(), scan.SeverityNone, "2 warnings\n"},
		{"clean", &scan.Report{Files: 1}, scan.SeverityHigh, "0 findings in 1 file; 0 at or above high\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Text(&b, tt.rep, tt.failOn); err != nil {
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
	if err := JSON(&b, sampleReport(), scan.SeverityHigh); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Findings []struct {
			Rule, Severity, File, Message, Sid string
			Span                               scan.Span
			Origin                             scan.Origin
		}
		Exempted []struct {
			Rule      string
			Exemption scan.Exemption
		}
		Warnings     []scan.Warning
		FilesScanned int
		Counts       Counts
		FailOn       string
		Failing      int
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	f := got.Findings[0]
	if f.Rule != "IAM-SSM-1" || f.Severity != "critical" || f.File != "a.json" || f.Span.Start != (scan.Pos{Line: 4, Col: 5}) ||
		f.Span.End != (scan.Pos{Line: 6, Col: 6}) || f.Origin.CDKPath != "App/Ops/Resource" || f.Sid != "Run" {
		t.Errorf("finding = %+v", f)
	}
	if len(got.Exempted) != 1 || got.Exempted[0].Exemption.Reason != "break-glass" || got.Exempted[0].Exemption.Line != 2 {
		t.Errorf("exempted = %+v", got.Exempted)
	}
	if got.FilesScanned != 6 || got.Counts != (Counts{Critical: 1, High: 1, Note: 1}) || got.FailOn != "high" || got.Failing != 2 || len(got.Warnings) != 2 {
		t.Errorf("totals = %+v", got)
	}
	var clean bytes.Buffer
	JSON(&clean, &scan.Report{}, scan.SeverityHigh)
	if strings.Contains(clean.String(), "null") {
		t.Errorf("clean report has null:\n%s", clean.String())
	}
}
