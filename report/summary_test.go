package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

func TestSummary(t *testing.T) {
	send := finding("IAM-SSM-1", rules.SeverityCritical, "policies/ops team.json", span(4, 5, 12, 6))
	send.Origin = iam.Origin{Resource: "OpsRole", ResourceType: "AWS::IAM::Role"}
	send.Sid = "Run_All"
	send.Message = "grants <b>|everything|</b> *now*\nreally"
	session := finding("IAM-SSM-2", rules.SeverityHigh, "b.yaml", span(3, 7, 3, 40))
	rep := &scan.Report{
		Findings: []rules.Finding{send, session},
		Warnings: []source.Warning{{File: "broken.json", Line: 3, Col: 1, Message: "cannot parse: unexpected end of file"}},
		Files:    3,
	}
	var out strings.Builder
	err := Summary(&out, rep, SummaryOptions{FailOn: rules.SeverityHigh, BlobURL: "https://github.com/octo/repo/blob/abc123", MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"## ssm-guardrails\n",
		"2 findings (1 critical, 1 high) in 3 files, 1 warning; 2 at or above high.",
		"| critical | 1 |\n| high | 1 |\n| medium | 0 |\n| low | 0 |\n| note | 0 |\n",
		"| Severity | Location | Rule | Resource | Message |",
		// A statement over several lines links to its line range; the path is escaped in the URL only.
		"| critical | [policies/ops team.json:4](https://github.com/octo/repo/blob/abc123/policies/ops%20team.json#L4-L12) | IAM-SSM-1 UnscopedSendCommand | sid Run\\_All, resource OpsRole (AWS::IAM::Role) | grants &lt;b&gt;\\|everything\\|&lt;/b&gt; \\*now\\* really |",
		"| high | [b.yaml:3](https://github.com/octo/repo/blob/abc123/b.yaml#L3) | IAM-SSM-2 UnscopedStartSession |  | Allow grants ssm:StartSession on all instances |",
		"### Warnings\n\n- broken.json:3:1: cannot parse: unexpected end of file\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	// Every table row has exactly its five cells: no | from the input escaped the cell.
	for _, l := range strings.Split(got, "\n") {
		if strings.HasPrefix(l, "| critical | [") && strings.Count(strings.ReplaceAll(l, `\|`, ""), "|") != 6 {
			t.Errorf("row breaks its cells: %s", l)
		}
	}
}

func TestSummaryListsExemptedFindings(t *testing.T) {
	f := exempt.Exempted{Finding: finding("IAM-SSM-1", rules.SeverityCritical, "policies/admin-ops.json", span(3, 5, 8, 6)),
		Exemption: exempt.Exemption{Reason: "break-glass role | SEC-101", File: ".ssm-guardrails.yml", Line: 4, Expires: "2027-06-30"}}
	g := exempt.Exempted{Finding: finding("IAM-SSM-2", rules.SeverityHigh, "t.yaml", span(9, 7, 12, 1)),
		Exemption: exempt.Exemption{Reason: "support desk", File: "t.yaml", Line: 5, InSource: true}}
	rep := &scan.Report{Exempted: []exempt.Exempted{f, g}, Files: 2}
	var out strings.Builder
	if err := Summary(&out, rep, SummaryOptions{FailOn: rules.SeverityHigh, BlobURL: "https://github.com/o/r/blob/s"}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"### Exempted findings\n\n| Severity | Location | Rule | Reason | Exempted by |",
		"| critical | [policies/admin-ops.json:3](https://github.com/o/r/blob/s/policies/admin-ops.json#L3-L8) | IAM-SSM-1 UnscopedSendCommand | break-glass role \\| SEC-101 | .ssm-guardrails.yml:4, expires 2027-06-30 |",
		"| high | [t.yaml:9](https://github.com/o/r/blob/s/t.yaml#L9-L12) | IAM-SSM-2 UnscopedStartSession | support desk | t.yaml:5 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "### Findings") {
		t.Errorf("exempted findings listed as open:\n%s", got)
	}
}

func TestSummaryWithoutLinksOrFindings(t *testing.T) {
	var out strings.Builder
	if err := Summary(&out, &scan.Report{Files: 2}, SummaryOptions{FailOn: rules.SeverityHigh}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "0 findings in 2 files; 0 at or above high.") || strings.Contains(got, "### Findings") || strings.Contains(got, "### Warnings") {
		t.Errorf("clean summary:\n%s", got)
	}
	rep := &scan.Report{Findings: []rules.Finding{finding("IAM-SSM-1", rules.SeverityCritical, "a.json", span(1, 2, 1, 9))}}
	out.Reset()
	if err := Summary(&out, rep, SummaryOptions{FailOn: rules.SeverityNone}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| critical | a.json:1 | IAM-SSM-1") {
		t.Errorf("unlinked row missing:\n%s", out.String())
	}
}

func TestSummaryStaysUnderTheCap(t *testing.T) {
	rep := &scan.Report{}
	for i := range 5000 {
		f := finding("IAM-SSM-1", rules.SeverityCritical, fmt.Sprintf("dir/policy-%04d.json", i), span(1, 1, 9, 2))
		f.Message = strings.Repeat("long message ", 20)
		rep.Findings = append(rep.Findings, f)
	}
	for i := range 2000 {
		rep.Warnings = append(rep.Warnings, source.Warning{File: fmt.Sprintf("bad-%04d.json", i), Message: strings.Repeat("cannot parse ", 10)})
	}
	const limit = 64 << 10
	var out strings.Builder
	if err := Summary(&out, rep, SummaryOptions{FailOn: rules.SeverityHigh, BlobURL: "https://github.com/o/r/blob/s", MaxBytes: limit}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if len(got) > limit {
		t.Fatalf("summary is %d bytes, over %d", len(got), limit)
	}
	listed := strings.Count(got, "| critical | [")
	files := strings.Count(got, "\n- bad-")
	if listed == 0 || files == 0 {
		t.Fatalf("listed %d findings and %d files; both sections should keep some room", listed, files)
	}
	for _, want := range []string{
		fmt.Sprintf("%d more findings not listed", 5000-listed),
		fmt.Sprintf("%d more warnings not listed", 2000-files),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
}
