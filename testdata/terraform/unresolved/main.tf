# What cannot be evaluated is a note that names it, never a silent pass.

variable "arns" {
  description = "No default and no tfvars: it could be anything."
  type        = list(string)
}

variable "actions" {
  default = ["ssm:GetDocument"]
}

variable "policy_json" {}

variable "tag_condition" {}

resource "aws_iam_policy" "unknown_resources" {
  name = "unknown-resources"
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "ssm:SendCommand"
      Resource = var.arns
    }]
  })
}

# terraform.tfvars sets actions: the value is known.
resource "aws_iam_policy" "from_tfvars" {
  name = "from-tfvars"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
  })
}

# A function the scanner does not evaluate.
resource "aws_iam_policy" "unsupported_function" {
  name = "unsupported-function"
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "ssm:StartSession"
      Resource = base64decode("Kg==")
    }]
  })
}

# The whole policy is a variable without a value.
resource "aws_iam_role_policy" "whole_policy" {
  name   = "whole-policy"
  role   = "ops"
  policy = var.policy_json
}

# A condition that cannot be evaluated may or may not pin the instance.
resource "aws_iam_policy" "unknown_condition" {
  name = "unknown-condition"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "ssm:StartSession"
      Resource  = "*"
      Condition = var.tag_condition
    }]
  })
}

# Locals that refer to each other in a cycle: a warning, and a note.
locals {
  a = local.b
  b = local.a
}

resource "aws_iam_policy" "cycle" {
  name = "cycle"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "ssm:SendCommand", Resource = local.a }]
  })
}
