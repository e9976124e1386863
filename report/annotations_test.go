package report

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// finding makes a finding of rule id at the given lines of file.
func finding(id string, sev rules.Severity, file string, sp source.Span) rules.Finding {
	r := rules.ByID(id)
	return rules.Finding{Rule: r, RuleID: id, Severity: sev, File: file, Span: sp, Message: "Allow grants " + r.Action + " on all instances"}
}

func span(l1, c1, l2, c2 int) source.Span {
	return source.Span{Start: source.Pos{Line: l1, Col: c1}, End: source.Pos{Line: l2, Col: c2}}
}

func TestAnnotationsFormat(t *testing.T) {
	send := finding("IAM-SSM-1", rules.SeverityCritical, "policies/a,b.json", span(4, 5, 12, 6))
	send.Origin = iam.Origin{Resource: "OpsRole", ResourceType: "AWS::IAM::Role"}
	send.Message = "50% of\nthe fleet: x::y ##[set-output name=a;]b \x1b[31m"
	session := finding("IAM-SSM-2", rules.SeverityHigh, "b.yaml", span(3, 7, 3, 40))
	medium := finding("IAM-SSM-2", rules.SeverityMedium, "c.json", span(1, 1, 1, 2))
	note := finding("IAM-SSM-1", rules.SeverityNote, "d.json", span(2, 3, 5, 4))
	rep := &scan.Report{
		Findings: []rules.Finding{send, session, medium, note},
		Warnings: []source.Warning{{File: "broken.json", Line: 3, Col: 1, Message: "cannot parse: unexpected end of file"}},
	}
	var out strings.Builder
	if err := Annotations(&out, rep, GitHubLimits); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		// Properties are sorted; ',' and ':' in values and '%' in the message are escaped;
		// the message's line break, "##[" and ANSI escape are neutralised.
		// A statement over several lines has no col/endColumn: the runner would drop the annotation.
		"::error endLine=12,file=policies/a%2Cb.json,line=4,title=IAM-SSM-1 UnscopedSendCommand::50%25 of\\nthe fleet: x::y ##\\[set-output name=a;]b \\x1b[31m [resource OpsRole (AWS::IAM::Role)]",
		// On one line, endColumn is the region's last column (Span.End.Col is exclusive).
		"::error col=7,endColumn=39,endLine=3,file=b.yaml,line=3,title=IAM-SSM-2 UnscopedStartSession::Allow grants ssm:StartSession on all instances",
		"::warning col=1,endColumn=1,endLine=1,file=c.json,line=1,title=IAM-SSM-2 UnscopedStartSession::Allow grants ssm:StartSession on all instances",
		"::warning col=1,file=broken.json,line=3,title=ssm-guardrails warning::cannot parse: unexpected end of file",
		"::notice endLine=5,file=d.json,line=2,title=IAM-SSM-1 UnscopedSendCommand::Allow grants ssm:SendCommand on all instances",
		"",
	}, "\n")
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

var commandLine = regexp.MustCompile(`^::(error|warning|notice) [^:]*::`)

// countCommands tallies the annotation commands in out by type.
func countCommands(t *testing.T, out string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		m := commandLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("not an annotation: %q", l)
		}
		n[m[1]]++
	}
	return n
}

func TestAnnotationsStopAtGitHubsLimits(t *testing.T) {
	var rep scan.Report
	for i := range 30 {
		rep.Findings = append(rep.Findings, finding("IAM-SSM-1", rules.SeverityCritical, fmt.Sprintf("c%02d.json", i), span(1, 1, 2, 1)))
	}
	for i := range 25 {
		rep.Findings = append(rep.Findings, finding("IAM-SSM-2", rules.SeverityLow, fmt.Sprintf("l%02d.json", i), span(1, 1, 2, 1)))
	}
	for i := range 12 {
		rep.Findings = append(rep.Findings, finding("IAM-SSM-2", rules.SeverityNote, fmt.Sprintf("n%02d.json", i), span(1, 1, 2, 1)))
	}
	for i := range 3 {
		rep.Warnings = append(rep.Warnings, source.Warning{File: fmt.Sprintf("w%d.json", i), Message: "cannot read"})
	}
	var out strings.Builder
	if err := Annotations(&out, &rep, GitHubLimits); err != nil {
		t.Fatal(err)
	}
	got := countCommands(t, out.String())
	// 10 errors, 10 warnings, 9 notes plus the one notice that counts the rest.
	if got["error"] != 10 || got["warning"] != 10 || got["notice"] != 10 {
		t.Errorf("counts %v", got)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	// The most severe come first, in the report's order.
	if !strings.Contains(lines[0], "file=c00.json") || !strings.Contains(lines[9], "file=c09.json") || !strings.Contains(lines[10], "file=l00.json") {
		t.Errorf("order: %q, %q, %q", lines[0], lines[9], lines[10])
	}
	// Findings outrank the report's warnings for the warning slots.
	if strings.Contains(out.String(), "w0.json") {
		t.Error("a warning took a slot from a finding")
	}
	last := lines[len(lines)-1]
	want := "::notice title=ssm-guardrails%3A more results than annotations::38 more findings and 3 more warnings not annotated"
	if !strings.HasPrefix(last, want) || !strings.Contains(last, "job summary") {
		t.Errorf("last line %q, want prefix %q", last, want)
	}
}

func TestAnnotationsTotalLimit(t *testing.T) {
	var rep scan.Report
	for i := range 8 {
		rep.Findings = append(rep.Findings, finding("IAM-SSM-1", rules.SeverityCritical, fmt.Sprintf("c%d.json", i), span(1, 1, 2, 1)))
	}
	var out strings.Builder
	// One slot is kept for the notice, so 5 in all allow 4 errors.
	if err := Annotations(&out, &rep, AnnotationLimits{Error: 10, Warning: 10, Notice: 10, Total: 5}); err != nil {
		t.Fatal(err)
	}
	got := countCommands(t, out.String())
	if got["error"] != 4 || got["notice"] != 1 || !strings.Contains(out.String(), "::4 more findings not annotated") {
		t.Errorf("counts %v\n%s", got, out.String())
	}
}

func TestAnnotationsNothingToSay(t *testing.T) {
	var out strings.Builder
	if err := Annotations(&out, &scan.Report{}, GitHubLimits); err != nil || out.Len() != 0 {
		t.Errorf("clean report wrote %q, %v", out.String(), err)
	}
}
