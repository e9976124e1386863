# Inline suppressions: on the resource, on a statement; a reason is required.

# ssm-guardrails:ignore IAM-SSM-1 reason="break-glass role, SEC-101"
resource "aws_iam_policy" "break_glass" {
  name = "break-glass"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "ssm:*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "support" {
  name = "support"
  policy = jsonencode({
    Statement = [
      # ssm-guardrails:ignore IAM-SSM-2 reason="support desk sessions, SEC-606"
      { Effect = "Allow", Action = "ssm:StartSession", Resource = "*" },
      { Effect = "Allow", Action = "ssm:SendCommand", Resource = "*" }, // ssm-guardrails:ignore IAM-SSM-1
    ]
  })
}

# ssm-guardrails:ignore IAM-SSM-2 reason="nothing here needs it"
resource "aws_iam_policy" "clean" {
  name = "clean"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "ssm:GetParameter", Resource = "*" }]
  })
}
