package sarif

import (
	"net/url"
	"strings"
	"testing"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

func TestFileURI(t *testing.T) {
	for _, c := range []struct {
		path, want string
	}{
		{"policy.json", "policy.json"},
		{"cdk.out/App.template.json", "cdk.out/App.template.json"},
		{"my policies/a b.json", "my%20policies/a%20b.json"},
		{"a#1?.json", "a%231%3F.json"},
		{"100%.json", "100%25.json"},
		{"c:x.json", "c%3Ax.json"},
		{"dir/c:x.json", "dir/c:x.json"},
		{"ünï/😀.json", "%C3%BCn%C3%AF/%F0%9F%98%80.json"},
		{"../elsewhere/p.json", "../elsewhere/p.json"},
	} {
		got, err := fileURI(c.path)
		if err != nil || got != c.want {
			t.Errorf("fileURI(%q) = %q, %v; want %q", c.path, got, err, c.want)
			continue
		}
		// A relative reference that decodes back to the path.
		u, err := url.Parse(got)
		if err != nil || u.IsAbs() || u.Host != "" || u.Path != c.path || u.RawQuery != "" || u.Fragment != "" {
			t.Errorf("fileURI(%q) = %q parses as %#v, %v", c.path, got, u, err)
		}
	}
	for _, bad := range []string{"", "/abs/policy.json", "//server/share/p.json", "C:/repo/p.json"} {
		if got, err := fileURI(bad); err == nil {
			t.Errorf("fileURI(%q) = %q, want an error (not a relative path)", bad, got)
		}
	}
}

func TestLogicalLocation(t *testing.T) {
	for _, c := range []struct {
		name   string
		origin iam.Origin
		want   *gosarif.LogicalLocation // nil: none
	}{
		{"bare policy", iam.Origin{}, nil},
		{"nested document", iam.Origin{Path: "Policies[0].PolicyDocument"},
			ll("Policies[0].PolicyDocument", "Policies[0].PolicyDocument", "object")},
		{"named policy", iam.Origin{PolicyName: "Ops", Path: "PolicyDocument"}, ll("Ops", "Ops", "object")},
		{"resource", iam.Origin{Resource: "OpsRole", ResourceType: "AWS::IAM::Role", Path: "Resources.OpsRole"},
			ll("OpsRole", "OpsRole", "resource")},
		{"resource policy", iam.Origin{Resource: "OpsRole", PolicyName: "OpsAccess"}, ll("OpsRole", "OpsRole/OpsAccess", "resource")},
		{"cdk", iam.Origin{Resource: "WorkerPolicy1A2B", CDKPath: "App/Worker/DefaultPolicy/Resource", PolicyName: "WorkerPolicy1A2B"},
			ll("WorkerPolicy1A2B", "App/Worker/DefaultPolicy/Resource/WorkerPolicy1A2B", "resource")},
		{"cli export", iam.Origin{Identity: "ops-admin", PolicyName: "inline"}, ll("ops-admin", "ops-admin/inline", "resource")},
	} {
		got := logicalLocation(c.origin)
		if (got == nil) != (c.want == nil) || got != nil && (deref(got.Name) != deref(c.want.Name) ||
			deref(got.FullyQualifiedName) != deref(c.want.FullyQualifiedName) || deref(got.Kind) != deref(c.want.Kind)) {
			t.Errorf("%s: logicalLocation(%+v) = %s, want %s", c.name, c.origin, llString(got), llString(c.want))
		}
	}
}

func ll(name, fqn, kind string) *gosarif.LogicalLocation {
	return &gosarif.LogicalLocation{Name: &name, FullyQualifiedName: &fqn, Kind: &kind}
}

func llString(l *gosarif.LogicalLocation) string {
	if l == nil {
		return "none"
	}
	return strings.Join([]string{deref(l.Name), deref(l.FullyQualifiedName), deref(l.Kind)}, " | ")
}

// testFinding is a finding of rule id on lines line to line+2.
func testFinding(id string, sev rules.Severity, file string, line int) rules.Finding {
	return rules.Finding{
		Rule: rules.ByID(id), RuleID: id, Severity: sev, File: file,
		Span:    source.Span{Start: source.Pos{Line: line, Col: 5}, End: source.Pos{Line: line + 2, Col: 6}},
		Message: "Allow grants ssm:SendCommand on every instance",
	}
}

func TestResult(t *testing.T) {
	f := testFinding("IAM-SSM-2", rules.SeverityHigh, "p.json", 3)
	res, err := result(&f, ruleIndexes(rules.All))
	if err != nil {
		t.Fatal(err)
	}
	if deref(res.Message.Text) != f.Message+"." {
		t.Errorf("message %q, want the finding's message as a sentence", deref(res.Message.Text))
	}
	if res.PartialFingerprints != nil {
		t.Errorf("partialFingerprints %v without a LineHash, want none", res.PartialFingerprints)
	}
	f.LineHash = "1a2b:1"
	if res, _ = result(&f, ruleIndexes(rules.All)); res.PartialFingerprints["primaryLocationLineHash"] != "1a2b:1" {
		t.Errorf("partialFingerprints %v, want the LineHash", res.PartialFingerprints)
	}
	// One line: the end column stays; an empty span has only a start.
	f.Span = source.Span{Start: source.Pos{Line: 1, Col: 3}, End: source.Pos{Line: 1, Col: 3}}
	res, _ = result(&f, ruleIndexes(rules.All))
	if r := res.Locations[0].PhysicalLocation.Region; r.EndLine != nil || r.EndColumn != nil {
		t.Errorf("empty span gives end %d:%d, want none", deref(r.EndLine), deref(r.EndColumn))
	}
}

func TestResultErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		f     rules.Finding
		error string
	}{
		{"undeclared rule", testFinding("IAM-SSM-99", rules.SeverityHigh, "p.json", 1), "undeclared rule"},
		{"absolute path", testFinding("IAM-SSM-1", rules.SeverityCritical, "/repo/p.json", 1), "not relative"},
		{"no position", testFinding("IAM-SSM-1", rules.SeverityCritical, "p.json", 0), "no position"},
	} {
		rep := &scan.Report{Rules: rules.All, Findings: []rules.Finding{c.f}}
		if _, err := Build(rep, Options{}); err == nil || !strings.Contains(err.Error(), c.error) {
			t.Errorf("%s: Build error %v, want %q", c.name, err, c.error)
		}
	}
	if _, err := Build(nil, Options{}); err == nil {
		t.Error("Build(nil) gives no error")
	}
}

