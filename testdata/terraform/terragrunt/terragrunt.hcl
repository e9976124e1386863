# terragrunt inputs that hold policies: a heredoc and an object.

locals {
  region = "eu-west-1"
}

dependency "vpc" {
  config_path = "../vpc"
}

inputs = {
  name = "bastion"

  inline_policy_document = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ssm:StartSession", "ssm:SendCommand"],
      "Resource": "arn:aws:ec2:${local.region}:*:instance/*",
      "Condition": {"StringEquals": {"ssm:resourceTag/role": "bastion"}}
    },
    {
      "Effect": "Allow",
      "Action": "ssm:StartSession",
      "Resource": "arn:aws:ssm:*:*:document/AWS-StartSSHSession"
    }
  ]
}
EOF

  policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ssm:SendCommand"
      Resource = "arn:aws:ec2:${local.region}:${dependency.vpc.outputs.account_id}:instance/*"
    }]
  }
}
