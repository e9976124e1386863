package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// TestTerraformForms is the acceptance list of the Terraform reader: every
// way testdata/terraform writes a policy, each statement at its exact
// place, severity and rule. Scoped statements are in the fixtures too and
// must not appear; what could not be evaluated is a note.
func TestTerraformForms(t *testing.T) {
	want := []struct{ form, result string }{
		{"jsonencode, Statement list", "jsonencode/main.tf IAM-SSM-1@14:7-19:8 critical"},
		{"jsonencode, one Statement object with JSON-style keys; var default and data source in the ARN", "jsonencode/main.tf IAM-SSM-2@39:19-43:6 high"},
		{"statement written in locals", "jsonencode/locals.tf IAM-SSM-1@2:21-6:4 critical"},
		{"aws_iam_role inline_policy block", "jsonencode/main.tf IAM-SSM-2@89:20-89:79 high"},
		{"aws_ssoadmin_permission_set_inline_policy, NotResource", "jsonencode/main.tf IAM-SSM-1@99:7-99:99 critical"},
		{"heredoc with an interpolated local", "heredoc/main.tf IAM-SSM-1@14:5-18:6 critical"},
		{"indented heredoc with ${jsonencode(...)} as a value", "heredoc/main.tf IAM-SSM-2@35:9-39:10 high"},
		{"quoted JSON with escapes", "heredoc/main.tf IAM-SSM-1@48:30-48:107 critical"},
		{"dynamic statement block", "policydoc/main.tf IAM-SSM-1@44:3-51:4 critical"},
		{"policy document used by no resource, NotAction", "policydoc/main.tf IAM-SSM-1@61:3-65:4 critical"},
		{"policy document used by no resource, NotAction", "policydoc/main.tf IAM-SSM-2@61:3-65:4 high"},
		{"file(): the statement in the file, once although read twice and scanned on its own", "files/policies/run-command.json IAM-SSM-1@4:5-9:6 critical"},
		{"templatefile(): the statement in the template", "files/policies/sessions.json.tpl IAM-SSM-2@4:5-8:6 high"},
		{"file() of a path that leaves the module", "files/main.tf IAM-SSM-1@30:12-30:41 note"},
		{"file() of a path that leaves the module", "files/main.tf IAM-SSM-2@30:12-30:41 note"},
		{"var without a value as Resource", "unresolved/main.tf IAM-SSM-1@19:18-23:6 note"},
		{"terraform.tfvars sets a variable", "unresolved/main.tf IAM-SSM-1@31:18-31:76 critical"},
		{"unsupported function", "unresolved/main.tf IAM-SSM-2@39:18-43:6 note"},
		{"whole policy from a var without a value", "unresolved/main.tf IAM-SSM-1@51:12-51:27 note"},
		{"whole policy from a var without a value", "unresolved/main.tf IAM-SSM-2@51:12-51:27 note"},
		{"Condition from a var without a value", "unresolved/main.tf IAM-SSM-2@58:18-63:6 note"},
		{"cyclic locals", "unresolved/main.tf IAM-SSM-1@76:18-76:86 note"},
		{"terragrunt input, object with a dependency output", "terragrunt/terragrunt.hcl IAM-SSM-1@35:18-39:6 critical"},
		{"policy_statements of a module call (map)", "modules/main.tf IAM-SSM-1@10:17-14:6 critical"},
		{"inline_policy_statements of a module call (list)", "modules/main.tf IAM-SSM-2@33:5-37:6 high"},
		{"policy passed as a module input", "modules/main.tf IAM-SSM-1@42:18-42:105 critical"},
		{"policy passed as a module input", "modules/main.tf IAM-SSM-2@42:18-42:105 high"},
		{".tf.json policy string", "tfjson/main.tf.json IAM-SSM-1@14:37-14:139 critical"},
		{"plan JSON, once per address", "plan/plan.json IAM-SSM-1@25:65-25:137 critical"},
		{"plan JSON, inline policy of a module's role", "plan/plan.json IAM-SSM-2@42:42-42:140 high"},
		{"plan JSON, policy known after apply", "plan/plan.json IAM-SSM-1@56:37-56:41 note"},
		{"plan JSON, policy known after apply", "plan/plan.json IAM-SSM-2@56:37-56:41 note"},
		{"suppression comment for the other rule only", "suppress/main.tf IAM-SSM-2@7:18-7:72 high"},
		{"suppression comment without a reason", "suppress/main.tf IAM-SSM-1@17:7-17:71 critical"},
		{"exempted: comment on the resource", "exempted suppress/main.tf IAM-SSM-1@7:18-7:72 critical"},
		{"exempted: comment on the statement", "exempted suppress/main.tf IAM-SSM-2@16:7-16:72 high"},
		{"exempted: // comment of a .tf.json resource", "exempted tfjson/main.tf.json IAM-SSM-2@10:47-10:116 high"},
		{"data \"aws_iam_policy\" by name, attached to a user", "attach/data.tf IAM-SSM-1@2:10-2:31 critical"},
		{"data \"aws_iam_policy\" by name, attached to a user", "attach/data.tf IAM-SSM-2@2:10-2:31 high"},
		{"managed_policy_arns with the partition from a data source", "attach/main.tf IAM-SSM-1@11:5-11:110 critical"},
		{"aws_iam_role_policy_attachment of a variable's default", "attach/main.tf IAM-SSM-1@17:16-17:35 critical"},
		{"aws_iam_role_policy_attachment of a variable's default", "attach/main.tf IAM-SSM-2@17:16-17:35 high"},
		{"aws_iam_policy_attachment: a role and a group", "attach/main.tf IAM-SSM-1@38:16-38:61 critical"},
		{"aws_iam_policy_attachment: a role and a group", "attach/main.tf IAM-SSM-2@38:16-38:61 high"},
		{"attachment with a suppression comment for the other rule", "attach/main.tf IAM-SSM-2@50:16-50:61 high"},
		{"exempted: comment on the attachment", "exempted attach/main.tf IAM-SSM-1@50:16-50:61 critical"},
	}
	root := testkit.RepoRoot(t)
	rep, err := Run(Options{Paths: []string{filepath.Join(root, "testdata", "terraform")}, BaseDir: filepath.Join(root, "testdata", "terraform")})
	if err != nil {
		t.Fatal(err)
	}
	describe := func(prefix string, f rules.Finding) string {
		return fmt.Sprintf("%s%s %s %s", prefix, f.File, located(f)[:strings.Index(located(f), "-")]+located(f)[strings.Index(located(f), "-"):], f.Severity)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, describe("", f))
	}
	for _, e := range rep.Exempted {
		got = append(got, describe("exempted ", e.Finding))
	}
	var wanted []string
	for _, w := range want {
		wanted = append(wanted, w.result)
		if !slices.Contains(got, w.result) {
			t.Errorf("%s: missing %s", w.form, w.result)
		}
	}
	for _, g := range got {
		if !slices.Contains(wanted, g) {
			t.Errorf("unexpected result %s", g)
		}
	}
}

