# aws_iam_policy_document: statement blocks, dynamic blocks, and merges by sid.

variable "operators" {
  default = {
    patching = { actions = ["ssm:SendCommand"], resources = ["*"] }
    reading  = { actions = ["ssm:GetCommandInvocation"], resources = ["*"] }
  }
}

data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Sessions"
    actions   = ["ssm:StartSession"]
    resources = ["*"]
  }

  statement {
    sid       = "Commands"
    actions   = ["ssm:SendCommand"]
    resources = ["arn:aws:ec2:*:*:instance/*"]

    condition {
      test     = "StringEquals"
      variable = "ssm:resourceTag/team"
      values   = ["platform"]
    }
  }
}

data "aws_iam_policy_document" "tightened" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]

  # Replaces the unscoped Sessions statement of the base document.
  override_policy_documents = [jsonencode({
    Statement = [{
      Sid       = "Sessions"
      Effect    = "Allow"
      Action    = "ssm:StartSession"
      Resource  = "*"
      Condition = { StringEquals = { "aws:ResourceTag/team" = "platform" } }
    }]
  })]

  dynamic "statement" {
    for_each = var.operators
    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_policy" "tightened" {
  name   = "tightened"
  policy = data.aws_iam_policy_document.tightened.json
}

# Never used by a resource in this module: reported on its own.
data "aws_iam_policy_document" "loose" {
  statement {
    effect     = "Allow"
    not_actions = ["iam:*"]
    resources  = ["*"]
  }
}

# A trust policy: no finding.
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
