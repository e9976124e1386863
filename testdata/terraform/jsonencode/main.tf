# Policies written with jsonencode: each statement is reported at its object.

data "aws_caller_identity" "current" {}

variable "region" {
  default = "eu-west-1"
}

resource "aws_iam_policy" "fleet_operator" {
  name = "fleet-operator"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "RunAnywhere"
        Effect   = "Allow"
        Action   = ["ssm:SendCommand", "ssm:ListCommands"]
        Resource = "*"
      },
      {
        Sid      = "TaggedSessions"
        Effect   = "Allow"
        Action   = "ssm:StartSession"
        Resource = "arn:aws:ec2:*:*:instance/*"
        Condition = {
          StringEquals = { "ssm:resourceTag/team" = "$${aws:PrincipalTag/team}" }
        }
      },
    ]
  })
}

# Statement as one object, JSON-style keys.
resource "aws_iam_role_policy" "regional" {
  name = "regional"
  role = aws_iam_role.ops.id
  policy = jsonencode({
    "Version" : "2012-10-17",
    "Statement" : {
      "Effect" : "Allow",
      "Action" : "ssm:StartSession",
      "Resource" : "arn:aws:ec2:${var.region}:${data.aws_caller_identity.current.account_id}:instance/*"
    }
  })
}

# One specific instance, another resource's attribute: scoped.
resource "aws_iam_user_policy" "one_instance" {
  name = "one-instance"
  user = "alice"
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "ssm:SendCommand"
      Resource = aws_instance.web.arn
    }]
  })
}

# A statement written in locals.tf.
resource "aws_iam_group_policy" "from_locals" {
  name  = "from-locals"
  group = "ops"
  policy = jsonencode({
    Statement = [local.send_everywhere, local.describe]
  })
}

resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })

  inline_policy {
    name = "describe"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "ec2:Describe*", Resource = "*" }]
    })
  }

  inline_policy {
    name = "sessions"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "ssm:Start*", Resource = "*" }]
    })
  }
}

resource "aws_ssoadmin_permission_set_inline_policy" "support" {
  instance_arn       = "arn:aws:sso:::instance/ssoins-1"
  permission_set_arn = "arn:aws:sso:::permissionSet/ssoins-1/ps-1"
  inline_policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = "ssm:SendCommand", NotResource = "arn:aws:ec2:*:*:instance/*" },
    ]
  })
}

# A Deny in the same policy takes the grant back.
resource "aws_iam_policy" "denied" {
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = "ssm:*", Resource = "*" },
      { Effect = "Deny", Action = "ssm:*", Resource = ["arn:*:ec2:*:*:instance/*", "arn:*:ssm:*:*:managed-instance/*"] },
    ]
  })
}
