locals {
  send_everywhere = {
    Effect   = "Allow"
    Action   = "ssm:SendCommand"
    Resource = ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:managed-instance/*"]
  }
  describe = { Effect = "Allow", Action = "ec2:DescribeInstances", Resource = "*" }
}
