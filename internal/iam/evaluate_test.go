package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam/instances"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

const (
	ec2     = instances.FamilyEC2
	managed = instances.FamilyManaged
	allFams = instances.FamilyEC2 | instances.FamilyManaged
)

// want is one expected Exposure. action and resource are checked when
// not empty; why is always compared exactly.
type want struct {
	stmt        int
	fams        instances.Family
	why         string
	ineffective bool
	action      string
	resource    string
}

func exposed(stmt int, fams instances.Family, why string) want {
	return want{stmt: stmt, fams: fams, why: why}
}
func ineffective(stmt int, fams instances.Family, why string) want {
	return want{stmt: stmt, fams: fams, why: why, ineffective: true}
}

// evalCase is a policy and what Evaluate returns for ssm:SendCommand and
// ssm:StartSession. When both is set it is the answer for either action;
// otherwise send and session are (nil: no exposure).
type evalCase struct {
	name    string
	policy  string
	both    []want
	send    []want
	session []want
}

// anyAction grants both actions on every instance, with the given
// Condition block.
func anyAction(condition string) string {
	return `{"Statement": {"Effect": "Allow", "Action": ["ssm:SendCommand", "ssm:StartSession"], "Resource": "*",
		"Condition": ` + condition + `}}`
}

// withDeny is an unconditional Allow of both actions on "*" followed by
// the given Deny statement.
func withDeny(deny string) string {
	return `{"Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}, ` + deny + `]}`
}

const (
	noCondition   = "no Condition"
	presenceStar  = "StringLike value '*' on ssm:resourceTag/env only requires the tag key to exist"
	ec2NeverEq    = "StringEquals on ec2:ResourceTag/env never matches because SSM does not evaluate ec2:ResourceTag keys: the statement grants nothing"
	ec2AlwaysNe   = "StringNotEquals on ec2:ResourceTag/env is true for every instance because SSM does not evaluate ec2:ResourceTag keys"
	negatedNe     = "StringNotEquals on ssm:resourceTag/env is negated, so it matches instances without the tag"
	sourceIPWhy   = "IpAddress on aws:SourceIp says nothing about the target instance"
	ifExistsEqWhy = "StringEqualsIfExists on ssm:resourceTag/env also matches instances without the tag"
)

