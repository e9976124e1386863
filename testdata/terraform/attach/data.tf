data "aws_iam_policy" "ssm_full" {
  name = "AmazonSSMFullAccess"
}

# A customer managed policy that shares the name: not the AWS one.
data "aws_iam_policy" "customer_ssm" {
  arn = "arn:aws:iam::123456789012:policy/AmazonSSMFullAccess"
}
