package scan

import (
	"fmt"
	"strings"
)

// Rule is one guardrail: the same question ("does an Allow grant this
// action on every instance with nothing that pins the instance?") asked
// of one action. A new rule is a new value in Rules.
type Rule struct {
	ID               string
	Name             string
	Action           string
	Severity         Severity
	SecuritySeverity string // GitHub's security-severity score
	Precision        string
	Tags             []string
	Short            string
	Full             string
	Risk             string // why the grant matters, for the help text
	FixJSON          string // a corrected policy
	FixYAML          string // the same in CloudFormation YAML
}

// HelpURI is where a rule is documented.
func (r *Rule) HelpURI() string {
	return "https://github.com/ssm-guardrails/ssm-guardrails#" + strings.ToLower(r.ID)
}

// Rules are every guardrail, in id order.
var Rules = []*Rule{
	{
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
		FixJSON: `{
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
}`,
		FixYAML: `PolicyDocument:
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
      Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}::document/AWS-RunShellScript`,
	},
	{
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
		FixJSON: `{
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
}`,
		FixYAML: `PolicyDocument:
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
      Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:session/${!aws:username}-*`,
	},
}

// RuleByID returns the rule with the given id, or nil.
func RuleByID(id string) *Rule {
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

const exemptionHelp = `Break-glass and admin roles may keep the wildcard, but only where you say so, with a reason:

- in .ssm-guardrails.yml: an entry under "exemptions" with "files", "resources" (logical IDs),
  "cdk-paths" or "policies" globs, optional "rules" and "expires", and a required "reason";
- in a CloudFormation template: Metadata on the resource that holds the policy,
  "ssm-guardrails": {"suppress": [{"rule": "%[1]s", "reason": "..."}]}.

Exempted findings do not fail the run and are listed with their reason in the text, JSON and job summary.`

func (r *Rule) exemptionHelp() string { return fmt.Sprintf(exemptionHelp, r.ID) }

// Help is the rule's help as plain text.
func (r *Rule) Help() string {
	return fmt.Sprintf("%s\n\nWhy it matters: %s\n\nHow to fix it: grant %s only on specific instance ARNs, "+
		"or on instances that carry a tag, with a StringEquals condition on ssm:resourceTag/KEY "+
		"(or aws:ResourceTag/KEY). Keep documents in a statement of their own without the tag condition: "+
		"documents carry no instance tags. Conditions that only test that a tag exists (StringLike \"*\", "+
		"Null false), ...IfExists and negated operators, ForAllValues, ec2:ResourceTag, and keys about the "+
		"caller (aws:SourceIp, aws:PrincipalTag, MFA) do not pin the instance.\n\nA corrected policy:\n\n%s\n\n%s",
		r.Full, r.Risk, r.Action, r.FixJSON, r.exemptionHelp())
}

// HelpMarkdown is the rule's help as Markdown, with the corrected policy
// in JSON and in CloudFormation YAML.
func (r *Rule) HelpMarkdown() string {
	return fmt.Sprintf("## %s: %s\n\n%s\n\n### Why it matters\n\n%s\n\n### How to fix it\n\n"+
		"Grant `%s` only on specific instance ARNs, or on instances that carry a tag, with a `StringEquals` "+
		"condition on `ssm:resourceTag/KEY` (or `aws:ResourceTag/KEY`). Keep documents in a statement of their "+
		"own without the tag condition: documents carry no instance tags.\n\n"+
		"These do **not** pin the instance: `StringLike` with `\"*\"` or `Null: false` (they only test that the "+
		"tag exists), `...IfExists` and negated operators, `ForAllValues:`, `ec2:ResourceTag/...` (SSM does not "+
		"evaluate it), and keys about the caller (`aws:SourceIp`, `aws:PrincipalTag/...`, `aws:MultiFactorAuthPresent`).\n\n"+
		"```json\n%s\n```\n\nIn CloudFormation YAML:\n\n```yaml\n%s\n```\n\n### Break-glass roles\n\n%s\n",
		r.ID, r.Short, r.Full, r.Risk, r.Action, r.FixJSON, r.FixYAML, strings.ReplaceAll(r.exemptionHelp(), `"`, "`"))
}
