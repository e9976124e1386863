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

func summaryOf(t *testing.T, rep *scan.Report, opts SummaryOptions) string {
	t.Helper()
	var out strings.Builder
	if err := Summary(&out, rep, opts); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func checkContains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}

func TestSummary(t *testing.T) {
	send := finding("IAM-SSM-1", rules.SeverityCritical, "policies/ops team.json", span(4, 5, 12, 6))
	send.Origin = iam.Origin{Resource: "OpsRole", ResourceType: "AWS::IAM::Role"}
	send.Sid = "Run_All"
	send.Message = "grants <b>|everything|</b> *now*\nreally"
	session := finding("IAM-SSM-2", rules.SeverityHigh, "b.yaml", span(3, 7, 3, 40))
	low := finding("IAM-SSM-2", rules.SeverityMedium, "c.yaml", span(1, 1, 1, 9))
	rep := &scan.Report{
		Rules:    rules.All,
		Findings: []rules.Finding{send, session, low},
		Warnings: []source.Warning{{File: "broken.json", Line: 3, Col: 1, Message: "cannot parse: unexpected end of file"}},
		Files:    3,
	}
	got := summaryOf(t, rep, SummaryOptions{FailOn: rules.SeverityHigh, BlobURL: "https://github.com/octo/repo/blob/abc123", MaxBytes: 1 << 20})
	checkContains(t, got,
		// The outcome and why, first.
		"## :x: ssm-guardrails: failed\n\n**2 findings at or above high** (fail-on): 1 IAM-SSM-1, 1 IAM-SSM-2.\n\n3 files scanned, 1 warning.\n",
		// Counts by rule, each rule linked to its documentation.
		"| Rule | Severity | Open | Exempted |\n| --- | --- | ---: | ---: |\n"+
			"| [IAM-SSM-1](https://github.com/ssm-guardrails/ssm-guardrails#iam-ssm-1) UnscopedSendCommand | critical | 1 | 0 |\n"+
			"| [IAM-SSM-2](https://github.com/ssm-guardrails/ssm-guardrails#iam-ssm-2) UnscopedStartSession | high | 2 | 0 |\n",
		// The message before the location; a statement over several lines
		// links to its line range; the path is escaped in the URL only.
		"| Severity | Rule | Message | Location | Statement |",
		"| critical | [IAM-SSM-1](https://github.com/ssm-guardrails/ssm-guardrails#iam-ssm-1) | grants &lt;b&gt;\\|everything\\|&lt;/b&gt; \\*now\\*\\\\nreally | "+
			"[policies/ops team.json:4](https://github.com/octo/repo/blob/abc123/policies/ops%20team.json#L4-L12) | sid Run\\_All, resource OpsRole (AWS::IAM::Role) |",
		"| high | [IAM-SSM-2](https://github.com/ssm-guardrails/ssm-guardrails#iam-ssm-2) | Allow grants ssm:StartSession on all instances | [b.yaml:3](https://github.com/octo/repo/blob/abc123/b.yaml#L3) |  |",
		// One collapsed fix per rule that fired, with the corrected policy.
		"<details><summary>How to fix IAM-SSM-1 UnscopedSendCommand</summary>\n\n",
		"```json\n"+rules.ByID("IAM-SSM-1").Fix.JSON+"\n```",
		"```yaml\n"+rules.ByID("IAM-SSM-2").Fix.YAML+"\n```",
		"### Warnings\n\n",
		"- broken.json:3:1: cannot parse: unexpected end of file\n",
	)
	if n := strings.Count(got, "<details>"); n != 2 {
		t.Errorf("%d fixes, want one per rule that fired", n)
	}
	// Every table row has exactly its cells: no | from the input escaped the cell.
	for _, l := range strings.Split(got, "\n") {
		if strings.HasPrefix(l, "| critical | [") && strings.Count(strings.ReplaceAll(l, `\|`, ""), "|") != 6 {
			t.Errorf("row breaks its cells: %s", l)
		}
	}
}

func TestSummaryHeadline(t *testing.T) {
	crit := finding("IAM-SSM-1", rules.SeverityCritical, "a.json", span(1, 2, 1, 9))
	med := finding("IAM-SSM-1", rules.SeverityMedium, "b.json", span(1, 2, 1, 9))
	for _, tt := range []struct {
		name   string
		rep    *scan.Report
		failOn rules.Severity
		want   string
	}{
		{"clean", &scan.Report{Files: 2}, rules.SeverityHigh, "## :white_check_mark: ssm-guardrails: passed\n\n**No findings.**\n\n2 files scanned.\n"},
		{"below fail-on", &scan.Report{Files: 1, Findings: []rules.Finding{med}}, rules.SeverityHigh,
			"## :white_check_mark: ssm-guardrails: passed\n\n**Nothing at or above high** (fail-on); 1 finding below it.\n\n1 file scanned.\n"},
		{"fail-on none", &scan.Report{Files: 1, Findings: []rules.Finding{crit}}, rules.SeverityNone,
			"## :white_check_mark: ssm-guardrails: passed\n\n**1 finding**, none failing: fail-on is none.\n\n1 file scanned.\n"},
		{"failed", &scan.Report{Files: 1, Findings: []rules.Finding{crit, med}}, rules.SeverityHigh,
			"## :x: ssm-guardrails: failed\n\n**1 finding at or above high** (fail-on): 1 IAM-SSM-1.\n\n1 file scanned.\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := summaryOf(t, tt.rep, SummaryOptions{FailOn: tt.failOn})
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("got\n%s\nwant it to start\n%s", got, tt.want)
			}
		})
	}
	// Without a link base, locations are plain text.
	got := summaryOf(t, &scan.Report{Findings: []rules.Finding{crit}}, SummaryOptions{FailOn: rules.SeverityNone})
	checkContains(t, got, "| a.json:1 |")
}