// TestTerraformSuppressionWarnings checks the warnings of suppression
// comments: one without a reason, one that matched nothing.
func TestTerraformSuppressionWarnings(t *testing.T) {
	root := testkit.RepoRoot(t)
	dir := filepath.Join(root, "testdata", "terraform", "suppress")
	rep, err := Run(Options{Paths: []string{dir}, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range rep.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		`main.tf:17:73: ssm-guardrails comment ignored: no reason: say why this wildcard is accepted (reason="...")`,
		"main.tf:22:1: ssm-guardrails suppression of IAM-SSM-2 matched no finding; remove it if it is no longer needed",
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTerraformExemptionByAddress exempts a finding by its Terraform
// address with the config's resources selector.
func TestTerraformExemptionByAddress(t *testing.T) {
	dir := testkit.WriteTree(t, map[string]string{
		"iam/main.tf": `resource "aws_iam_policy" "break_glass" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ssm:SendCommand", Resource = "*" }] })
}
resource "aws_iam_policy" "ops" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ssm:SendCommand", Resource = "*" }] })
}
`,
	})
	cfg, err := exempt.ParseConfig(".ssm-guardrails.yml", []byte("exemptions:\n  - resources: [\"aws_iam_policy.break_*\"]\n    reason: break-glass, SEC-101\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(Options{Paths: []string{dir}, BaseDir: dir, Config: cfg, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Exempted) != 1 || rep.Exempted[0].Origin.Resource != "aws_iam_policy.break_glass" || rep.Exempted[0].Exemption.Reason != "break-glass, SEC-101" {
		t.Errorf("exempted = %+v", rep.Exempted)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Origin.Resource != "aws_iam_policy.ops" || located(rep.Findings[0]) != "IAM-SSM-1@5:38-5:102" {
		t.Errorf("open = %+v", rep.Findings)
	}
}

// TestTerraformFileAlone scans a .tf file on its own (ScanFile): what it
// reads from other files cannot be seen, and says so.
func TestTerraformFileAlone(t *testing.T) {
	res := ScanFile("main.tf", []byte(`resource "aws_iam_policy" "p" {
  policy = file("policy.json")
}
`))
	var got []string
	for _, f := range res.Findings {
		got = append(got, located(f)+" "+f.Severity.String()+" "+f.Message[:strings.Index(f.Message, ";")])
	}
	want := []string{
		`IAM-SSM-1@2:12-2:31 note could not evaluate file("policy.json")`,
		`IAM-SSM-2@2:12-2:31 note could not evaluate file("policy.json")`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestTerraformHostile puts modules that could hurt a scan next to a
// module with a finding: each is a warning, none a hang or a crash, and
// the finding is still reported.
func TestTerraformHostile(t *testing.T) {
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	unary := strings.Repeat("!", 100_000) + "true"
	ternary := strings.Repeat("true ? 1 : ", 50_000) + "0"
	doubling := "locals {\n  l0 = [\"arn:aws:ec2:*:*:instance/*\", \"x\"]\n"
	for i := 1; i <= 64; i++ {
		doubling += fmt.Sprintf("  l%d = concat(local.l%d, local.l%d)\n", i, i-1, i-1)
	}
	doubling += "}\n" + policyWith("local.l64")
	files := map[string]string{
		"real/main.tf":              policyWith(`"*"`),
		"deep/main.tf":              "locals {\n  x = " + deep + "\n}\n" + policyWith("local.x"),
		"unary/main.tf":             "locals {\n  x = " + unary + "\n}\n" + policyWith(`"*"`),
		"ternary/main.tf":           "locals {\n  x = " + ternary + "\n}\n" + policyWith(`"*"`),
		"heredoc/main.tf":           "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Statement\": [" + strings.Repeat(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},`, 40_000) + `{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}` + "\nEOF\n}\n",
		"cycle/main.tf":             "locals {\n  a = local.b\n  b = [local.a]\n}\n" + policyWith("local.a"),
		"self/main.tf":              "resource \"aws_iam_policy\" \"p\" {\n  name   = \"p-${var.suffix}\"\n  policy = templatefile(\"main.tf\", {})\n}\n",
		"template-loop/main.tf":     "resource \"aws_iam_policy\" \"p\" {\n  policy = templatefile(\"t.tpl\", {})\n}\n",
		"template-loop/t.tpl":       `${templatefile("t.tpl", {})}`,
		"leave/main.tf":             "resource \"aws_iam_policy\" \"p\" {\n  policy = file(\"${path.module}/../real/main.tf\")\n}\n",
		"absolute/main.tf":          "resource \"aws_iam_policy\" \"p\" {\n  policy = file(\"/etc/passwd\")\n}\n",
		"doubling/main.tf":          doubling,
		"range/main.tf":             policyWith(`[for i in range(100000000) : "arn:aws:ec2:*:*:instance/${i}"]`),
		"format/main.tf":            policyWith(`format("%999999999d", 1)`),
		"broken/main.tf":            "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n",
		"notjson/main.tf":           "resource \"aws_iam_policy\" \"p\" {\n  policy = \"{not json\"\n}\n",
		"link/main.tf":              "resource \"aws_iam_policy\" \"p\" {\n  policy = file(\"escape.json\")\n}\n",
		"terragrunt/terragrunt.hcl": "inputs = " + deep + "\n",
	}
	root := testkit.WriteTree(t, files)
	outside := testkit.WriteTree(t, map[string]string{"secret.json": `{"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}`})
	if err := os.Symlink(filepath.Join(outside, "secret.json"), filepath.Join(root, "link", "escape.json")); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(Options{Paths: []string{root}, BaseDir: root})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, f := range rep.Findings {
		if f.Severity > rules.SeverityNote {
			found = append(found, f.File+" "+located(f))
		}
	}
	wantFound := []string{"real/main.tf IAM-SSM-1@2:38-2:102"}
	slices.Sort(found)
	if !slices.Equal(found, wantFound) {
		t.Errorf("findings %q, want %q", found, wantFound)
	}
	warned := map[string]string{}
	for _, w := range rep.Warnings {
		warned[w.File] += w.Message + "; "
	}
	for file, want := range map[string]string{
		"deep/main.tf":              "nested deeper than",
		"unary/main.tf":             "nested deeper than",
		"ternary/main.tf":           "nested deeper than",
		"heredoc/main.tf":           "a string of more than 1048576 bytes is not evaluated",
		"cycle/main.tf":             "refers to itself",
		"self/main.tf":              "is not a variable of the template",
		"template-loop/t.tpl":       "templatefile cannot be called from a template",
		"leave/main.tf":             "the path leaves the module directory",
		"absolute/main.tf":          "the path leaves the module directory",
		"link/main.tf":              "the path leaves the module directory",
		"doubling/main.tf":          "more than 4096 items",
		"range/main.tf":             "range would make a value too large",
		"format/main.tf":            "format would make a value too large",
		"broken/main.tf":            "cannot parse",
		"notjson/main.tf":           "policy is not valid JSON",
		"terragrunt/terragrunt.hcl": "nested deeper than",
	} {
		if !strings.Contains(warned[file], want) {
			t.Errorf("%s: warnings %q, want one with %q", file, warned[file], want)
		}
	}
}

// policyWith is a module whose one policy has resource expression expr.
func policyWith(expr string) string {
	return "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"ssm:SendCommand\", Resource = " + expr + " }] })\n}\n"
}
