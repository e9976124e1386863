package rules_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// check runs every rule over every policy document in data.
func check(t *testing.T, name, data string) []rules.Finding {
	t.Helper()
	src := source.NewSource([]byte(data))
	roots, _, err := syntax.Parse(src)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	docs, diags := extract.Extract(src, roots)
	if len(docs) == 0 || len(diags) > 0 {
		t.Fatalf("%s: %d documents, diagnostics %v: the fix is not read as a policy", name, len(docs), diags)
	}
	var found []rules.Finding
	for i := range docs {
		for _, r := range rules.All {
			r.Check(&rules.Pass{Rule: r, File: name, Policy: &docs[i].Policy, Origin: docs[i].Origin,
				Report: func(f rules.Finding) { found = append(found, f) }})
		}
	}
	return found
}

// TestFixesScanClean holds each rule's corrected policy, in every format
// the help shows it in, to what the help says of it: no rule flags it.
func TestFixesScanClean(t *testing.T) {
	for _, r := range rules.All {
		for format, fix := range map[string]string{"json": r.Fix.JSON, "yaml": r.Fix.YAML} {
			if fs := check(t, r.ID+" fix."+format, fix); len(fs) > 0 {
				t.Errorf("%s's %s fix has findings: %+v", r.ID, format, fs)
			}
		}
	}
}

// TestChecksFindTheirAction makes sure the fix test can fail: each rule
// flags the same policy with its tag condition taken out.
func TestChecksFindTheirAction(t *testing.T) {
	for _, r := range rules.All {
		broken := strings.ReplaceAll(r.Fix.JSON, `"ssm:resourceTag/team"`, `"aws:PrincipalTag/team"`)
		fs := check(t, r.ID, broken)
		if len(fs) != 1 || fs[0].RuleID != r.ID || fs[0].Severity != r.Severity || fs[0].Span.Start.Line != 4 ||
			!strings.HasPrefix(fs[0].Message, "Allow grants "+r.Action+" on all EC2 and managed instances") {
			t.Errorf("%s: findings %+v", r.ID, fs)
		}
	}
}

func TestLevels(t *testing.T) {
	for sev, want := range map[rules.Severity]string{
		rules.SeverityCritical: "error", rules.SeverityHigh: "error",
		rules.SeverityMedium: "warning", rules.SeverityLow: "warning", rules.SeverityNote: "note",
	} {
		if got := sev.Level(); got != want {
			t.Errorf("%s.Level() = %q, want %q", sev, got, want)
		}
	}
}