var evalCases = []evalCase{
	// Element forms and action matching.
	{
		name:   "Statement object, Action string, Resource star",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}}`,
		send:   []want{{stmt: 0, fams: allFams, why: noCondition, action: `Action "ssm:SendCommand"`, resource: `Resource "*"`}},
	},
	{
		name: "Statement list, statement order kept",
		policy: `{"Statement": [
			{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
			{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": ["*"]},
			{"Effect": "Allow", "Action": ["ssm:SendCommand", "ssm:StartSession"], "Resource": "*"}]}`,
		send:    []want{exposed(2, allFams, noCondition)},
		session: []want{exposed(1, allFams, noCondition), exposed(2, allFams, noCondition)},
	},
	{
		name:    "Action list names the matching entry",
		policy:  `{"Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*", "ssm:StartSession", "ssm:SendCommand"], "Resource": "*"}]}`,
		send:    []want{{stmt: 0, fams: allFams, why: noCondition, action: `Action "ssm:SendCommand"`}},
		session: []want{{stmt: 0, fams: allFams, why: noCondition, action: `Action "ssm:StartSession"`}},
	},
	{
		name:   "ssm:Send* matches SendCommand only",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:Send*", "Resource": "*"}}`,
		send:   []want{{stmt: 0, fams: allFams, why: noCondition, action: `Action "ssm:Send*"`}},
	},
	{
		name:    "ssm:*Session matches StartSession only",
		policy:  `{"Statement": {"Effect": "Allow", "Action": "ssm:*Session", "Resource": "*"}}`,
		session: []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "bare star",
		policy: `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`,
		both:   []want{{stmt: 0, fams: allFams, why: noCondition, action: `Action "*"`}},
	},
	{
		name:   "ssm:* matches both",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}}`,
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "action names are case-insensitive",
		policy: `{"Statement": {"Effect": "Allow", "Action": "SSM:sendcommand", "Resource": "*"}}`,
		send:   []want{{stmt: 0, fams: allFams, why: noCondition, action: `Action "SSM:sendcommand"`}},
	},
	{
		name:   "question mark is one character",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:Send?ommand", "Resource": "*"}}`,
		send:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "two question marks are two characters",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:Send??ommand", "Resource": "*"}}`,
	},
	{
		name:   "ec2:* is another service",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}`,
	},
	{
		name:   "a pattern must match the whole action",
		policy: `{"Statement": {"Effect": "Allow", "Action": ["ssm:Send", "ssm:StartSessions", "sm:*"], "Resource": "*"}}`,
	},
	{
		name:    "ssm:Start* matches StartSession",
		policy:  `{"Statement": {"Effect": "Allow", "Action": "ssm:Start*", "Resource": "*"}}`,
		session: []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "NotAction of another service grants both",
		policy: `{"Statement": {"Effect": "Allow", "NotAction": "ec2:*", "Resource": "*"}}`,
		both:   []want{{stmt: 0, fams: allFams, why: noCondition, action: `NotAction "ec2:*"`}},
	},
	{
		name:    "NotAction naming SendCommand grants StartSession",
		policy:  `{"Statement": {"Effect": "Allow", "NotAction": ["ssm:SendCommand"], "Resource": "*"}}`,
		session: []want{{stmt: 0, fams: allFams, why: noCondition, action: `NotAction "ssm:SendCommand"`}},
	},
	{
		name:   "NotAction list is shown whole",
		policy: `{"Statement": {"Effect": "Allow", "NotAction": ["ec2:*", "iam:*"], "Resource": "*"}}`,
		both:   []want{{stmt: 0, fams: allFams, why: noCondition, action: `NotAction ["ec2:*", "iam:*"]`}},
	},
	{
		name:   "NotAction ssm:* grants neither",
		policy: `{"Statement": {"Effect": "Allow", "NotAction": "ssm:*", "Resource": "*"}}`,
	},
	{
		name:    "NotAction matching is case-insensitive",
		policy:  `{"Statement": {"Effect": "Allow", "NotAction": "SSM:send*", "Resource": "*"}}`,
		session: []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "neither Action nor NotAction grants nothing",
		policy: `{"Statement": {"Effect": "Allow", "Resource": "*"}}`,
	},
	{
		name:   "empty Action list grants nothing",
		policy: `{"Statement": {"Effect": "Allow", "Action": [], "Resource": "*"}}`,
	},
	{
		name:   "wholly opaque Action matches nothing",
		policy: `{"Statement": {"Effect": "Allow", "Action": "\u0000ActionParam\u0000", "Resource": "*"}}`,
	},
	{
		name:   "opaque inside an Action matches nothing",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:\u0000Verb\u0000", "Resource": "*"}}`,
	},
	{
		name:   "opaque NotAction is some other action, so it grants both",
		policy: `{"Statement": {"Effect": "Allow", "NotAction": "\u0000ActionParam\u0000", "Resource": "*"}}`,
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:    "opaque beside a real action",
		policy:  `{"Statement": {"Effect": "Allow", "Action": ["\u0000P\u0000", "ssm:StartSession"], "Resource": "*"}}`,
		session: []want{exposed(0, allFams, noCondition)},
	},

	// Effect and principals.
	{
		name:   "Effect is case-sensitive",
		policy: `{"Statement": {"Effect": "allow", "Action": "ssm:*", "Resource": "*"}}`,
	},
	{
		name:   "Deny alone is never a finding",
		policy: `{"Statement": {"Effect": "Deny", "Action": "ssm:*", "Resource": "*"}}`,
	},
	{
		name:   "Principal statement is not an identity grant",
		policy: `{"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ssm:*", "Resource": "*"}}`,
	},
	{
		name:   "NotPrincipal statement is not an identity grant",
		policy: `{"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "ssm:*", "Resource": "*"}}`,
	},

	// Resources.
	{
		name:   "any partition's instance/*",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:*:ec2:*:*:instance/*"}}`,
		both:   []want{{stmt: 0, fams: ec2, why: noCondition, resource: `Resource "arn:*:ec2:*:*:instance/*"`}},
	},
	{
		name:   "every ec2 resource",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ec2:*:*:*"}}`,
		both:   []want{exposed(0, ec2, noCondition)},
	},
	{
		name:   "every ssm resource of one account",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ssm:us-east-1:123456789012:*"}}`,
		both:   []want{exposed(0, managed, noCondition)},
	},
	{
		name:   "one account's instance/*",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ec2:eu-west-1:210987654321:instance/*"}}`,
		both:   []want{exposed(0, ec2, noCondition)},
	},
	{
		name:   "managed-instance/*",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ssm:*:*:managed-instance/*"}}`,
		both:   []want{exposed(0, managed, noCondition)},
	},
	{
		name: "both families in a list",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*",
			"Resource": ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:managed-instance/*"]}}`,
		both: []want{{stmt: 0, fams: allFams, why: noCondition,
			resource: `Resource ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:managed-instance/*"]`}},
	},
	{
		name: "only the covering entry is shown",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*",
			"Resource": ["arn:aws:ssm:*::document/AWS-RunShellScript", "arn:aws:ec2:*:*:instance/*"]}}`,
		both: []want{{stmt: 0, fams: ec2, why: noCondition, resource: `Resource "arn:aws:ec2:*:*:instance/*"`}},
	},
	{
		name:   "instance/i-* is every instance",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ec2:us-east-1:123456789012:instance/i-*"}}`,
		both:   []want{exposed(0, ec2, noCondition)},
	},
	{
		name:   "a wildcard region that is not us-east-1",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ec2:eu-?est-*:*:instance/*"}}`,
		both:   []want{exposed(0, ec2, noCondition)},
	},
	{
		name:   "every service of aws",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:*:*:*:*"}}`,
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "short ARN with a trailing star",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ec2:*"}}`,
		both:   []want{exposed(0, ec2, noCondition)},
	},
	{
		name:   "another partition",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws-cn:ssm:cn-north-1:*:managed-instance/*"}}`,
		both:   []want{exposed(0, managed, noCondition)},
	},
	{
		name:   "one instance",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ec2:*:*:instance/i-0abc"}}`,
	},
	{
		name:   "some instances",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": ["arn:aws:ec2:*:*:instance/i-0*", "arn:aws:ssm:*:*:managed-instance/mi-1*"]}}`,
	},
	{
		name:   "resource matching is case-sensitive",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": ["arn:aws:EC2:*:*:instance/*", "arn:aws:ssm:*:*:Managed-Instance/*"]}}`,
	},
	{
		name: "documents and sessions are not instances",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": [
			"arn:aws:ssm:*::document/AWS-RunShellScript", "arn:aws:ssm:*:*:document/*",
			"arn:aws:ssm:*::document/*", "arn:aws:ssm:*:*:session/${aws:username}-*"]}}`,
	},
	{
		name:   "every ssm resource includes managed instances",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ssm:*:*:*"}}`,
		both:   []want{exposed(0, managed, noCondition)},
	},
	{
		name:   "wholly opaque Resource is one specific ARN",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "\u0000InstanceArn\u0000"}}`,
	},
	{
		name:   "opaque instance id",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ec2:*:*:instance/\u0000InstanceId\u0000"}}`,
	},
	{
		name:   "opaque region and account are one place, with all its instances",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ec2:\u0000Region\u0000:\u0000Fn::GetAtt:A.B\u0000:instance/*"}}`,
		both:   []want{exposed(0, ec2, noCondition)},
	},
	{
		name:   "neither Resource nor NotResource grants nothing",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*"}}`,
	},
	{
		name:   "empty Resource list grants nothing",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "Resource": []}}`,
	},

	// NotResource.
	{
		name:   "NotResource EC2 instances leaves managed instances",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "NotResource": "arn:*:ec2:*:*:instance/*"}}`,
		both:   []want{{stmt: 0, fams: managed, why: noCondition, resource: `NotResource "arn:*:ec2:*:*:instance/*"`}},
	},
	{
		name:   "NotResource managed instances leaves EC2",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "NotResource": ["arn:*:ssm:*:*:managed-instance/*"]}}`,
		both:   []want{exposed(0, ec2, noCondition)},
	},
	{
		name: "NotResource both families",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*",
			"NotResource": ["arn:*:ec2:*:*:instance/*", "arn:*:ssm:*:*:managed-instance/*"]}}`,
	},
	{
		name:   "NotResource star",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "NotResource": "*"}}`,
	},
	{
		name:   "NotResource of every resource of partition aws leaves the other partitions",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "NotResource": "arn:aws:*"}}`,
		both: []want{{stmt: 0, fams: allFams, why: noCondition,
			resource: `NotResource "arn:aws:*"; EC2 instances stay open in partition aws-cn; managed instances stay open in partition aws-cn`}},
	},
	{
		name:   "NotResource of EC2 instances in partition aws leaves them open elsewhere",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "NotResource": "arn:aws:ec2:*:*:instance/*"}}`,
		both: []want{{stmt: 0, fams: allFams, why: noCondition,
			resource: `NotResource "arn:aws:ec2:*:*:instance/*"; EC2 instances stay open in partition aws-cn`}},
	},
	{
		name:   "NotResource of one region leaves both",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "NotResource": ["arn:aws:ec2:us-east-1:*:instance/*", "arn:aws:ssm:*:123456789012:managed-instance/*"]}}`,
		both: []want{{stmt: 0, fams: allFams, why: noCondition,
			resource: `NotResource ["arn:aws:ec2:us-east-1:*:instance/*", "arn:aws:ssm:*:123456789012:managed-instance/*"]`}},
	},
	{
		name:   "NotResource of a bucket leaves both",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "NotResource": "arn:aws:s3:::bucket/*"}}`,
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "NotResource of one instance leaves both",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "NotResource": "arn:aws:ec2:*:*:instance/i-0abc"}}`,
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "opaque NotResource leaves both",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "NotResource": ["\u0000Arn\u0000", "arn:aws:ec2:\u0000Region\u0000:*:instance/*"]}}`,
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "NotResource in another partition leaves partition aws open",
		policy: `{"Statement": {"Effect": "Allow", "Action": "ssm:*", "NotResource": "arn:aws-us-gov:ec2:*:*:instance/*"}}`,
		both:   []want{{stmt: 0, fams: allFams, why: noCondition, resource: `NotResource "arn:aws-us-gov:ec2:*:*:instance/*"`}},
	},

	// Conditions that pin the instance.
	{name: "StringEquals on ssm:resourceTag pins", policy: anyAction(`{"StringEquals": {"ssm:resourceTag/env": "prod"}}`)},
	{name: "StringEqualsIgnoreCase on aws:ResourceTag pins", policy: anyAction(`{"StringEqualsIgnoreCase": {"aws:ResourceTag/env": ["prod", "staging"]}}`)},
	{name: "StringLike with a concrete prefix pins", policy: anyAction(`{"StringLike": {"ssm:resourceTag/env": "prod-*"}}`)},
	{name: "ForAnyValue:StringEquals pins", policy: anyAction(`{"ForAnyValue:StringEquals": {"ssm:resourceTag/env": "prod"}}`)},
	{name: "policy variable pins", policy: anyAction(`{"StringEquals": {"ssm:resourceTag/team": "${aws:PrincipalTag/team}"}}`)},
	{name: "policy variable under StringLike pins", policy: anyAction(`{"StringLike": {"aws:ResourceTag/owner": "${aws:username}"}}`)},
	{name: "operator and key names are case-insensitive", policy: anyAction(`{"stringequals": {"SSM:RESOURCETAG/env": "prod"}}`)},
	{name: "StringEquals star is a literal value", policy: anyAction(`{"StringEquals": {"ssm:resourceTag/env": "*"}}`)},
	{name: "opaque tag value is a specific value", policy: anyAction(`{"StringEquals": {"ssm:resourceTag/env": "\u0000EnvParam\u0000"}}`)},
	{
		name:   "one pinning key scopes the statement whatever else it has",
		policy: anyAction(`{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "StringLike": {"ssm:resourceTag/any": "*"}, "StringEquals": {"ssm:resourceTag/env": "prod", "ec2:ResourceTag/x": "y"}}`),
	},
	{name: "pin beside an unknown operator", policy: anyAction(`{"StringEqual": {"ssm:resourceTag/env": "prod"}, "StringEquals": {"ssm:resourceTag/env": "prod"}}`)},
	{name: "reserved tag key: presence by StringLike star pins", policy: anyAction(`{"StringLike": {"ssm:resourceTag/aws:cloudformation:stack-name": "*"}}`)},
	{name: "reserved tag key: presence by Null false pins", policy: anyAction(`{"Null": {"aws:ResourceTag/aws:cloud9:environment": "false"}}`)},
	{name: "reserved tag key prefix is case-insensitive", policy: anyAction(`{"StringLike": {"ssm:resourceTag/AWS:cloudformation:stack-id": "?*"}}`)},

	// Conditions that do not pin, with the reason.
	{name: "no Condition", policy: anyAction(`{}`), both: []want{exposed(0, allFams, noCondition)}},
	{name: "StringLike star only requires the tag", policy: anyAction(`{"StringLike": {"ssm:resourceTag/env": "*"}}`), both: []want{exposed(0, allFams, presenceStar)}},
	{
		name:   "one wildcard-only StringLike value is enough to open",
		policy: anyAction(`{"StringLike": {"ssm:resourceTag/env": ["prod", "?*"]}}`),
		both:   []want{exposed(0, allFams, "StringLike value '?*' on ssm:resourceTag/env only requires the tag key to exist")},
	},
	{
		name:   "ForAnyValue:StringLike star only requires the tag",
		policy: anyAction(`{"ForAnyValue:StringLike": {"aws:ResourceTag/env": "*"}}`),
		both:   []want{exposed(0, allFams, "ForAnyValue:StringLike value '*' on aws:ResourceTag/env only requires the tag key to exist")},
	},
	{
		name:   "Null false only requires the tag",
		policy: anyAction(`{"Null": {"ssm:resourceTag/env": "false"}}`),
		both:   []want{exposed(0, allFams, "Null 'false' on ssm:resourceTag/env only requires the tag key to exist")},
	},
	{
		name:   "Null false as a JSON boolean",
		policy: anyAction(`{"Null": {"ssm:resourceTag/env": false}}`),
		both:   []want{exposed(0, allFams, "Null 'false' on ssm:resourceTag/env only requires the tag key to exist")},
	},
	{
		name:   "Null true requires absence",
		policy: anyAction(`{"Null": {"ssm:resourceTag/env": "true"}}`),
		both:   []want{exposed(0, allFams, "Null 'true' on ssm:resourceTag/env matches instances without the tag")},
	},
	{
		name:   "Null true on a reserved key does not pin",
		policy: anyAction(`{"Null": {"ssm:resourceTag/aws:cloudformation:stack-name": "true"}}`),
		both:   []want{exposed(0, allFams, "Null 'true' on ssm:resourceTag/aws:cloudformation:stack-name matches instances without the tag")},
	},
	{
		name:   "Null with a value that is not a boolean",
		policy: anyAction(`{"Null": {"ssm:resourceTag/env": "prod"}}`),
		both:   []want{exposed(0, allFams, "Null on ssm:resourceTag/env does not pin a tag value")},
	},
	{
		name:   "StringEqualsIfExists matches untagged instances",
		policy: anyAction(`{"StringEqualsIfExists": {"ssm:resourceTag/env": "prod"}}`),
		both:   []want{exposed(0, allFams, ifExistsEqWhy)},
	},
	{
		name:   "IfExists on a reserved key does not pin",
		policy: anyAction(`{"StringLikeIfExists": {"ssm:resourceTag/aws:cloudformation:stack-name": "*"}}`),
		both:   []want{exposed(0, allFams, "StringLikeIfExists on ssm:resourceTag/aws:cloudformation:stack-name also matches instances without the tag")},
	},
	{name: "StringNotEquals is negated", policy: anyAction(`{"StringNotEquals": {"ssm:resourceTag/env": "dev"}}`), both: []want{exposed(0, allFams, negatedNe)}},
	{
		name:   "StringNotLike is negated",
		policy: anyAction(`{"StringNotLike": {"aws:ResourceTag/env": "dev*"}}`),
		both:   []want{exposed(0, allFams, "StringNotLike on aws:ResourceTag/env is negated, so it matches instances without the tag")},
	},
	{
		name:   "StringNotEqualsIgnoreCaseIfExists is negated and IfExists",
		policy: anyAction(`{"StringNotEqualsIgnoreCaseIfExists": {"ssm:resourceTag/env": "dev"}}`),
		both:   []want{exposed(0, allFams, "StringNotEqualsIgnoreCaseIfExists on ssm:resourceTag/env also matches instances without the tag")},
	},
	{
		name:   "ForAllValues is true when the tag is absent",
		policy: anyAction(`{"ForAllValues:StringEquals": {"ssm:resourceTag/env": "prod"}}`),
		both:   []want{exposed(0, allFams, "ForAllValues:StringEquals on ssm:resourceTag/env is true when the tag is absent")},
	},
	{name: "aws:SourceIp says nothing about the instance", policy: anyAction(`{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}`), both: []want{exposed(0, allFams, sourceIPWhy)}},
	{
		name:   "MFA says nothing about the instance",
		policy: anyAction(`{"Bool": {"aws:MultiFactorAuthPresent": "true"}}`),
		both:   []want{exposed(0, allFams, "Bool on aws:MultiFactorAuthPresent says nothing about the target instance")},
	},
	{
		name:   "aws:PrincipalTag says nothing about the instance",
		policy: anyAction(`{"StringEquals": {"aws:PrincipalTag/team": "ops"}}`),
		both:   []want{exposed(0, allFams, "StringEquals on aws:PrincipalTag/team says nothing about the target instance")},
	},
	{
		name:   "aws:RequestedRegion, aws:ResourceAccount, aws:CalledVia say nothing: the first is named",
		policy: anyAction(`{"StringEquals": {"aws:RequestedRegion": "eu-west-1", "aws:ResourceAccount": "123456789012"}, "ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}}`),
		both:   []want{exposed(0, allFams, "StringEquals on aws:RequestedRegion says nothing about the target instance")},
	},
	{
		name:   "ec2:ResourceTag with a positive operator grants nothing: a note",
		policy: anyAction(`{"StringEquals": {"ec2:ResourceTag/env": "prod"}}`),
		both:   []want{ineffective(0, allFams, ec2NeverEq)},
	},
	{
		name:   "ec2:ResourceTag Null false grants nothing: a note",
		policy: anyAction(`{"Null": {"ec2:ResourceTag/env": "false"}}`),
		both:   []want{ineffective(0, allFams, "Null on ec2:ResourceTag/env never matches because SSM does not evaluate ec2:ResourceTag keys: the statement grants nothing")},
	},
	{
		name:   "ec2:ResourceTag negated grants every instance",
		policy: anyAction(`{"StringNotEquals": {"ec2:ResourceTag/env": "dev"}}`),
		both:   []want{exposed(0, allFams, ec2AlwaysNe)},
	},
	{
		name:   "ec2:ResourceTag IfExists grants every instance",
		policy: anyAction(`{"StringEqualsIfExists": {"EC2:ResourceTag/env": "prod"}}`),
		both:   []want{exposed(0, allFams, "StringEqualsIfExists on EC2:ResourceTag/env is true for every instance because SSM does not evaluate ec2:ResourceTag keys")},
	},
	{
		name:   "ec2:ResourceTag Null true grants every instance",
		policy: anyAction(`{"Null": {"ec2:ResourceTag/env": "true"}}`),
		both:   []want{exposed(0, allFams, "Null on ec2:ResourceTag/env is true for every instance because SSM does not evaluate ec2:ResourceTag keys")},
	},
	{
		name:   "ec2:ResourceTag ForAllValues grants every instance",
		policy: anyAction(`{"ForAllValues:StringEquals": {"ec2:ResourceTag/env": "prod"}}`),
		both:   []want{exposed(0, allFams, "ForAllValues:StringEquals on ec2:ResourceTag/env is true for every instance because SSM does not evaluate ec2:ResourceTag keys")},
	},
	{
		name:   "ineffective ec2:ResourceTag outweighs a presence test",
		policy: anyAction(`{"StringLike": {"ssm:resourceTag/env": "*"}, "StringEquals": {"ec2:ResourceTag/env": "prod"}}`),
		both:   []want{ineffective(0, allFams, ec2NeverEq)},
	},
	// An unknown operator makes the policy malformed: IAM refuses it, so
	// it grants nothing (TestMalformed checks the warning).
	{name: "unknown operator: the policy grants nothing", policy: anyAction(`{"StringEqual": {"ssm:resourceTag/env": "prod"}}`)},
	{name: "NullIfExists is unknown", policy: anyAction(`{"NullIfExists": {"ssm:resourceTag/env": "false"}}`)},
	{name: "unknown set prefix", policy: anyAction(`{"ForSomeValues:StringEquals": {"ssm:resourceTag/env": "prod"}}`)},
	{
		name: "an unknown operator in another statement makes the whole policy grant nothing",
		policy: `{"Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"},
			{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"IpAddres": {"aws:SourceIp": "10.0.0.0/8"}}}]}`,
	},
	{
		name:   "a non-string operator does not pin",
		policy: anyAction(`{"NumericEquals": {"ssm:resourceTag/tier": "1"}}`),
		both:   []want{exposed(0, allFams, "NumericEquals on ssm:resourceTag/tier is not a string equality or match, so it does not pin a tag value")},
	},
	{
		name:   "an empty value list pins nothing",
		policy: anyAction(`{"StringEquals": {"ssm:resourceTag/env": []}}`),
		both:   []want{exposed(0, allFams, "StringEquals on ssm:resourceTag/env has no values, so it pins no tag value")},
	},
	{
		name:   "a tag reason is preferred to an unrelated key written first",
		policy: anyAction(`{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "StringLike": {"ssm:resourceTag/env": "*"}}`),
		both:   []want{exposed(0, allFams, presenceStar)},
	},
	{
		name:   "between tag reasons the first written is named",
		policy: anyAction(`{"StringNotEquals": {"ssm:resourceTag/env": "dev"}, "StringLike": {"ssm:resourceTag/env": "*"}}`),
		both:   []want{exposed(0, allFams, negatedNe)},
	},
	{
		name:   "ec2:ResourceTag reason is preferred to an unrelated key",
		policy: anyAction(`{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "StringNotEquals": {"ec2:ResourceTag/env": "dev"}}`),
		both:   []want{exposed(0, allFams, ec2AlwaysNe)},
	},
	{
		name:   "an instance tag reason outranks a key about the caller",
		policy: anyAction(`{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "StringEqualsIfExists": {"ssm:resourceTag/env": "prod"}}`),
		both:   []want{exposed(0, allFams, ifExistsEqWhy)},
	},

	// Deny statements in the same policy.
	{name: "unconditional Deny of both families", policy: withDeny(`{"Effect": "Deny", "Action": ["ssm:SendCommand", "ssm:StartSession"], "Resource": "*"}`)},
	{
		name:   "Deny of EC2 instances leaves managed instances",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "arn:*:ec2:*:*:instance/*"}`),
		both:   []want{{stmt: 0, fams: managed, why: noCondition, resource: `Resource "*"`}},
	},
	{
		name:   "Deny of both instance ARNs",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": ["arn:*:ec2:*:*:instance/*", "arn:*:ssm:*:*:managed-instance/*"]}`),
	},
	{
		name:   "Deny in partition aws leaves the Allow's star open in the others",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": ["arn:*:ec2:*:*:instance/*", "arn:aws:ssm:*:*:managed-instance/*"]}`),
		both:   []want{{stmt: 0, fams: managed, why: noCondition, resource: `Resource "*"; managed instances stay open in partition aws-cn`}},
	},
	{
		name: "Deny drops the entry it covers from the message",
		policy: `{"Statement": [
			{"Effect": "Allow", "Action": "ssm:*", "Resource": ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:managed-instance/*"]},
			{"Effect": "Deny", "Action": "ssm:*", "Resource": "arn:aws:ssm:*:*:managed-instance/*"}]}`,
		both: []want{{stmt: 0, fams: ec2, why: noCondition, resource: `Resource "arn:aws:ec2:*:*:instance/*"`}},
	},
	{
		name:    "Deny of one action credits only that action",
		policy:  withDeny(`{"Effect": "Deny", "Action": "ssm:StartSession", "Resource": "*"}`),
		send:    []want{exposed(0, allFams, noCondition)},
		session: nil,
	},
	{name: "Deny with NotAction of another service", policy: withDeny(`{"Effect": "Deny", "NotAction": "ec2:*", "Resource": "*"}`)},
	{
		name:   "Deny with an opaque NotAction gives no credit",
		policy: withDeny(`{"Effect": "Deny", "NotAction": "\u0000ActionParam\u0000", "Resource": "*"}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "Deny with an opaque Action gives no credit",
		policy: withDeny(`{"Effect": "Deny", "Action": "\u0000ActionParam\u0000", "Resource": "*"}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{name: "negated tag carve-out leaves only tagged instances", policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "*", "Condition": {"StringNotEquals": {"ssm:resourceTag/env": "prod"}}}`)},
	{name: "negated tag carve-out with IfExists", policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}`)},
	{
		name: "several negated tag carve-outs",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "*", "Condition": {
			"StringNotLike": {"aws:ResourceTag/env": "prod-*"}, "StringNotEqualsIgnoreCase": {"ssm:resourceTag/team": "ops"}}}`),
	},
	{
		name:   "carve-out on a wildcard-only value gives no credit",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "*", "Condition": {"StringNotLike": {"ssm:resourceTag/env": "*"}}}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "Deny of some tagged instances changes nothing",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "*", "Condition": {"StringEquals": {"ssm:resourceTag/env": "prod"}}}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "Deny conditioned on the caller gives no credit",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "carve-out mixed with another condition gives no credit",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "*", "Condition": {"StringNotEquals": {"ssm:resourceTag/env": "prod"}, "Bool": {"aws:MultiFactorAuthPresent": "false"}}}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "negated ec2:ResourceTag is true for every SSM request, so the Deny takes all back",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "*", "Condition": {"StringNotEquals": {"ec2:ResourceTag/env": "prod"}}}`),
	},
	{
		name:   "carve-out under ForAnyValue gives no credit",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "*", "Condition": {"ForAnyValue:StringNotEquals": {"ssm:resourceTag/env": "prod"}}}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "Deny with a Principal gives no credit",
		policy: withDeny(`{"Effect": "Deny", "Principal": "*", "Action": "ssm:*", "Resource": "*"}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "Deny in one region gives no credit",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": ["arn:aws:ec2:us-east-1:*:instance/*", "arn:aws:ssm:*:123456789012:managed-instance/*"]}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "Deny on an opaque region gives no credit",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "Resource": "arn:aws:ec2:\u0000Region\u0000:*:instance/*"}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{name: "Deny with NotResource of documents covers every instance", policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "NotResource": ["arn:aws:ssm:*::document/*", "arn:aws:ssm:*:*:session/*"]}`)},
	{
		name:   "Deny with NotResource of EC2 instances covers managed instances",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "NotResource": "arn:aws:ec2:*:*:instance/*"}`),
		both:   []want{exposed(0, ec2, noCondition)},
	},
	{
		name:   "Deny with NotResource of one instance keeps that family",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "NotResource": "arn:aws:ssm:us-east-1:123456789012:managed-instance/mi-0123456789abcdef0"}`),
		both:   []want{exposed(0, managed, noCondition)},
	},
	{
		name:   "Deny with an opaque NotResource gives no credit",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*", "NotResource": "\u0000Arn\u0000"}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "Deny without Resource gives no credit",
		policy: withDeny(`{"Effect": "Deny", "Action": "ssm:*"}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name:   "lower-case deny is no Deny",
		policy: withDeny(`{"Effect": "deny", "Action": "ssm:*", "Resource": "*"}`),
		both:   []want{exposed(0, allFams, noCondition)},
	},
	{
		name: "a Deny written before the Allow counts too",
		policy: `{"Statement": [{"Effect": "Deny", "Action": "ssm:*", "Resource": "arn:*:ssm:*:*:managed-instance/*"},
			{"Effect": "Allow", "Action": "ssm:*", "NotResource": "arn:*:ec2:*:*:instance/*"}]}`,
	},
	{
		name: "Deny credit applies before the conditions are judged",
		policy: `{"Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*", "Condition": {"StringEquals": {"ec2:ResourceTag/env": "prod"}}},
			{"Effect": "Deny", "Action": "ssm:*", "Resource": "arn:*:ec2:*:*:instance/*"}]}`,
		both: []want{ineffective(0, managed, ec2NeverEq)},
	},
}

func TestEvaluate(t *testing.T) {
	for _, tc := range evalCases {
		t.Run(tc.name, func(t *testing.T) {
			p := policyFromJSON(t, tc.policy)
			send, session := tc.send, tc.session
			if tc.both != nil {
				send, session = tc.both, tc.both
			}
			checkExposures(t, p, "ssm:SendCommand", send)
			checkExposures(t, p, "ssm:StartSession", session)
		})
	}
}

func checkExposures(t *testing.T, p *Policy, action string, want []want) {
	t.Helper()
	got := Evaluate(p, action)
	if len(got) != len(want) {
		t.Fatalf("%s: got %d exposures %+v, want %d %+v", action, len(got), got, len(want), want)
	}
	for i, w := range want {
		g := got[i]
		if g.Statement != w.stmt || g.Families != w.fams || g.Ineffective != w.ineffective || g.Why != w.why {
			t.Errorf("%s: exposure %d = {Statement:%d Families:%v Ineffective:%v Why:%q}, want {Statement:%d Families:%v Ineffective:%v Why:%q}",
				action, i, g.Statement, g.Families, g.Ineffective, g.Why, w.stmt, w.fams, w.ineffective, w.why)
		}
		if w.action != "" && g.Action != w.action {
			t.Errorf("%s: exposure %d Action = %q, want %q", action, i, g.Action, w.action)
		}
		if w.resource != "" && g.Resource != w.resource {
			t.Errorf("%s: exposure %d Resource = %q, want %q", action, i, g.Resource, w.resource)
		}
		if g.Action == "" || g.Resource == "" {
			t.Errorf("%s: exposure %d has an empty Action %q or Resource %q", action, i, g.Action, g.Resource)
		}
	}
}

func TestEvaluateNilPolicy(t *testing.T) {
	if got := Evaluate(nil, "ssm:SendCommand"); got != nil {
		t.Errorf("Evaluate(nil) = %v, want nil", got)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, subject string
		fold, want       bool
	}{
		{"*", "", false, true},
		{"", "", false, true},
		{"", "a", false, false},
		{"a*b*c", "axxbyyc", false, true},
		{"a*b*c", "axxbyy", false, false},
		{"?", "é", false, true},
		{"??", "é", false, false},
		{"É", "é", true, true},
		{"É", "é", false, false},
		{"ssm:*", "SSM:StartSession", true, true},
		{"ssm:*", "SSM:StartSession", false, false},
		{"*session", "ssm:StartSession", true, true},
		{"K", "\u212a", true, true}, // the Kelvin sign folds to K
	}
	for _, tt := range tests {
		if got := match(tt.pattern, tt.subject, tt.fold); got != tt.want {
			t.Errorf("match(%q, %q, %v) = %v, want %v", tt.pattern, tt.subject, tt.fold, got, tt.want)
		}
	}
}

// policyFromJSON builds a Policy from an IAM policy document. Every value
// gets Text = Source = the string, each statement a nonzero Span; Condition blocks
// keep the order in which they are written.
func policyFromJSON(t testing.TB, doc string) *Policy {
	t.Helper()
	var raw struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		t.Fatalf("policy: %v", err)
	}
	var stmts []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(raw.Statement), []byte("[")) {
		if err := json.Unmarshal(raw.Statement, &stmts); err != nil {
			t.Fatalf("Statement: %v", err)
		}
	} else {
		stmts = []json.RawMessage{raw.Statement}
	}
	b := &policyBuilder{t: t}
	p := &Policy{}
	for _, s := range stmts {
		var rs struct {
			Sid                                      string
			Effect                                   string
			Action, NotAction, Resource, NotResource json.RawMessage
			Principal, NotPrincipal, Condition       json.RawMessage
		}
		if err := json.Unmarshal(s, &rs); err != nil {
			t.Fatalf("statement %s: %v", s, err)
		}
		st := Statement{
			Sid:          rs.Sid,
			Effect:       rs.Effect,
			Action:       b.values(rs.Action),
			NotAction:    b.values(rs.NotAction),
			Resource:     b.values(rs.Resource),
			NotResource:  b.values(rs.NotResource),
			HasPrincipal: rs.Principal != nil || rs.NotPrincipal != nil,
			Span:         b.span(),
		}
		for _, op := range b.object(rs.Condition) {
			for _, kv := range b.object(op.value) {
				st.Conditions = append(st.Conditions, Condition{Operator: op.key, Key: kv.key, Values: b.values(kv.value)})
			}
		}
		p.Statements = append(p.Statements, st)
	}
	return p
}

type policyBuilder struct {
	t    testing.TB
	line int
}

// span returns a new nonzero span, one line each.
func (b *policyBuilder) span() source.Span {
	b.line++
	return source.Span{Start: source.Pos{Line: b.line, Col: 1}, End: source.Pos{Line: b.line, Col: 10}}
}

// values reads a string, scalar or list of them; nil when absent.
func (b *policyBuilder) values(raw json.RawMessage) Values {
	if raw == nil {
		return nil
	}
	var items []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		if err := json.Unmarshal(raw, &items); err != nil {
			b.t.Fatalf("values %s: %v", raw, err)
		}
	} else {
		items = []json.RawMessage{raw}
	}
	vs := Values{}
	for _, item := range items {
		var s string
		if err := json.Unmarshal(item, &s); err != nil {
			s = strings.TrimSpace(string(item)) // a boolean or number, as written
		}
		vs = append(vs, testValue(s))
	}
	return vs
}

// testValue reads the tests' shorthand for a value: a name between two
// NUL bytes is a specific unknown, one between two \x01 bytes a value
// that could not be evaluated (UnknownAny); an unclosed one runs to the end.
func testValue(s string) Value {
	v := Value{Source: s}
	var text strings.Builder
	for {
		i := strings.IndexAny(s, "\x00\x01")
		if i < 0 {
			break
		}
		text.WriteString(s[:i])
		mark, rest := s[i], s[i+1:]
		name := rest
		s = ""
		if j := strings.IndexByte(rest, mark); j >= 0 {
			name, s = rest[:j], rest[j+1:]
		}
		kind := UnknownSpecific
		if mark == 1 {
			kind = UnknownAny
		}
		v.Unknowns = append(v.Unknowns, Unknown{At: text.Len(), Name: name, Kind: kind})
	}
	text.WriteString(s)
	v.Text = text.String()
	return v
}

type field struct {
	key   string
	value json.RawMessage
}

// object reads a JSON object's fields in order; nil when absent.
func (b *policyBuilder) object(raw json.RawMessage) []field {
	if raw == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		b.t.Fatalf("object %s: want {", raw)
	}
	var out []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			b.t.Fatalf("object %s: %v", raw, err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			b.t.Fatalf("object %s: %v", raw, err)
		}
		out = append(out, field{key: fmt.Sprint(tok), value: v})
	}
	return out
}

// fuzzPieces are the strings a fuzzed policy is made of; a byte past
// their count takes a raw slice of the input instead.
var fuzzPieces = []string{
	"*", "?", "ssm:*", "ssm:SendCommand", "ssm:StartSession", "SSM:send*", "ec2:*", "",
	"arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:managed-instance/*", "arn:*:*", "arn:aws:ssm:*::document/*",
	"arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", "\x00Ref\x00", "\x00Fn::GetAtt:A.B\x00", "\x00",
	"StringEquals", "StringLike", "StringNotEquals", "ForAllValues:StringEquals", "ForAnyValue:StringLike",
	"StringEqualsIfExists", "Null", "NullIfExists", "Bogus", "IpAddress",
	"ssm:resourceTag/env", "aws:ResourceTag/aws:x", "ec2:ResourceTag/env", "aws:SourceIp", "ssm:resourceTag/",
	"true", "false", "prod", "Allow", "Deny",
	"arn:aws-cn:ec2:*:*:instance/i-0*", "arn:*:ec2:*:*:instance/*????????", "${aws:PrincipalTag/team}", "${ssm:resourceTag/team}",
	"aws:PrincipalTag/team", "Bool", "aws:MultiFactorAuthPresent", "ForAllValues:StringNotEquals", "arn:aws:ec2:${R}:*:*",
}

func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("\x22\x08\x09\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20\x21\x22\x23"))
	f.Add([]byte("arn:aws:ec2:\x00*:*\x00:instance/*??**\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &fuzzReader{data: data}
		p := &Policy{}
		for n := r.next() % 5; n > 0; n-- {
			st := Statement{Effect: r.str(), HasPrincipal: r.next()%4 == 0,
				Reading: Reading{Place: int(r.next() % 3), Sometimes: r.next()%5 == 0}}
			st.Action, st.NotAction = r.values(), r.values()
			st.Resource, st.NotResource = r.values(), r.values()
			for c := r.next() % 4; c > 0; c-- {
				st.Conditions = append(st.Conditions, Condition{Operator: r.str(), Key: r.str(), Values: r.values()})
			}
			p.Statements = append(p.Statements, st)
		}
		var j Judge // one per input, so that a failure reproduces from the input alone
		for _, action := range []string{"ssm:SendCommand", "ssm:StartSession", r.str()} {
			last := -1
			xs := Evaluate(p, action)
			for round := range 2 { // the second from what the first remembered
				if judged := j.Evaluate(p, action); !reflect.DeepEqual(judged, xs) {
					t.Fatalf("%s, round %d: the judge finds %+v, Evaluate %+v, of %+v", action, round, judged, xs, p)
				}
			}
			for _, e := range xs {
				st := p.Statements[e.Statement]
				if e.Statement <= last || st.Effect != "Allow" || st.HasPrincipal ||
					e.Families == 0 || e.Families&^allFams != 0 || e.Why == "" || e.Action == "" || e.Resource == "" {
					t.Fatalf("bad exposure %+v of %+v", e, p)
				}
				last = e.Statement
			}
		}
	})
}

type fuzzReader struct {
	data []byte
	pos  int
}

func (r *fuzzReader) next() byte {
	if r.pos >= len(r.data) {
		return 0
	}
	r.pos++
	return r.data[r.pos-1]
}

func (r *fuzzReader) str() string {
	i := int(r.next())
	if i < len(fuzzPieces) {
		return fuzzPieces[i]
	}
	n := min(i-len(fuzzPieces), len(r.data)-r.pos)
	s := string(r.data[r.pos : r.pos+n])
	r.pos += n
	return s
}

// values returns nil (absent) or a list of up to three values.
func (r *fuzzReader) values() Values {
	n := r.next() % 5
	if n == 0 {
		return nil
	}
	vs := Values{}
	for ; n > 1; n-- {
		vs = append(vs, testValue(r.str()))
	}
	return vs
}
