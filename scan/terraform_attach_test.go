package scan

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// More messages of attachments the Terraform tests make.
const (
	automationSession = `attaches AWS managed policy AmazonSSMAutomationRole, which grants ssm:StartSession on all EC2 and managed instances (Action "ssm:*", Resource "*"): no Condition`
	readsDefault      = "; this reads %s as its default, one value a deployment may have"
)

// scanModuleDescribed scans a Terraform module written to a temporary
// directory, which must scan without warnings, and checks that its
// findings are want (described, in report order).
func scanModuleDescribed(t *testing.T, files map[string]string, want []string) []rules.Finding {
	t.Helper()
	dir := testkit.WriteTree(t, files)
	rep, err := Run(Options{Paths: []string{dir}, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return checkDescribed(t, rep.Findings, rep.Warnings, want)
}

// TestTerraformManagedPolicyAttachments: every Terraform form that
// attaches a managed policy, each with attachments that are findings, at
// the string that names the policy, and attachments that are not: a
// policy that grants neither action, one scoped by a tag, a
// service-linked one, a customer policy of the same name (by ARN, as a
// resource of the module, or found by a data source under its path), a
// policy on the wrong path, and values the scanner cannot see.
func TestTerraformManagedPolicyAttachments(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		want   []string   // described findings, in report order
		origin iam.Origin // of the first finding, when set
	}{
		{
			name: "aws_iam_role_policy_attachment: partitions and paths",
			files: map[string]string{"main.tf": `resource "aws_iam_role" "ops" {
  name = "ops"
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.ops.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMFullAccess"
}

resource "aws_iam_role_policy_attachment" "maintenance" {
  role       = aws_iam_role.ops.id
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonSSMMaintenanceWindowRole"
}

resource "aws_iam_role_policy_attachment" "gov" {
  role       = "ops"
  policy_arn = "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_policy" "AmazonSSMFullAccess" {
  name   = "AmazonSSMFullAccess"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ssm:GetParameter", Resource = "*" }] })
}

resource "aws_iam_role_policy_attachment" "quiet" {
  for_each = toset([
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "arn:aws:iam::aws:policy/AWSCloud9User",
    "arn:aws:iam::aws:policy/aws-service-role/AmazonSSMServiceRolePolicy",
    "arn:aws:iam::123456789012:policy/AmazonSSMFullAccess",
    "arn:aws:iam::aws:policy/AmazonSSMMaintenanceWindowRole",
  ])
  role       = aws_iam_role.ops.name
  policy_arn = each.value
}

resource "aws_iam_role_policy_attachment" "own" {
  role       = aws_iam_role.ops.name
  policy_arn = aws_iam_policy.AmazonSSMFullAccess.arn
}

variable "unset" {}

resource "aws_iam_role_policy_attachment" "unset" {
  role       = aws_iam_role.ops.name
  policy_arn = var.unset
}
`},
			want: []string{
				"IAM-SSM-1 main.tf:7:16 " + ssmFullSend,
				"IAM-SSM-1 main.tf:12:16 " + maintenanceSend,
				"IAM-SSM-1 main.tf:17:16 " + adminSend,
				"IAM-SSM-2 main.tf:7:16 " + ssmFullSession,
				"IAM-SSM-2 main.tf:17:16 " + adminSession,
			},
			origin: iam.Origin{Resource: "aws_iam_role.ops", ResourceType: "aws_iam_role", Identity: "ops", PolicyName: "AmazonSSMFullAccess",
				Path: "aws_iam_role_policy_attachment.ssm.policy_arn"},
		},
		{
			name: "aws_iam_user_policy_attachment and aws_iam_group_policy_attachment",
			files: map[string]string{"main.tf": `resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_user_policy_attachment" "alice_power" {
  user       = aws_iam_user.alice.name
  policy_arn = "arn:aws-cn:iam::aws:policy/PowerUserAccess"
}

resource "aws_iam_user_policy_attachment" "bob" {
  user       = "bob"
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"
}

resource "aws_iam_group_policy_attachment" "admins" {
  group      = aws_iam_group.admins.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_group_policy_attachment" "auditors" {
  group      = "auditors"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
`},
			want: []string{
				"IAM-SSM-1 main.tf:7:16 " + powerSend,
				"IAM-SSM-1 main.tf:17:16 " + adminSend,
				"IAM-SSM-2 main.tf:7:16 " + powerSession,
				"IAM-SSM-2 main.tf:17:16 " + adminSession,
			},
			origin: iam.Origin{Resource: "aws_iam_user.alice", ResourceType: "aws_iam_user", Identity: "alice", PolicyName: "PowerUserAccess",
				Path: "aws_iam_user_policy_attachment.alice_power.policy_arn"},
		},
		{
			name: "aws_iam_policy_attachment: one finding per principal",
			files: map[string]string{"main.tf": `resource "aws_iam_policy_attachment" "automation" {
  name       = "automation"
  roles      = [aws_iam_role.patching.name, "legacy-patching"]
  users      = [aws_iam_user.ops.name]
  groups     = []
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonSSMAutomationRole"
}

resource "aws_iam_policy_attachment" "instances" {
  name       = "instances"
  roles      = [aws_iam_role.patching.name]
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"
}
`},
			want: []string{
				"IAM-SSM-1 main.tf:6:16 " + automationSend,
				"IAM-SSM-1 main.tf:6:16 " + automationSend,
				"IAM-SSM-1 main.tf:6:16 " + automationSend,
				"IAM-SSM-2 main.tf:6:16 " + automationSession,
				"IAM-SSM-2 main.tf:6:16 " + automationSession,
				"IAM-SSM-2 main.tf:6:16 " + automationSession,
			},
			origin: iam.Origin{Resource: "aws_iam_user.ops", ResourceType: "aws_iam_user", PolicyName: "AmazonSSMAutomationRole",
				Path: "aws_iam_policy_attachment.automation.policy_arn"},
		},
		{
			name: "managed_policy_arns of aws_iam_role: each item, each branch of a conditional",
			files: map[string]string{"main.tf": `variable "prod" {
  type = bool
}

resource "aws_iam_role" "fleet" {
  name = "fleet"
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    var.prod ? "arn:aws:iam::aws:policy/ReadOnlyAccess" : "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::aws:policy/AWSCloud9User",
    "arn:aws:iam::aws:policy/aws-service-role/AmazonSSMServiceRolePolicy",
    "arn:aws:iam::111122223333:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/AmazonSSMFullAccess",
  ]
}

resource "aws_iam_role" "quiet" {
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"]
}
`},
			want: []string{
				"IAM-SSM-1 main.tf:9:59 " + powerSend,
				"IAM-SSM-1 main.tf:13:5 " + ssmFullSend,
				"IAM-SSM-2 main.tf:9:59 " + powerSession,
				"IAM-SSM-2 main.tf:13:5 " + ssmFullSession,
			},
			origin: iam.Origin{Resource: "aws_iam_role.fleet", ResourceType: "aws_iam_role", Identity: "fleet", PolicyName: "PowerUserAccess",
				Path: "aws_iam_role.fleet.managed_policy_arns"},
		},
		{
			name: "aws_ssoadmin_managed_policy_attachment",
			files: map[string]string{"main.tf": `resource "aws_ssoadmin_permission_set" "operators" {
  name         = "operators"
  instance_arn = "arn:aws:sso:::instance/ssoins-1234"
}

resource "aws_ssoadmin_managed_policy_attachment" "operators_admin" {
  instance_arn       = "arn:aws:sso:::instance/ssoins-1234"
  permission_set_arn = aws_ssoadmin_permission_set.operators.arn
  managed_policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}

resource "aws_ssoadmin_managed_policy_attachment" "operators_view" {
  instance_arn       = "arn:aws:sso:::instance/ssoins-1234"
  permission_set_arn = aws_ssoadmin_permission_set.operators.arn
  managed_policy_arn = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
}
`},
			want: []string{
				"IAM-SSM-1 main.tf:9:24 " + adminSend,
				"IAM-SSM-2 main.tf:9:24 " + adminSession,
			},
			origin: iam.Origin{Resource: "aws_ssoadmin_permission_set.operators", ResourceType: "aws_ssoadmin_permission_set", PolicyName: "AdministratorAccess",
				Path: "aws_ssoadmin_managed_policy_attachment.operators_admin.managed_policy_arn"},
		},
		{
			name: "the exclusive attachment resources",
			files: map[string]string{"main.tf": `resource "aws_iam_role_policy_attachments_exclusive" "ops" {
  role_name   = aws_iam_role.ops.name
  policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonSSMFullAccess"]
}

resource "aws_iam_user_policy_attachments_exclusive" "carol" {
  user_name   = "carol"
  policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
}

resource "aws_iam_group_policy_attachments_exclusive" "readers" {
  group_name  = aws_iam_group.readers.name
  policy_arns = ["arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"]
}

resource "aws_ssoadmin_managed_policy_attachments_exclusive" "admins" {
  instance_arn        = "arn:aws:sso:::instance/ssoins-1234"
  permission_set_arn  = "arn:aws:sso:::permissionSet/ssoins-1234/ps-1234"
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}
`},
			want: []string{
				"IAM-SSM-1 main.tf:3:60 " + ssmFullSend,
				"IAM-SSM-1 main.tf:8:18 " + powerSend,
				"IAM-SSM-1 main.tf:19:26 " + adminSend,
				"IAM-SSM-2 main.tf:3:60 " + ssmFullSession,
				"IAM-SSM-2 main.tf:8:18 " + powerSession,
				"IAM-SSM-2 main.tf:19:26 " + adminSession,
			},
			origin: iam.Origin{Resource: "aws_iam_role.ops", ResourceType: "aws_iam_role", PolicyName: "AmazonSSMFullAccess",
				Path: "aws_iam_role_policy_attachments_exclusive.ops.policy_arns"},
		},
		{
			name: `data "aws_iam_policy" by name or arn: at the data source's line that names the policy`,
			files: map[string]string{
				"data.tf": `data "aws_iam_policy" "ssm_full" {
  name = "AmazonSSMFullAccess"
}

data "aws_iam_policy" "automation" {
  arn = "arn:aws:iam::aws:policy/service-role/AmazonSSMAutomationRole"
}

data "aws_iam_policy" "customer" {
  arn = "arn:aws:iam::123456789012:policy/AmazonSSMFullAccess"
}

data "aws_iam_policy" "custom_path" {
  name        = "AdministratorAccess"
  path_prefix = "/custom/"
}

data "aws_iam_policy" "linked" {
  name = "AmazonSSMServiceRolePolicy"
}

data "aws_iam_policy" "unused" {
  name = "AdministratorAccess"
}

data "aws_iam_policy" "by_key" {
  for_each = toset(["PowerUserAccess", "ReadOnlyAccess"])
  name     = each.value
}
`,
				"main.tf": `resource "aws_iam_role_policy_attachment" "ssm_full" {
  role       = "ops"
  policy_arn = data.aws_iam_policy.ssm_full.arn
}

resource "aws_iam_role" "ops" {
  name = "ops"
  managed_policy_arns = [
    data.aws_iam_policy.automation.id,
    data.aws_iam_policy.customer.arn,
    data.aws_iam_policy.custom_path.arn,
    data.aws_iam_policy.linked.arn,
    data.aws_iam_policy.by_key["ReadOnlyAccess"].arn,
  ]
}

resource "aws_iam_user_policy_attachment" "power" {
  user       = "dave"
  policy_arn = data.aws_iam_policy.by_key["PowerUserAccess"].arn
}
`,
			},
			want: []string{
				"IAM-SSM-1 data.tf:2:10 " + ssmFullSend,
				"IAM-SSM-1 data.tf:6:9 " + automationSend,
				"IAM-SSM-1 data.tf:27:21 " + powerSend,
				"IAM-SSM-2 data.tf:2:10 " + ssmFullSession,
				"IAM-SSM-2 data.tf:6:9 " + automationSession,
				"IAM-SSM-2 data.tf:27:21 " + powerSession,
			},
			origin: iam.Origin{Resource: "aws_iam_role_policy_attachment.ssm_full", ResourceType: "aws_iam_role_policy_attachment", Identity: "ops",
				PolicyName: "AmazonSSMFullAccess", Path: "aws_iam_role_policy_attachment.ssm_full.policy_arn"},
		},
		{
			name: "a variable's default, tfvars, a local, for_each: at the attachment, a default said so",
			files: map[string]string{
				"variables.tf": `variable "operator_policy" {
  default = "arn:aws:iam::aws:policy/AmazonSSMFullAccess"
}

variable "from_tfvars" {
  default = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

variable "extra" {
  default = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"]
}
`,
				"terraform.tfvars": `from_tfvars = "arn:aws:iam::aws:policy/PowerUserAccess"
`,
				"main.tf": `locals {
  maintenance = "arn:aws:iam::aws:policy/service-role/AmazonSSMMaintenanceWindowRole"
}

resource "aws_iam_role_policy_attachment" "operator" {
  role       = "ops"
  policy_arn = var.operator_policy
}

resource "aws_iam_role_policy_attachment" "tfvars" {
  role       = "ops"
  policy_arn = var.from_tfvars
}

resource "aws_iam_role_policy_attachment" "local" {
  role       = "ops"
  policy_arn = local.maintenance
}

resource "aws_iam_role_policy_attachment" "extra" {
  for_each   = toset(var.extra)
  role       = "ops"
  policy_arn = each.value
}

resource "aws_iam_role_policy_attachment" "listed" {
  for_each   = toset(["arn:aws:iam::aws:policy/AmazonSSMFullAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"])
  role       = "ops"
  policy_arn = each.value
}
`,
			},
			want: []string{
				"IAM-SSM-1 main.tf:7:16 " + ssmFullSend + fmt.Sprintf(readsDefault, "var.operator_policy"),
				"IAM-SSM-1 main.tf:12:16 " + powerSend,
				"IAM-SSM-1 main.tf:17:16 " + maintenanceSend,
				"IAM-SSM-1 main.tf:23:16 " + adminSend + fmt.Sprintf(readsDefault, "var.extra"),
				"IAM-SSM-1 main.tf:27:23 " + ssmFullSend,
				"IAM-SSM-2 main.tf:7:16 " + ssmFullSession + fmt.Sprintf(readsDefault, "var.operator_policy"),
				"IAM-SSM-2 main.tf:12:16 " + powerSession,
				"IAM-SSM-2 main.tf:23:16 " + adminSession + fmt.Sprintf(readsDefault, "var.extra"),
				"IAM-SSM-2 main.tf:27:23 " + ssmFullSession,
			},
			origin: iam.Origin{Resource: "aws_iam_role_policy_attachment.operator", ResourceType: "aws_iam_role_policy_attachment", Identity: "ops",
				PolicyName: "AmazonSSMFullAccess", Path: "aws_iam_role_policy_attachment.operator.policy_arn"},
		},
		{
			name: ".tf.json",
			files: map[string]string{"main.tf.json": `{
  "resource": {
    "aws_iam_role": {
      "ops": {"name": "ops", "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonSSMFullAccess"]}
    },
    "aws_iam_role_policy_attachment": {
      "ops_admin": {
        "role": "${aws_iam_role.ops.name}",
        "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"
      }
    }
  }
}
`},
			want: []string{
				"IAM-SSM-1 main.tf.json:4:55 " + ssmFullSend,
				"IAM-SSM-1 main.tf.json:9:24 " + adminSend,
				"IAM-SSM-2 main.tf.json:4:55 " + ssmFullSession,
				"IAM-SSM-2 main.tf.json:9:24 " + adminSession,
			},
			origin: iam.Origin{Resource: "aws_iam_role.ops", ResourceType: "aws_iam_role", Identity: "ops", PolicyName: "AmazonSSMFullAccess",
				Path: "aws_iam_role.ops.managed_policy_arns"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := scanModuleDescribed(t, tt.files, tt.want)
			if tt.origin != (iam.Origin{}) && found[0].Origin != tt.origin {
				t.Errorf("origin = %+v, want %+v", found[0].Origin, tt.origin)
			}
		})
	}
}

// TestTerraformAttachmentExemptions: attachments are exempted as
// statements are: the policies selector matches the managed policy's
// name and the resources selector the principal's address, and a comment
// above the attaching resource (a "//" key in .tf.json), at the end of the
// attribute's line or above one item of a list suppresses there.
// Exempting one principal of
// an aws_iam_policy_attachment leaves the others open.
func TestTerraformAttachmentExemptions(t *testing.T) {
	dir := testkit.WriteTree(t, map[string]string{"iam/main.tf": `# ssm-guardrails:ignore IAM-SSM-2 reason="incident sessions, SEC-7"
resource "aws_iam_role_policy_attachment" "break_glass" {
  role       = aws_iam_role.break_glass.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "patching" {
  name = "patching"
  managed_policy_arns = [
    # ssm-guardrails:ignore IAM-SSM-1 reason="patch baseline, SEC-8"
    "arn:aws:iam::aws:policy/service-role/AmazonSSMMaintenanceWindowRole",
    "arn:aws:iam::aws:policy/AmazonSSMFullAccess",
  ]
}

resource "aws_iam_policy_attachment" "automation" {
  name       = "automation"
  roles      = [aws_iam_role.break_glass.name, aws_iam_role.ops.name]
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonSSMAutomationRole"
}

resource "aws_iam_role_policy_attachment" "ops_power" {
  role       = aws_iam_role.ops.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess" # ssm-guardrails:ignore IAM-SSM-2 reason="support sessions, SEC-10"
}
`, "iam/extra.tf.json": `{"resource": {"aws_iam_user_policy_attachment": {"auditor": {
  "//": "ssm-guardrails:ignore IAM-SSM-1 reason=\"audit runbooks, SEC-12\"",
  "user": "auditor",
  "policy_arn": "arn:aws:iam::aws:policy/AmazonSSMFullAccess"
}}}}
`})
	cfg, err := exempt.ParseConfig("c.yml", []byte(`exemptions:
  - resources: [aws_iam_role.break_glass]
    policies: [AdministratorAccess, AmazonSSMAutomationRole]
    rules: [IAM-SSM-1]
    reason: break-glass, SEC-9
  - policies: [PowerUser*]
    rules: [IAM-SSM-1]
    reason: sandbox, SEC-11
`))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(Options{Paths: []string{dir}, BaseDir: dir, Config: cfg, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	var open, exempted []string
	for _, f := range rep.Findings {
		open = append(open, fmt.Sprintf("%s@%d %s %s", f.RuleID, f.Span.Start.Line, f.Origin.Resource, f.Origin.PolicyName))
	}
	for _, e := range rep.Exempted {
		exempted = append(exempted, fmt.Sprintf("%s@%d %s %s: %s", e.RuleID, e.Span.Start.Line, e.Origin.Resource, e.Origin.PolicyName, e.Exemption.Reason))
	}
	slices.Sort(open)
	slices.Sort(exempted)
	wantOpen := []string{
		"IAM-SSM-1@12 aws_iam_role.patching AmazonSSMFullAccess",
		"IAM-SSM-1@19 aws_iam_role.ops AmazonSSMAutomationRole",
		"IAM-SSM-2@12 aws_iam_role.patching AmazonSSMFullAccess",
		"IAM-SSM-2@19 aws_iam_role.break_glass AmazonSSMAutomationRole",
		"IAM-SSM-2@19 aws_iam_role.ops AmazonSSMAutomationRole",
		"IAM-SSM-2@4 aws_iam_user_policy_attachment.auditor AmazonSSMFullAccess",
	}
	wantExempted := []string{
		"IAM-SSM-1@11 aws_iam_role.patching AmazonSSMMaintenanceWindowRole: patch baseline, SEC-8",
		"IAM-SSM-1@19 aws_iam_role.break_glass AmazonSSMAutomationRole: break-glass, SEC-9",
		"IAM-SSM-1@24 aws_iam_role.ops PowerUserAccess: sandbox, SEC-11",
		"IAM-SSM-1@4 aws_iam_role.break_glass AdministratorAccess: break-glass, SEC-9",
		"IAM-SSM-1@4 aws_iam_user_policy_attachment.auditor AmazonSSMFullAccess: audit runbooks, SEC-12",
		"IAM-SSM-2@24 aws_iam_role.ops PowerUserAccess: support sessions, SEC-10",
		"IAM-SSM-2@4 aws_iam_role.break_glass AdministratorAccess: incident sessions, SEC-7",
	}
	if !slices.Equal(open, wantOpen) || !slices.Equal(exempted, wantExempted) || len(rep.Warnings) > 0 {
		t.Errorf("open\n  %s\nexempted\n  %s\nwarnings %v\nwant open\n  %s\nexempted\n  %s", strings.Join(open, "\n  "), strings.Join(exempted, "\n  "),
			rep.Warnings, strings.Join(wantOpen, "\n  "), strings.Join(wantExempted, "\n  "))
	}
}
