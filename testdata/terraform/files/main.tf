# Policies read from files of the module: findings are in those files.

variable "account_id" {
  default = "111122223333"
}

resource "aws_iam_policy" "from_file" {
  name   = "from-file"
  policy = file("${path.module}/policies/run-command.json")
}

resource "aws_iam_role_policy" "from_template" {
  name = "from-template"
  role = "ops"
  policy = templatefile("${path.module}/policies/sessions.json.tpl", {
    account_id = var.account_id
    bucket_arn = aws_s3_bucket.logs.arn
  })
}

# The same file again: still one result per statement and rule.
resource "aws_iam_policy" "again" {
  name   = "again"
  policy = jsondecode(jsonencode(jsondecode(file("policies/run-command.json"))))
}

# A path that leaves the module is not read: a warning, and a note.
resource "aws_iam_policy" "outside" {
  name   = "outside"
  policy = file("../shared/policy.json")
}
