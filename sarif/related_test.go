package sarif

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// cdkFinding is a CDK finding shown at its app line, with its template
// statement at line related.
func cdkFinding(related int) rules.Finding {
	f := testFinding("IAM-SSM-1", rules.SeverityCritical, "lib/ops-stack.js", 21)
	f.Span = source.Span{Start: source.Pos{Line: 21, Col: 20}, End: source.Pos{Line: 21, Col: 20}}
	f.Related = []rules.Related{{File: "cdk.out/Ops.template.json", Message: scan.TemplateStatement,
		Span: source.Span{Start: source.Pos{Line: related, Col: 7}, End: source.Pos{Line: related + 4, Col: 8}}}}
	return f
}

func TestRelatedLocations(t *testing.T) {
	f := cdkFinding(28)
	f.Related = append(f.Related, rules.Related{File: "b c.yaml", Span: source.Span{Start: source.Pos{Line: 3, Col: 1}}, Message: "anchor."})
	res, err := result(&f, ruleIndexes(rules.All))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range res.RelatedLocations {
		p := l.PhysicalLocation
		r := p.Region
		got = append(got, strings.Join([]string{
			strconv.Itoa(int(deref(l.Id))), deref(p.ArtifactLocation.URI), deref(p.ArtifactLocation.URIBaseId),
			strconv.Itoa(deref(r.StartLine)), strconv.Itoa(deref(r.StartColumn)), strconv.Itoa(deref(r.EndLine)), strconv.Itoa(deref(r.EndColumn)), deref(l.Message.Text),
		}, " "))
	}
	want := []string{
		"1 cdk.out/Ops.template.json %SRCROOT% 28 7 32 8 statement in the synthesized template.",
		"2 b%20c.yaml %SRCROOT% 3 1 0 0 anchor.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("related locations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p := res.Locations[0].PhysicalLocation; deref(p.ArtifactLocation.URI) != "lib/ops-stack.js" || deref(p.Region.StartLine) != 21 ||
		deref(p.Region.StartColumn) != 20 || p.Region.EndLine != nil {
		t.Errorf("primary location %+v", p)
	}

	plain := testFinding("IAM-SSM-1", rules.SeverityCritical, "p.json", 3)
	if res, _ := result(&plain, ruleIndexes(rules.All)); res.RelatedLocations != nil {
		t.Errorf("a finding without related places has related locations %v", res.RelatedLocations)
	}
	f.Related[0].File = "/abs/Ops.template.json"
	if _, err := result(&f, ruleIndexes(rules.All)); err == nil || !strings.Contains(err.Error(), "not relative") {
		t.Errorf("a related location outside the working directory gives %v", err)
	}
}

// TestSuppressionGUIDsOfOneAppLine: two exempted CDK findings of one
// policy share their app line; their suppressions still differ. A finding
// without related places keeps the GUID it had.
func TestSuppressionGUIDsOfOneAppLine(t *testing.T) {
	ex := exempt.Exemption{Reason: "r", File: ".ssm-guardrails.yml", Line: 2}
	a, b := cdkFinding(28), cdkFinding(33)
	if stableGUID(guidParts(&a, &ex)...) == stableGUID(guidParts(&b, &ex)...) {
		t.Error("two statements on one app line share a suppression GUID")
	}
	plain := testFinding("IAM-SSM-1", rules.SeverityCritical, "p.json", 3)
	if got, want := stableGUID(guidParts(&plain, &ex)...), stableGUID("IAM-SSM-1", "p.json", "3 5", ".ssm-guardrails.yml:2"); got != want {
		t.Errorf("GUID %s, want %s as before", got, want)
	}
}