func TestSummaryListsExemptedFindings(t *testing.T) {
	f := exempt.Exempted{Finding: finding("IAM-SSM-1", rules.SeverityCritical, "policies/admin-ops.json", span(3, 5, 8, 6)),
		Exemption: exempt.Exemption{Reason: "break-glass role | SEC-101", File: ".ssm-guardrails.yml", Line: 4, Expires: "2027-06-30"}}
	g := exempt.Exempted{Finding: finding("IAM-SSM-2", rules.SeverityHigh, "t.yaml", span(9, 7, 12, 1)),
		Exemption: exempt.Exemption{Reason: "support desk", File: "t.yaml", Line: 5, InSource: true}}
	rep := &scan.Report{Rules: rules.All, Exempted: []exempt.Exempted{f, g}, Files: 2}
	got := summaryOf(t, rep, SummaryOptions{FailOn: rules.SeverityHigh, BlobURL: "https://github.com/o/r/blob/s"})
	checkContains(t, got,
		"2 files scanned, 2 exempted.",
		"| critical | 0 | 1 |",
		"### Exempted findings\n\n| Severity | Rule | Message | Location | Reason | Exempted by |",
		"| critical | [IAM-SSM-1](https://github.com/ssm-guardrails/ssm-guardrails#iam-ssm-1) | Allow grants ssm:SendCommand on all instances | "+
			"[policies/admin-ops.json:3](https://github.com/o/r/blob/s/policies/admin-ops.json#L3-L8) | break-glass role \\| SEC-101 | .ssm-guardrails.yml:4, expires 2027-06-30 |",
		"| high | [IAM-SSM-2](https://github.com/ssm-guardrails/ssm-guardrails#iam-ssm-2) | Allow grants ssm:StartSession on all instances | "+
			"[t.yaml:9](https://github.com/o/r/blob/s/t.yaml#L9-L12) | support desk | t.yaml:5 |",
	)
	if strings.Contains(got, "### Findings") || strings.Contains(got, "<details>") {
		t.Errorf("exempted findings listed as open, or with a fix:\n%s", got)
	}
}

func TestSummaryReview(t *testing.T) {
	cfg, err := exempt.ParseConfig(".ssm-guardrails.yml", []byte("exemptions:\n  - files: [policies/admin-*.json]\n    rules: [IAM-SSM-1]\n    reason: \"ask @octocat, see https://evil.example\"\n    expires: 2027-06-30\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep := &scan.Report{Files: 1}
	got := summaryOf(t, rep, SummaryOptions{FailOn: rules.SeverityHigh, BlobURL: "https://github.com/o/r/blob/s",
		Review: &Review{Config: ".ssm-guardrails.yml", Added: cfg.Entries}})
	checkContains(t, got, "### Exemptions added by this pull request\n\nReview each: an exemption lets a finding pass.\n\n| Exemption | Reason | Selects |\n| --- | --- | --- |\n"+
		"| [.ssm-guardrails.yml:2](https://github.com/o/r/blob/s/.ssm-guardrails.yml#L2) | ask @&#8203;octocat, see https:&#8203;//evil.example | "+
		"files: policies/admin-\\*.json; rules: IAM-SSM-1; expires 2027-06-30 |\n")

	got = summaryOf(t, rep, SummaryOptions{FailOn: rules.SeverityHigh, Review: &Review{Config: ".ssm-guardrails.yml", Unavailable: "GET ...: 403 Forbidden: <b>no</b>"}})
	checkContains(t, got, "### Exemptions added by this pull request\n\nNot checked: GET ...: 403 Forbidden: &lt;b&gt;no&lt;/b&gt;\n")
	if got := summaryOf(t, rep, SummaryOptions{FailOn: rules.SeverityHigh, Review: &Review{Config: "c.yml"}}); strings.Contains(got, "added by this pull request") {
		t.Errorf("a section for no added exemption:\n%s", got)
	}
}

func TestSummaryEnd(t *testing.T) {
	var out strings.Builder
	if err := SummaryEnd(&out, "upload skipped (upload: false).", "1.2.3"); err != nil {
		t.Fatal(err)
	}
	if want := "\n**Code scanning:** upload skipped (upload: false).\n\n<sub>ssm-guardrails 1.2.3</sub>\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestSummaryStaysUnderTheCap(t *testing.T) {
	rep := &scan.Report{Rules: rules.All}
	for i := range 5000 {
		f := finding("IAM-SSM-1", rules.SeverityCritical, fmt.Sprintf("dir/policy-%04d.json", i), span(1, 1, 9, 2))
		f.Message = strings.Repeat("long message ", 20)
		rep.Findings = append(rep.Findings, f)
	}
	for i := range 2000 {
		rep.Warnings = append(rep.Warnings, source.Warning{File: fmt.Sprintf("bad-%04d.json", i), Message: strings.Repeat("cannot parse ", 10)})
	}
	const limit = 64 << 10
	got := summaryOf(t, rep, SummaryOptions{FailOn: rules.SeverityHigh, BlobURL: "https://github.com/o/r/blob/s", MaxBytes: limit})
	if len(got) > limit {
		t.Fatalf("summary is %d bytes, over %d", len(got), limit)
	}
	listed := strings.Count(got, "| critical | [")
	files := strings.Count(got, "\n- bad-")
	if listed == 0 || files == 0 {
		t.Fatalf("listed %d findings and %d files; both sections should keep some room", listed, files)
	}
	checkContains(t, got,
		fmt.Sprintf("%d more findings not listed", 5000-listed),
		fmt.Sprintf("%d more warnings not listed", 2000-files),
		"<details><summary>How to fix IAM-SSM-1", // the fix is kept whatever the rows
	)
}
