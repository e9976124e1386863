package terraform

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hclread"
)

// attachmentsOf renders what a module attaches: the policy value (each
// unknown as {name:kind}), where it is named, to whom, and the defaults
// it was read with.
func attachmentsOf(t *testing.T, files []ModuleFile) []string {
	t.Helper()
	res := Extract(files, nil)
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	var out []string
	for _, d := range res.Docs {
		for _, a := range d.Attachments {
			s := fmt.Sprintf("%s @%s:%d:%d %s", renderValue(a.Policy), d.Files[0], a.Span.Start.Line, a.Span.Start.Col, d.Origin.Resource)
			if d.Origin.Identity != "" {
				s += " (" + d.Origin.Identity + ")"
			}
			if len(a.Policy.Defaults) > 0 {
				s += " defaults " + strings.Join(a.Policy.Defaults, ",")
			}
			out = append(out, s)
		}
	}
	return out
}

// TestTerraformAttachmentValues shows what an attachment is read as:
// what the scanner cannot see stays an unknown of its kind, a reference
// to anything but a data "aws_iam_policy" names no policy, and the place
// is the string inside the attaching block, else the expression there.
func TestTerraformAttachmentValues(t *testing.T) {
	const decls = `variable "name" {}
variable "arn" { default = "arn:aws:iam::aws:policy/ReadOnlyAccess" }
data "aws_iam_policy" "p" {
  count = 2
  name  = ["AmazonSSMFullAccess", "ReadOnlyAccess"][count.index]
}
data "aws_iam_policy" "prefixed" {
  name        = "AmazonSSMAutomationRole"
  path_prefix = "/service-role/"
}
`
	tests := []struct {
		name, attr string
		want       []string
	}{
		{"partition from a data source", `"arn:${data.aws_partition.current.partition}:iam::aws:policy/X"`,
			[]string{"arn:{data.aws_partition.current.partition:specific}:iam::aws:policy/X @main.tf:13:26 aws_iam_role.r (r)"}},
		{"partition from a variable without a value", `"arn:${var.name}:iam::aws:policy/X"`,
			[]string{"arn:{var.name:any}:iam::aws:policy/X @main.tf:13:26 aws_iam_role.r (r)"}},
		{"name from a variable without a value", `"arn:aws:iam::aws:policy/${var.name}"`,
			[]string{"arn:aws:iam::aws:policy/{var.name:any} @main.tf:13:26 aws_iam_role.r (r)"}},
		{"a variable without a value names nothing", `var.name`, nil},
		{"a resource's ARN names nothing", `aws_iam_policy.own.arn`, nil},
		{"a module output names nothing", `module.iam.policy_arn`, nil},
		{"a variable's default", `var.arn`,
			[]string{"arn:aws:iam::aws:policy/ReadOnlyAccess @main.tf:13:26 aws_iam_role.r (r) defaults var.arn"}},
		{"data source instance by index", `data.aws_iam_policy.p[1].arn`,
			[]string{"ReadOnlyAccess @main.tf:5:35 aws_iam_role.r (r)"}},
		{"data source instance picked by an expression: every instance", `data.aws_iam_policy.p[var.name].arn`,
			[]string{"AmazonSSMFullAccess @main.tf:5:12 aws_iam_role.r (r)", "ReadOnlyAccess @main.tf:5:35 aws_iam_role.r (r)"}},
		{"data source attribute that is not the ARN", `data.aws_iam_policy.prefixed.name`, nil},
		{"data source path_prefix: the path", `data.aws_iam_policy.prefixed.arn`,
			[]string{"arn:aws:iam::aws:policy/service-role/AmazonSSMAutomationRole @main.tf:8:17 aws_iam_role.r (r)"}},
		{"a data source not declared", `data.aws_iam_policy.missing.arn`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := decls + "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  managed_policy_arns = [" + tt.attr + "]\n}\n"
			got := attachmentsOf(t, []ModuleFile{{Name: "main.tf", Data: []byte(src)}})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestTerraformAttachmentOnlyModules proves that the pre-filter and the
// skipping of irrelevant blocks keep what attachments need: a module
// whose only IAM is one attachment of AdministratorAccess, in every form,
// next to blocks that are blanked, is read, with the principal's name.
func TestTerraformAttachmentOnlyModules(t *testing.T) {
	const unrelated = "resource \"aws_instance\" \"web\" {\n  ami = \"ami-1234\"\n}\n\n"
	const admin = `"arn:aws:iam::aws:policy/AdministratorAccess"`
	forms := []struct{ name, content, identity string }{
		{"aws_iam_role", "resource \"aws_iam_role\" \"p\" {\n  name = \"p\"\n  managed_policy_arns = [" + admin + "]\n}\n", "p"},
		{"aws_iam_role_policy_attachment", "resource \"aws_iam_role\" \"p\" {\n  name = \"p\"\n}\nresource \"aws_iam_role_policy_attachment\" \"a\" {\n  role = aws_iam_role.p.name\n  policy_arn = " + admin + "\n}\n", "p"},
		{"aws_iam_user_policy_attachment", "resource \"aws_iam_user\" \"p\" {\n  name = \"p\"\n}\nresource \"aws_iam_user_policy_attachment\" \"a\" {\n  user = aws_iam_user.p.name\n  policy_arn = " + admin + "\n}\n", "p"},
		{"aws_iam_group_policy_attachment", "resource \"aws_iam_group\" \"p\" {\n  name = \"p\"\n}\nresource \"aws_iam_group_policy_attachment\" \"a\" {\n  group = aws_iam_group.p.name\n  policy_arn = " + admin + "\n}\n", "p"},
		{"aws_iam_policy_attachment", "resource \"aws_iam_policy_attachment\" \"a\" {\n  name = \"a\"\n  roles = [\"p\"]\n  policy_arn = " + admin + "\n}\n", "p"},
		{"aws_ssoadmin_managed_policy_attachment", "resource \"aws_ssoadmin_managed_policy_attachment\" \"a\" {\n  permission_set_arn = aws_ssoadmin_permission_set.p.arn\n  managed_policy_arn = " + admin + "\n}\n", ""},
		{"aws_iam_role_policy_attachments_exclusive", "resource \"aws_iam_role_policy_attachments_exclusive\" \"a\" {\n  role_name = \"p\"\n  policy_arns = [" + admin + "]\n}\n", "p"},
		{"aws_iam_user_policy_attachments_exclusive", "resource \"aws_iam_user_policy_attachments_exclusive\" \"a\" {\n  user_name = \"p\"\n  policy_arns = [" + admin + "]\n}\n", "p"},
		{"aws_iam_group_policy_attachments_exclusive", "resource \"aws_iam_group_policy_attachments_exclusive\" \"a\" {\n  group_name = \"p\"\n  policy_arns = [" + admin + "]\n}\n", "p"},
		{"aws_ssoadmin_managed_policy_attachments_exclusive", "resource \"aws_ssoadmin_managed_policy_attachments_exclusive\" \"a\" {\n  permission_set_arn = aws_ssoadmin_permission_set.p.arn\n  managed_policy_arns = [" + admin + "]\n}\n", ""},
		{`data "aws_iam_policy"`, "data \"aws_iam_policy\" \"admin\" {\n  name = \"AdministratorAccess\"\n}\nresource \"aws_iam_role_policy_attachment\" \"a\" {\n  role = \"p\"\n  policy_arn = data.aws_iam_policy.admin.arn\n}\n", "p"},
	}
	for _, form := range forms {
		t.Run(form.name, func(t *testing.T) {
			data := []byte(unrelated + form.content)
			if !MayHoldPolicy("main.tf", data) {
				t.Fatal("MayHoldPolicy skips the module")
			}
			if got, want := readBlocks(t, data), parsedBlocks(t, form.content); !slices.Equal(got, want) {
				t.Fatalf("the reader keeps %q, want the attachment's blocks %q", got, want)
			}
			got := attachmentsOf(t, []ModuleFile{{Name: "main.tf", Data: data}})
			if len(got) != 1 || !strings.Contains(got[0], "AdministratorAccess @main.tf:") {
				t.Fatalf("attachments = %q", got)
			}
			if form.identity != "" && !strings.HasSuffix(got[0], "("+form.identity+")") {
				t.Errorf("the principal's name is not read: %q", got)
			}
		})
	}
	t.Run(".tf.json", func(t *testing.T) {
		data := []byte(`{"resource": {"aws_iam_role_policy_attachment": {"a": {"role": "p", "policy_arn": ` + admin + `}}}}`)
		if !MayHoldPolicy("main.tf.json", data) {
			t.Fatal("MayHoldPolicy skips the module")
		}
		if got := attachmentsOf(t, []ModuleFile{{Name: "main.tf.json", Data: data}}); len(got) != 1 {
			t.Fatalf("attachments = %q", got)
		}
	})
}

// TestTerraformAttachmentLimits: a module that would attach without
// bound (many instances, principals and policies) is read up to the
// limits, and says so.
func TestTerraformAttachmentLimits(t *testing.T) {
	src := `resource "aws_iam_policy_attachment" "many" {
  count      = 64
  roles      = [for i in range(300) : "role-${i}"]
  policy_arn = [for i in range(300) : "arn:aws:iam::aws:policy/AdministratorAccess"]
}
`
	res := Extract([]ModuleFile{{Name: "main.tf", Data: []byte(src)}}, nil)
	var warnings []string
	for _, w := range res.Warnings {
		warnings = append(warnings, w.String())
	}
	want := []string{
		"main.tf:4:3: only the first 256 policies of aws_iam_policy_attachment.many.policy_arn are read",
		"main.tf:1:1: only the first 4096 managed policy attachments of the module are read",
	}
	if len(res.Docs) != maxAttachedInModule || !slices.Equal(warnings, want) {
		t.Errorf("%d documents, warnings %q", len(res.Docs), warnings)
	}
}

// readBlocks names the top-level blocks the reader keeps of a .tf file.
func readBlocks(t *testing.T, data []byte) []string {
	t.Helper()
	top, err := hclread.Read("main.tf", data)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range top.Blocks {
		out = append(out, strings.Join(append([]string{b.Type}, b.Labels...), " "))
	}
	return out
}

// parsedBlocks names every top-level block of a .tf file, as hclsyntax
// parses it.
func parsedBlocks(t *testing.T, content string) []string {
	t.Helper()
	file, diags := hclsyntax.ParseConfig([]byte(content), "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var out []string
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		out = append(out, strings.Join(append([]string{b.Type}, b.Labels...), " "))
	}
	return out
}

// FuzzTerraformAttachments reads any text as a module that attaches
// policies: no panic, no hang, and every attachment place inside a file.
func FuzzTerraformAttachments(f *testing.F) {
	for _, s := range []string{
		"resource \"aws_iam_role_policy_attachment\" \"a\" {\n  role = aws_iam_role.r[0].name\n  policy_arn = \"arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess\"\n}\n",
		"resource \"aws_iam_role\" \"r\" {\n  count = 2\n  managed_policy_arns = [var.a ? \"arn:aws:iam::aws:policy/PowerUserAccess\" : data.aws_iam_policy.p[count.index].arn]\n}\n",
		"data \"aws_iam_policy\" \"p\" {\n  for_each = toset([\"AdministratorAccess\"])\n  name = each.value\n  path_prefix = \"/\"\n}\nresource \"aws_iam_policy_attachment\" \"a\" {\n  roles = [for r in aws_iam_role.x : r.name]\n  users = \"u\"\n  policy_arn = data.aws_iam_policy.p[\"AdministratorAccess\"].id\n}\n",
		"# ssm-guardrails:ignore IAM-SSM-1 reason=\"x\"\nresource \"aws_ssoadmin_managed_policy_attachments_exclusive\" \"a\" {\n  managed_policy_arns = concat(var.l, [\"arn:aws:iam::aws:policy/AmazonSSMFullAccess\"])\n}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		res := Extract([]ModuleFile{{Name: "main.tf", Data: []byte(content)}}, nil)
		lines := strings.Count(content, "\n") + 1
		for _, d := range res.Docs {
			for _, a := range d.Attachments {
				if a.Span.Start.Line < 1 || a.Span.End.Line > lines || a.Span.End.Line < a.Span.Start.Line {
					t.Fatalf("bad span %+v", a.Span)
				}
			}
		}
	})
}
