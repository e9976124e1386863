# Policies written as JSON text: heredocs and quoted strings.

locals {
  instance_arns = ["arn:aws:ec2:*:*:instance/*"]
  account       = "111122223333"
}

resource "aws_iam_policy" "heredoc" {
  name   = "heredoc"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "ssm:SendCommand",
      "Resource": "arn:aws:ssm:*:${local.account}:managed-instance/*"
    },
    {
      "Effect": "Allow",
      "Action": ["ssm:TerminateSession"],
      "Resource": "arn:aws:ssm:*:*:session/$${aws:username}-*"
    }
  ]
}
EOF
}

resource "aws_iam_role_policy" "indented" {
  name   = "indented"
  role   = "ops"
  policy = <<-POLICY
    {
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "ssm:StartSession",
          "Resource": ${jsonencode(local.instance_arns)}
        }
      ]
    }
  POLICY
}

resource "aws_iam_user_policy" "quoted" {
  name   = "quoted"
  user   = "bob"
  policy = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}]}"
}

resource "aws_iam_group_policy" "scoped" {
  name   = "scoped"
  group  = "ops"
  policy = <<EOT
{
  "Statement": [{
    "Effect": "Allow",
    "Action": "ssm:StartSession",
    "Resource": "*",
    "Condition": {"StringEquals": {"aws:ResourceTag/env": "dev"}}
  }]
}
EOT
}
