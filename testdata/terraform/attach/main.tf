# Managed policy attachments: each is a finding at the string that names
# an AWS managed policy which grants ssm:SendCommand or ssm:StartSession on
# every instance. Scoped, service-linked and customer policies are not.

data "aws_partition" "current" {}

resource "aws_iam_role" "fleet" {
  name = "fleet"
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonSSMMaintenanceWindowRole",
  ]
}

resource "aws_iam_role_policy_attachment" "fleet_operator" {
  role       = aws_iam_role.fleet.name
  policy_arn = var.operator_policy
}

resource "aws_iam_user" "oncall" {
  name = "oncall"
}

resource "aws_iam_user_policy_attachment" "oncall" {
  user       = aws_iam_user.oncall.name
  policy_arn = data.aws_iam_policy.ssm_full.arn
}

resource "aws_iam_group_policy_attachment" "auditors" {
  group      = "auditors"
  policy_arn = "arn:aws:iam::aws:policy/AWSCloud9User"
}

resource "aws_iam_policy_attachment" "admins" {
  name       = "admins"
  groups     = ["admins"]
  roles      = [aws_iam_role.fleet.name]
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_ssoadmin_managed_policy_attachment" "support" {
  instance_arn       = "arn:aws:sso:::instance/ssoins-1234"
  permission_set_arn = aws_ssoadmin_permission_set.support.arn
  managed_policy_arn = data.aws_iam_policy.customer_ssm.arn
}

# ssm-guardrails:ignore IAM-SSM-1 reason="break-glass sessions only, SEC-202"
resource "aws_iam_role_policy_attachment" "break_glass" {
  role       = "break-glass"
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMFullAccess"
}
