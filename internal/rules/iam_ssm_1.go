package rules

// SendCommand is IAM-SSM-1: ssm:SendCommand allowed on every instance.
var SendCommand = &Rule{
	ID:               "IAM-SSM-1",
	Name:             "UnscopedSendCommand",
	Action:           "ssm:SendCommand",
	Severity:         SeverityCritical,
	SecuritySeverity: "9.1",
	Precision:        "very-high",
	Tags:             []string{"security", "aws", "iam", "ssm", "privilege-escalation", "CWE-250"},
	Short:            "ssm:SendCommand is allowed on every managed instance",
	Full: "An Allow statement grants ssm:SendCommand on every instance (Resource \"*\", an instance/* or " +
		"managed-instance/* ARN, or NotResource) without a condition on the instance's tags. " +
		"SendCommand runs commands as root or SYSTEM through SSM Agent, so the principal is root on the whole fleet.",
	Risk: "ssm:SendCommand runs any document, such as AWS-RunShellScript, as root (Linux) or SYSTEM " +
		"(Windows) through SSM Agent. A principal that may send it to every instance can read every " +
		"secret and change every server in the account: one stolen credential is the whole fleet.",
	Fix:   Fix{JSON: sendCommandFixJSON, YAML: sendCommandFixYAML, Terraform: sendCommandFixTerraform},
	Check: unscoped("ssm:SendCommand"),
}

const sendCommandFixJSON = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "SendCommandToTaggedInstances",
      "Effect": "Allow",
      "Action": "ssm:SendCommand",
      "Resource": [
        "arn:aws:ec2:*:*:instance/*",
        "arn:aws:ssm:*:*:managed-instance/*"
      ],
      "Condition": {
        "StringEquals": { "ssm:resourceTag/team": "${aws:PrincipalTag/team}" }
      }
    },
    {
      "Sid": "SendCommandDocuments",
      "Effect": "Allow",
      "Action": "ssm:SendCommand",
      "Resource": "arn:aws:ssm:*::document/AWS-RunShellScript"
    }
  ]
}`

const sendCommandFixYAML = `PolicyDocument:
  Version: "2012-10-17"
  Statement:
    - Sid: SendCommandToTaggedInstances
      Effect: Allow
      Action: ssm:SendCommand
      Resource:
        - !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*
        - !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:managed-instance/*
      Condition:
        StringEquals:
          ssm:resourceTag/team: ${aws:PrincipalTag/team}
    - Sid: SendCommandDocuments
      Effect: Allow
      Action: ssm:SendCommand
      Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}::document/AWS-RunShellScript`

// In Terraform strings "$${" is a literal "${": the policy variable is
// IAM's, not an interpolation.
const sendCommandFixTerraform = `data "aws_iam_policy_document" "send_command" {
  statement {
    sid     = "SendCommandToTaggedInstances"
    effect  = "Allow"
    actions = ["ssm:SendCommand"]
    resources = [
      "arn:aws:ec2:*:*:instance/*",
      "arn:aws:ssm:*:*:managed-instance/*",
    ]
    condition {
      test     = "StringEquals"
      variable = "ssm:resourceTag/team"
      values   = ["$${aws:PrincipalTag/team}"]
    }
  }

  statement {
    sid       = "SendCommandDocuments"
    effect    = "Allow"
    actions   = ["ssm:SendCommand"]
    resources = ["arn:aws:ssm:*::document/AWS-RunShellScript"]
  }
}`
