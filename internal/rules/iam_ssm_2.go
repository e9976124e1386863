package rules

// StartSession is IAM-SSM-2: ssm:StartSession allowed on every instance.
var StartSession = &Rule{
	ID:               "IAM-SSM-2",
	Name:             "UnscopedStartSession",
	Action:           "ssm:StartSession",
	Severity:         SeverityHigh,
	SecuritySeverity: "8.1",
	Precision:        "very-high",
	Tags:             []string{"security", "aws", "iam", "ssm", "privilege-escalation", "CWE-250"},
	Short:            "ssm:StartSession is allowed on every managed instance",
	Full: "An Allow statement grants ssm:StartSession on every instance (Resource \"*\", an instance/* or " +
		"managed-instance/* ARN, or NotResource) without a condition on the instance's tags. " +
		"Session Manager opens an interactive shell that can become root, on any instance.",
	Risk: "ssm:StartSession opens an interactive shell through SSM Agent; by default the session user " +
		"can become root (sudo) on Linux or runs as an administrator on Windows. A principal that may " +
		"start a session on every instance has a root shell on the whole fleet, with no SSH key or " +
		"open port needed.",
	Fix:   Fix{JSON: startSessionFixJSON, YAML: startSessionFixYAML, Terraform: startSessionFixTerraform},
	Check: unscoped("ssm:StartSession"),
}

const startSessionFixJSON = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "SessionsOnTaggedInstances",
      "Effect": "Allow",
      "Action": "ssm:StartSession",
      "Resource": [
        "arn:aws:ec2:*:*:instance/*",
        "arn:aws:ssm:*:*:managed-instance/*"
      ],
      "Condition": {
        "StringEquals": { "ssm:resourceTag/team": "${aws:PrincipalTag/team}" }
      }
    },
    {
      "Sid": "SessionDocument",
      "Effect": "Allow",
      "Action": "ssm:StartSession",
      "Resource": "arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell"
    },
    {
      "Sid": "OwnSessionsOnly",
      "Effect": "Allow",
      "Action": ["ssm:TerminateSession", "ssm:ResumeSession"],
      "Resource": "arn:aws:ssm:*:*:session/${aws:username}-*"
    }
  ]
}`

const startSessionFixYAML = `PolicyDocument:
  Version: "2012-10-17"
  Statement:
    - Sid: SessionsOnTaggedInstances
      Effect: Allow
      Action: ssm:StartSession
      Resource:
        - !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*
        - !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:managed-instance/*
      Condition:
        StringEquals:
          ssm:resourceTag/team: ${aws:PrincipalTag/team}
    - Sid: SessionDocument
      Effect: Allow
      Action: ssm:StartSession
      Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/SSM-SessionManagerRunShell
    - Sid: OwnSessionsOnly
      Effect: Allow
      Action: [ssm:TerminateSession, ssm:ResumeSession]
      Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:session/${!aws:username}-*`

const startSessionFixTerraform = `data "aws_iam_policy_document" "start_session" {
  statement {
    sid     = "SessionsOnTaggedInstances"
    effect  = "Allow"
    actions = ["ssm:StartSession"]
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
    sid       = "SessionDocument"
    effect    = "Allow"
    actions   = ["ssm:StartSession"]
    resources = ["arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell"]
  }

  statement {
    sid       = "OwnSessionsOnly"
    effect    = "Allow"
    actions   = ["ssm:TerminateSession", "ssm:ResumeSession"]
    resources = ["arn:aws:ssm:*:*:session/$${aws:username}-*"]
  }
}`