// TestNotesAreNotResults: an ineffective condition is not an alert, and
// GitHub would rank it by its rule's critical security-severity.
func TestNotesAreNotResults(t *testing.T) {
	rep := &scan.Report{Rules: rules.All, Findings: []rules.Finding{
		testFinding("IAM-SSM-1", rules.SeverityCritical, "a.json", 1),
		testFinding("IAM-SSM-1", rules.SeverityNote, "a.json", 10),
		testFinding("IAM-SSM-2", rules.SeverityNote, "b.json", 1),
	}}
	log, err := Build(rep, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rs := log.Runs[0].Results; len(rs) != 1 || deref(rs[0].Locations[0].PhysicalLocation.Region.StartLine) != 1 {
		t.Errorf("results %s, want only the critical finding", regions(log))
	}

	// The findings tree has one such note (ec2:ResourceTag).
	tree := scanTree(t, "findings")
	notes := 0
	for _, f := range tree.Findings {
		if f.Severity == rules.SeverityNote {
			notes++
		}
	}
	if notes == 0 {
		t.Error("testdata/findings gives no note: the golden file does not show that notes are left out")
	}
}

func TestCategory(t *testing.T) {
	for _, c := range []struct{ category, want string }{
		{"", ""},
		{"iam", "iam/"},
		{"iam/prod", "iam/prod/"},
		{"iam/", "iam/"},
	} {
		log, err := Build(&scan.Report{Rules: rules.All}, Options{Category: c.category})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if ad := log.Runs[0].AutomationDetails; ad != nil {
			got = deref(ad.ID)
		}
		if got != c.want {
			t.Errorf("Category %q: runAutomationDetails.id %q, want %q", c.category, got, c.want)
		}
	}
}
