# Statements given to widely used modules where the module is called.

module "patcher" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  function_name = "patcher"
  attach_policy_statements = true
  policy_statements = {
    run_patch = {
      effect    = "Allow"
      actions   = ["ssm:SendCommand"]
      resources = ["*"]
    }
    read_tagged = {
      actions   = ["ssm:StartSession"]
      resources = ["arn:aws:ec2:*:*:instance/*"]
      condition = {
        team = {
          test     = "StringEquals"
          variable = "ssm:resourceTag/team"
          values   = ["patching"]
        }
      }
    }
  }
}

module "role" {
  source = "./modules/role"

  inline_policy_statements = [
    {
      sid       = "Sessions"
      actions   = ["ssm:StartSession"]
      resources = ["*"]
    }
  ]

  # A policy passed as an input.
  extra_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "ssm:*", Resource = "arn:aws:ssm:*:*:managed-instance/*" }]
  })
}