func TestParseFailOn(t *testing.T) {
	for in, want := range map[string]rules.Severity{"critical": rules.SeverityCritical, "HIGH": rules.SeverityHigh, "none": rules.SeverityNone} {
		if got, err := rules.ParseFailOn(in); err != nil || got != want {
			t.Errorf("ParseFailOn(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"note", "severe", ""} {
		if _, err := rules.ParseFailOn(in); err == nil {
			t.Errorf("ParseFailOn(%q) accepted", in)
		}
	}
}

// TestHelpRenderings checks that the plain help is the Markdown help with
// its markup rendered, so the two cannot drift apart.
func TestHelpRenderings(t *testing.T) {
	for _, r := range rules.All {
		md, plain := r.HelpMarkdown(), r.Help()
		for _, want := range []string{"## " + r.ID + ": " + r.Short, "```json\n" + r.Fix.JSON + "\n```", "```yaml\n" + r.Fix.YAML + "\n```", "```hcl\n" + r.Fix.Terraform + "\n```", "### Break-glass roles",
			"### AWS managed policies", "`AdministratorAccess`", "`AmazonSSMFullAccess`", "`PowerUserAccess`", "a customer managed policy"} {
			if !strings.Contains(md, want) {
				t.Errorf("%s Markdown help lacks %q", r.ID, want)
			}
		}
		for _, want := range []string{r.ID + ": " + r.Short + "\n\n" + r.Full, "\n\nWhy it matters\n\n" + r.Risk,
			"Grant \"" + r.Action + "\" only on", "These do not pin the instance", r.Fix.JSON, r.Fix.YAML, r.Fix.Terraform,
			`"ssm-guardrails": {"suppress": [{"rule": "` + r.ID + `", "reason": "..."}]}`} {
			if !strings.Contains(plain, want) {
				t.Errorf("%s plain help lacks %q", r.ID, want)
			}
		}
		for _, markup := range []string{"```", "**", "## ", "`"} {
			if strings.Contains(strings.ReplaceAll(plain, r.Fix.YAML, ""), markup) {
				t.Errorf("%s plain help keeps Markdown %q", r.ID, markup)
			}
		}
	}
}

func TestByID(t *testing.T) {
	if rules.ByID("IAM-SSM-2") != rules.StartSession || rules.ByID("IAM-SSM-9") != nil || rules.IDs() != "IAM-SSM-1, IAM-SSM-2" {
		t.Error("rule lookup")
	}
}

// TestUnresolvedIsANote: a grant that hangs on a value the scanner could
// not evaluate is a note naming the value, never a finding.
func TestUnresolvedIsANote(t *testing.T) {
	arns := iam.Value{Unknowns: []iam.Unknown{{Name: "var.arns", Kind: iam.UnknownAny}}, Source: "${var.arns}"}
	policy := &iam.Policy{Statements: []iam.Statement{{Effect: "Allow",
		Action: iam.Values{iam.Literal("ssm:StartSession")}, Resource: iam.Values{arns}}}}
	var found []rules.Finding
	rules.StartSession.Check(&rules.Pass{Rule: rules.StartSession, File: "main.tf", Policy: policy,
		Report: func(f rules.Finding) { found = append(found, f) }})
	want := `could not evaluate var.arns; if it covers every instance, this statement grants ssm:StartSession on all of them ` +
		`(Action "ssm:StartSession", Resource "${var.arns}"): no Condition`
	if len(found) != 1 || found[0].Severity != rules.SeverityNote || found[0].Message != want {
		t.Errorf("findings %+v\nwant one note: %s", found, want)
	}
}

// TestAttachedManagedPolicy: an attachment is reported at its span, with
// the first statement the rule flags in the policy and how many more
// there are; one the rule does not flag is not.
func TestAttachedManagedPolicy(t *testing.T) {
	at := source.Span{Start: source.Pos{Line: 7, Col: 11}, End: source.Pos{Line: 7, Col: 80}}
	attachments := []iam.Attachment{
		{Policy: iam.Literal("arn:aws:iam::aws:policy/AWSSystemsManagerJustInTimeAccessTokenPolicy"), Span: at},
		{Policy: iam.Literal("arn:aws:iam::aws:policy/service-role/AmazonSSMMaintenanceWindowRole"), Span: at},
	}
	want := map[string][]string{
		"IAM-SSM-1": {
			`attaches AWS managed policy AWSSystemsManagerJustInTimeAccessTokenPolicy, which grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:managed-instance/*"]): StringEquals on aws:CalledViaFirst says nothing about the target instance`,
			`attaches AWS managed policy AmazonSSMMaintenanceWindowRole, which grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): no Condition`,
		},
		"IAM-SSM-2": {
			`attaches AWS managed policy AWSSystemsManagerJustInTimeAccessTokenPolicy, which grants ssm:StartSession on all EC2 and managed instances (Action "ssm:StartSession", Resource ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:managed-instance/*"]): no Condition (and in 1 more statement)`,
		},
	}
	for _, r := range rules.All {
		var got []string
		r.Check(&rules.Pass{Rule: r, File: "stack.yaml", Policy: &iam.Policy{}, Attachments: attachments, Origin: iam.Origin{Resource: "Role"},
			Report: func(f rules.Finding) {
				if f.Span != at || f.Severity != r.Severity || f.Origin.Resource != "Role" || !strings.HasPrefix(f.Message, "attaches AWS managed policy "+f.Origin.PolicyName+",") {
					t.Errorf("%s: finding %+v", r.ID, f)
				}
				got = append(got, f.Message)
			}})
		if !slices.Equal(got, want[r.ID]) {
			t.Errorf("%s: messages\n  %s\nwant\n  %s", r.ID, strings.Join(got, "\n  "), strings.Join(want[r.ID], "\n  "))
		}
	}
}
