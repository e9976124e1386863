{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ssm:StartSession"],
      "Resource": "arn:aws:ec2:*:${account_id}:instance/*"
    },
    {
      "Effect": "Allow",
      "Action": "s3:PutObject",
      "Resource": "${bucket_arn}/*"
    }
  ]
}
