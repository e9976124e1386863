package scan

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// These tests hold each IAM mechanism of the evaluator to the minimal
// policies that show it, read the whole way (parse, extract, evaluate,
// rules): what is reported, at which line and column, and why.

// semanticsCase is a file and what scanning it reports: "RULE L:C
// message" for findings (the rule's ssm:SendCommand or ssm:StartSession
// alike), "warning L:C message" for warnings.
type semanticsCase struct {
	name    string
	file    string // default p.json
	content string
	want    []string
}

func runSemantics(t *testing.T, cases []semanticsCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			if file == "" {
				file = "p.json"
			}
			res := ScanFile(file, []byte(tc.content))
			var got []string
			for _, f := range res.Findings {
				got = append(got, fmt.Sprintf("%s %d:%d %s", f.RuleID, f.Span.Start.Line, f.Span.Start.Col, f.Message))
			}
			for _, w := range res.Warnings {
				got = append(got, fmt.Sprintf("warning %d:%d %s", w.Line, w.Col, w.Message))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// policy is a policy document of statements, one a line from line 2.
func policy(statements ...string) string {
	return "{\"Statement\": [\n" + strings.Join(statements, ",\n") + "\n]}\n"
}

// sendTo is an Allow of ssm:SendCommand on resources (a JSON value).
func sendTo(resources string) string {
	return `{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": ` + resources + `}`
}

// denyOn is a Deny of ssm:* on resources, with an optional Condition.
func denyOn(resources, condition string) string {
	st := `{"Effect": "Deny", "Action": "ssm:*", "Resource": ` + resources
	if condition != "" {
		st += `, "Condition": ` + condition
	}
	return st + `}`
}

// idPatterns lists prefix+c+suffix for every character c of digits, as
// a JSON list.
func idPatterns(prefix, suffix string, digits string) string {
	var out []string
	for _, c := range digits {
		out = append(out, `"`+prefix+string(c)+suffix+`"`)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// shownPatterns is how a message shows the list of idPatterns: its first
// eight entries.
func shownPatterns(prefix, suffix string, digits string) string {
	list := idPatterns(prefix, suffix, digits[:8])
	return list[:len(list)-1] + fmt.Sprintf(", and %d more]", len(digits)-8)
}

const (
	hexDigits = "0123456789abcdef"
	sendAll   = `IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): no Condition`
)

func TestResourcePatternsAsASet(t *testing.T) {
	ec2IDs := "arn:aws:ec2:*:*:instance/i-"
	runSemantics(t, []semanticsCase{
		{
			name:    "8 and 17 question marks are every EC2 instance ID",
			content: policy(sendTo(`["arn:aws:ec2:*:*:instance/i-????????", "arn:aws:ec2:*:*:instance/i-?????????????????"]`)),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", ` +
				`Resource ["arn:aws:ec2:*:*:instance/i-????????", "arn:aws:ec2:*:*:instance/i-?????????????????"]): no Condition`},
		},
		{
			name:    "8 question marks alone are only the short IDs",
			content: policy(sendTo(`"arn:aws:ec2:*:*:instance/i-????????"`)),
		},
		{
			name:    "16 patterns on the first hex digit are every EC2 instance",
			content: policy(sendTo(idPatterns(ec2IDs, "*", hexDigits))),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", Resource ` +
				shownPatterns(ec2IDs, "*", hexDigits) + `): no Condition`},
		},
		{
			name:    "15 of them leave instances out",
			content: policy(sendTo(idPatterns(ec2IDs, "*", hexDigits[1:]))),
		},
		{
			name:    "instance IDs are lower-case hex: upper-case digits cover nothing",
			content: policy(sendTo(idPatterns(ec2IDs, "*", "0123456789ABCDEF"))),
		},
		{
			name:    "16 patterns on the last hex digit are every EC2 instance",
			content: policy(sendTo(idPatterns("arn:aws:ec2:*:*:instance/*", "", hexDigits))),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", Resource ` +
				shownPatterns("arn:aws:ec2:*:*:instance/*", "", hexDigits) + `): no Condition`},
		},
		{
			name:    "managed-instance IDs are 17 hex digits",
			content: policy(sendTo(`"arn:aws:ssm:*:*:managed-instance/mi-?????????????????"`)),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all managed instances (Action "ssm:SendCommand", ` +
				`Resource "arn:aws:ssm:*:*:managed-instance/mi-?????????????????"): no Condition`},
		},
		{
			name:    "managed-instance IDs of 8 hex digits are no managed instances",
			content: policy(sendTo(`"arn:aws:ssm:*:*:managed-instance/mi-????????"`)),
		},
		{
			name: "a NotResource of every EC2 ID in every partition leaves the managed instances",
			content: policy(`{"Effect": "Allow", "Action": "ssm:SendCommand", "NotResource": ` +
				idPatterns("arn:*:ec2:*:*:instance/i-", "*", hexDigits) + `}`),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all managed instances (Action "ssm:SendCommand", NotResource ` +
				shownPatterns("arn:*:ec2:*:*:instance/i-", "*", hexDigits) + `): no Condition`},
		},
		{
			name: "Denies of every ID, in two statements, take back both families",
			content: policy(sendTo(`"*"`), denyOn(idPatterns("arn:*:ec2:*:*:instance/i-", "*", hexDigits[:8]), ""),
				denyOn(idPatterns("arn:*:ec2:*:*:instance/i-", "*", hexDigits[8:]), ""),
				denyOn(`"arn:*:ssm:*:*:managed-instance/*"`, "")),
		},
		{
			name: "a Deny that leaves one first digit out takes back nothing of that family",
			content: policy(sendTo(`"*"`), denyOn(idPatterns("arn:*:ec2:*:*:instance/i-", "*", hexDigits[1:]), ""),
				denyOn(`"arn:*:ssm:*:*:managed-instance/*"`, "")),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", Resource "*"): no Condition`},
		},
		{
			name:    "past the bound on cost the patterns are read as covering, and the message says so",
			content: policy(sendTo(`"arn:aws:ec2:*:*:instance/*a????????????????"`)),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", ` +
				`Resource "arn:aws:ec2:*:*:instance/*a????????????????"; the patterns are too intricate to decide exactly, ` +
				`so they are read as covering every instance): no Condition`},
		},
		{
			name:    "a Deny of one instance takes nothing back",
			content: policy(sendTo(`"*"`), denyOn(`"arn:*:ec2:*:*:instance/i-0123456789abcdef0"`, "")),
			want:    []string{sendAll},
		},
	})
}

func TestUnknownsAreAsymmetric(t *testing.T) {
	stackInstances := `"arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"`
	template := func(statements ...string) string {
		return "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n" +
			strings.Join(statements, "") + "        Version: '2012-10-17'\n"
	}
	allow := func(resource string) string {
		return "          - {Effect: Allow, Action: ssm:SendCommand, Resource: " + resource + "}\n"
	}
	deny := func(resource string) string {
		return "          - {Effect: Deny, Action: ssm:SendCommand, Resource: " + resource + "}\n"
	}
	runSemantics(t, []semanticsCase{
		{
			name:    "a Deny of the stack's own region and account does not take back an Allow on *",
			file:    "t.yaml",
			content: template(allow(`"*"`), deny("!Sub "+stackInstances)),
			want: []string{`IAM-SSM-1 7:13 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", ` +
				`Resource "*"): no Condition`},
		},
		{
			name:    "an Allow on the stack's own region and account covers every instance there",
			file:    "t.yaml",
			content: template(allow("!Sub " + stackInstances)),
			want: []string{`IAM-SSM-1 7:13 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", ` +
				`Resource "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"): no Condition`},
		},
		{
			name:    "a Deny of the same place takes it back",
			file:    "t.yaml",
			content: template(allow("!Sub "+stackInstances), deny("!Sub "+stackInstances)),
		},
		{
			name:    "a Deny in partition aws leaves an Allow in the stack's partition open",
			file:    "t.yaml",
			content: template(allow("!Sub "+stackInstances), deny(`"arn:aws:ec2:*:*:instance/*"`)),
			want: []string{`IAM-SSM-1 7:13 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", ` +
				`Resource "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"): no Condition`},
		},
		{
			name:    "a Deny in every partition takes back the stack's partition",
			file:    "t.yaml",
			content: template(allow("!Sub "+stackInstances), deny(`"arn:*:ec2:*:*:instance/*"`)),
		},
		{
			name:    "a Deny of partition aws leaves aws-cn and aws-us-gov open to an Allow on *",
			content: policy(sendTo(`"*"`), denyOn(`"arn:aws:*"`, "")),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", ` +
				`Resource "*"; EC2 instances stay open in partition aws-cn; managed instances stay open in partition aws-cn): no Condition`},
		},
		{
			name:    "a Deny of partition aws takes back an Allow that names only aws",
			content: policy(sendTo(`"arn:aws:ec2:*:*:instance/*"`), denyOn(`"arn:aws:*"`, "")),
		},
		{
			name:    "a Deny of partition aws leaves an Allow that names aws-us-gov",
			content: policy(sendTo(`"arn:aws-us-gov:ec2:*:*:instance/*"`), denyOn(`"arn:aws:*"`, "")),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", ` +
				`Resource "arn:aws-us-gov:ec2:*:*:instance/*"; EC2 instances stay open in partition aws-us-gov): no Condition`},
		},
		{
			name:    "a NotResource of partition aws leaves the others",
			content: policy(`{"Effect": "Allow", "Action": "ssm:SendCommand", "NotResource": "arn:aws:ec2:*:*:instance/*"}`),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", ` +
				`NotResource "arn:aws:ec2:*:*:instance/*"; EC2 instances stay open in partition aws-cn): no Condition`},
		},
		{
			name:    "a parameter in a Deny's NotResource may be any instance, so the Deny takes nothing back",
			file:    "t.yaml",
			content: template(allow(`"arn:aws:ec2:us-east-1:111122223333:instance/*"`), "          - {Effect: Deny, Action: ssm:*, NotResource: !Ref KeepArn}\n"),
			want: []string{`IAM-SSM-1 7:13 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", ` +
				`Resource "arn:aws:ec2:us-east-1:111122223333:instance/*"): no Condition`},
		},
	})
}

func TestDenyOnlyWhereAlwaysThere(t *testing.T) {
	template := func(statements string) string {
		return "Conditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n" +
			"      PolicyDocument:\n        Statement:\n          - {Sid: All, Effect: Allow, Action: ssm:SendCommand, Resource: '*'}\n" +
			statements
	}
	finding := `IAM-SSM-1 9:13 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): no Condition`
	runSemantics(t, []semanticsCase{
		{
			name:    "an unconditional Deny takes the Allow back",
			file:    "t.yaml",
			content: template("          - {Effect: Deny, Action: ssm:*, Resource: '*'}\n"),
		},
		{
			name:    "a Deny in one Fn::If branch against AWS::NoValue takes nothing back",
			file:    "t.yaml",
			content: template("          - !If [IsProd, {Effect: Deny, Action: ssm:*, Resource: '*'}, !Ref AWS::NoValue]\n"),
			want:    []string{finding},
		},
		{
			name: "a Deny in both branches takes back what both take back",
			file: "t.yaml",
			content: template("          - !If [IsProd, {Effect: Deny, Action: ssm:*, Resource: '*'},\n" +
				"              {Effect: Deny, Action: ssm:SendCommand, Resource: 'arn:*:ec2:*:*:instance/*'}]\n"),
			want: []string{`IAM-SSM-1 9:13 Allow grants ssm:SendCommand on all managed instances (Action "ssm:SendCommand", Resource "*"): no Condition`},
		},
		{
			name:    "a Deny whose Resource is an Fn::If takes back what every branch names",
			file:    "t.yaml",
			content: template("          - {Effect: Deny, Action: ssm:*, Resource: !If [IsProd, '*', 'arn:aws:ssm:*::document/*']}\n"),
			want:    []string{finding},
		},
		{
			name:    "a Deny whose Action is an Fn::If counts only for actions every branch names",
			file:    "t.yaml",
			content: template("          - {Effect: Deny, Action: !If [IsProd, 'ssm:*', 'ec2:*'], Resource: '*'}\n"),
			want:    []string{finding},
		},
		{
			name: "a Deny whose Condition is an Fn::If counts only where every branch holds",
			file: "t.yaml",
			content: template("          - Effect: Deny\n            Action: ssm:*\n            Resource: '*'\n" +
				"            Condition: !If [IsProd, {Bool: {aws:MultiFactorAuthPresent: 'false'}}, !Ref AWS::NoValue]\n"),
			want: []string{finding},
		},
		{
			name:    "the same condition name takes the same branch everywhere in a statement",
			file:    "t.yaml",
			content: template("          - {Effect: Deny, Action: !If [IsProd, 'ssm:*', 'ssm:SendCommand'], Resource: !If [IsProd, '*', '*']}\n"),
		},
		{
			name:    "an Fn::If inside a Fn::Sub of a Deny is not split: the Deny takes nothing back",
			file:    "t.yaml",
			content: template("          - {Effect: Deny, Action: ssm:*, Resource: !Sub ['arn:${P}:*', {P: !If [IsProd, '*', '*']}]}\n"),
			want:    []string{finding},
		},
		{
			name: "the Allow side is judged in every branch",
			file: "t.yaml",
			content: "Conditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n" +
				"      PolicyDocument:\n        Statement:\n" +
				"          - {Effect: Allow, Action: ssm:SendCommand, Resource: !If [IsProd, 'arn:aws:ssm:*::document/x', '*']}\n",
			want: []string{finding},
		},
	})
}

// anyCondition is a statement granting ssm:SendCommand on every
// instance under the given Condition block, on line 2.
func anyCondition(condition string) string {
	return policy(`{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*", "Condition": ` + condition + `}`)
}

func sendWhy(why string) []string {
	return []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): ` + why}
}

func TestConditionsJudgedTogether(t *testing.T) {
	runSemantics(t, []semanticsCase{
		{
			name:    "an instance-tag variable compares the tag with itself: no pin",
			content: anyCondition(`{"StringEquals": {"ssm:resourceTag/team": "${ssm:resourceTag/team}"}}`),
			want: sendWhy("StringEquals value '${ssm:resourceTag/team}' on ssm:resourceTag/team compares the tag with the instance's own tags, " +
				"so it pins no value"),
		},
		{
			name:    "an aws:ResourceTag variable does not pin either",
			content: anyCondition(`{"StringEquals": {"aws:ResourceTag/owner": "${aws:ResourceTag/team}"}}`),
			want: sendWhy("StringEquals value '${aws:ResourceTag/team}' on aws:ResourceTag/owner compares the tag with the instance's own tags, " +
				"so it pins no value"),
		},
		{
			name:    "a principal-side variable pins",
			content: anyCondition(`{"StringEquals": {"ssm:resourceTag/team": "${aws:PrincipalTag/team}"}}`),
		},
		{
			name:    "ForAllValues with Null false on the same tag key pins",
			content: anyCondition(`{"ForAllValues:StringEquals": {"ssm:resourceTag/env": "prod"}, "Null": {"ssm:resourceTag/env": "false"}}`),
		},
		{
			name:    "ForAllValues alone is true without the tag",
			content: anyCondition(`{"ForAllValues:StringEquals": {"ssm:resourceTag/env": "prod"}}`),
			want:    sendWhy("ForAllValues:StringEquals on ssm:resourceTag/env is true when the tag is absent"),
		},
		{
			name:    "ForAllValues with Null false on another key does not pin",
			content: anyCondition(`{"ForAllValues:StringEquals": {"ssm:resourceTag/env": "prod"}, "Null": {"ssm:resourceTag/team": "false"}}`),
			want:    sendWhy("ForAllValues:StringEquals on ssm:resourceTag/env is true when the tag is absent"),
		},
		{
			name:    "the reverse form, the principal's tag equal to the instance's, pins",
			content: anyCondition(`{"StringEquals": {"aws:PrincipalTag/team": "${ssm:resourceTag/team}"}}`),
		},
		{
			name:    "the reverse form negated does not pin",
			content: anyCondition(`{"StringNotEquals": {"aws:PrincipalTag/team": "${ssm:resourceTag/team}"}}`),
			want:    sendWhy("StringNotEquals on aws:PrincipalTag/team is negated, so it matches instances without the tag"),
		},
		{
			name:    "conditions that can never hold together grant nothing",
			content: anyCondition(`{"Bool": {"aws:MultiFactorAuthPresent": "true"}, "Null": {"aws:MultiFactorAuthPresent": "true"}}`),
		},
		{
			name:    "a caller condition that can hold grants",
			content: anyCondition(`{"Bool": {"aws:MultiFactorAuthPresent": "true"}, "Null": {"aws:MultiFactorAuthPresent": "false"}}`),
			want:    sendWhy("Bool on aws:MultiFactorAuthPresent says nothing about the target instance"),
		},
		{
			name:    "a Deny's StringNotEquals on the literal value * is not a wildcard: it takes every instance back",
			content: policy(sendTo(`"*"`), denyOn(`"*"`, `{"StringNotEquals": {"ssm:resourceTag/env": "*"}}`)),
		},
		{
			name:    "a Deny's StringNotLike * matches no tagged instance: tagged ones stay",
			content: policy(sendTo(`"*"`), denyOn(`"*"`, `{"StringNotLike": {"ssm:resourceTag/env": "*"}}`)),
			want:    []string{sendAll},
		},
		{
			name: "Null true in a Deny with ForAllValues in the Allow leaves only tagged instances",
			content: policy(`{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"ssm:resourceTag/env": "prod"}}}`,
				denyOn(`"*"`, `{"Null": {"ssm:resourceTag/env": "true"}}`)),
		},
		{
			name:    "a Deny conditioned on the caller's MFA can be avoided by the caller",
			content: policy(sendTo(`"*"`), denyOn(`"*"`, `{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}`)),
			want:    []string{sendAll},
		},
		{
			name: "Denies that together fire for every caller take everything back",
			content: policy(sendTo(`"*"`), denyOn(`"*"`, `{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}`),
				denyOn(`"*"`, `{"Bool": {"aws:MultiFactorAuthPresent": "true"}}`)),
		},
	})
}

func TestDenyCredit(t *testing.T) {
	onInstances := func(condition string) string {
		return policy(sendTo(`"*"`), denyOn(`"*"`, condition))
	}
	runSemantics(t, []semanticsCase{
		{name: "ec2:ResourceTag under StringNotEquals is true for every SSM request", content: onInstances(`{"StringNotEquals": {"ec2:ResourceTag/env": "prod"}}`)},
		{name: "ec2:ResourceTag under IfExists is true for every SSM request", content: onInstances(`{"StringEqualsIfExists": {"ec2:ResourceTag/env": "prod"}}`)},
		{name: "ec2:ResourceTag under ForAllValues is true for every SSM request", content: onInstances(`{"ForAllValues:StringEquals": {"ec2:ResourceTag/env": "prod"}}`)},
		{name: "ec2:ResourceTag under Null true is true for every SSM request", content: onInstances(`{"Null": {"ec2:ResourceTag/env": "true"}}`)},
		{
			name:    "ec2:ResourceTag under StringEquals is never true: no credit",
			content: onInstances(`{"StringEquals": {"ec2:ResourceTag/env": "prod"}}`),
			want:    []string{sendAll},
		},
		{name: "ForAllValues:StringNotEquals carves out tagged instances", content: onInstances(`{"ForAllValues:StringNotEquals": {"ssm:resourceTag/env": "prod"}}`)},
		{name: "StringNotEquals carves out tagged instances", content: onInstances(`{"StringNotEquals": {"aws:ResourceTag/env": "prod"}}`)},
		{
			name:    "a Deny of some tagged instances changes nothing",
			content: onInstances(`{"StringEquals": {"ssm:resourceTag/env": "prod"}}`),
			want:    []string{sendAll},
		},
		{
			name: "a Deny of the Allow's own region takes it back",
			content: policy(sendTo(`["arn:aws:ec2:eu-west-1:*:instance/*", "arn:aws:ssm:eu-west-1:*:managed-instance/*"]`),
				denyOn(`"arn:aws:*:eu-west-1:*:*"`, "")),
		},
		{
			name: "a Deny of another region does not",
			content: policy(sendTo(`"arn:aws:ec2:eu-west-1:*:instance/*"`),
				denyOn(`"arn:aws:*:us-east-1:*:*"`, "")),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", Resource "arn:aws:ec2:eu-west-1:*:instance/*"): no Condition`},
		},
		{
			name:    "a Deny of the Allow's own account takes it back",
			content: policy(sendTo(`"arn:aws:ec2:*:111122223333:instance/*"`), denyOn(`"arn:*:*:*:111122223333:*"`, "")),
		},
		{
			name: "a Deny whose NotResource names only what the Allow does not takes it back",
			content: policy(sendTo(`"arn:aws:ec2:us-east-1:111122223333:instance/*"`),
				`{"Effect": "Deny", "Action": "ssm:*", "NotResource": ["arn:aws:ssm:*::document/*", "arn:aws:ec2:eu-west-1:*:instance/*"]}`),
		},
		{
			name: "a Deny with the NotResource the Allow has takes back all it grants",
			content: policy(`{"Effect": "Allow", "Action": "ssm:SendCommand", "NotResource": "arn:aws:ec2:*:*:instance/*"}`,
				`{"Effect": "Deny", "Action": "ssm:*", "NotResource": "arn:aws:ec2:*:*:instance/*"}`),
		},
		{
			name: "a Deny whose NotResource names the Allow's place takes nothing back",
			content: policy(sendTo(`"arn:aws:ec2:us-east-1:111122223333:instance/*"`),
				`{"Effect": "Deny", "Action": "ssm:*", "NotResource": "arn:aws:ec2:us-east-1:*:instance/*"}`),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 instances (Action "ssm:SendCommand", Resource "arn:aws:ec2:us-east-1:111122223333:instance/*"): no Condition`},
		},
	})
}

func TestARNMatchingIsCaseSensitive(t *testing.T) {
	runSemantics(t, []semanticsCase{
		{name: "service", content: policy(sendTo(`["arn:aws:EC2:*:*:instance/*", "arn:aws:SSM:*:*:managed-instance/*"]`))},
		{name: "prefix and partition", content: policy(sendTo(`["ARN:aws:ec2:*:*:instance/*", "arn:AWS:ec2:*:*:instance/*"]`))},
		{name: "resource type", content: policy(sendTo(`["arn:aws:ec2:*:*:Instance/*", "arn:aws:ssm:*:*:Managed-Instance/*"]`))},
		{name: "region", content: policy(sendTo(`"arn:aws:ec2:US-EAST-1:111122223333:instance/*"`))},
		{name: "instance ID", content: policy(sendTo(`"arn:aws:ec2:*:*:instance/I-*"`))},
		{
			name:    "a Deny in upper case takes nothing back",
			content: policy(sendTo(`"*"`), denyOn(`["ARN:AWS:EC2:*:*:INSTANCE/*", "arn:aws:SSM:*:*:managed-instance/*"]`, "")),
			want:    []string{sendAll},
		},
		{
			name:    "a NotResource in upper case excludes nothing",
			content: policy(`{"Effect": "Allow", "Action": "ssm:SendCommand", "NotResource": "arn:*:EC2:*:*:instance/*"}`),
			want: []string{`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", ` +
				`NotResource "arn:*:EC2:*:*:instance/*"): no Condition`},
		},
	})
}

func TestMalformedIsNotCritical(t *testing.T) {
	runSemantics(t, []semanticsCase{
		{
			name:    "an unknown operator is a warning at the operator, and the policy grants nothing",
			content: "{\"Statement\": [\n" + `{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*",` + "\n  \"Condition\": {\"StringEqual\": {\"ssm:resourceTag/env\": \"prod\"}}}]}",
			want:    []string{"warning 3:17 unknown condition operator StringEqual: IAM rejects this policy"},
		},
		{
			name:    "in another statement it still makes the policy grant nothing",
			content: policy(sendTo(`"*"`), `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddres": {"aws:SourceIp": "10.0.0.0/8"}}}`),
			want:    []string{"warning 3:78 unknown condition operator IpAddres: IAM rejects this policy"},
		},
		{
			name: "in YAML, in a template",
			file: "t.yaml",
			content: "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n" +
				"          - Effect: Allow\n            Action: ssm:SendCommand\n            Resource: '*'\n            Condition:\n" +
				"              ForSomeValues:StringEquals: {ssm:resourceTag/env: prod}\n",
			want: []string{"warning 11:15 unknown condition operator ForSomeValues:StringEquals: IAM rejects this policy"},
		},
		{
			name: "in a policy written as a string, at the operator inside the string",
			file: "t.yaml",
			content: "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: " +
				`'{"Statement": {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*", "Condition": {"NullIfExists": {"ssm:resourceTag/env": "false"}}}}'` + "\n",
			want: []string{"warning 5:118 unknown condition operator NullIfExists: IAM rejects this policy"},
		},
		{
			name: "in one Fn::If branch only, the other branch still grants",
			file: "t.yaml",
			content: "Conditions:\n  C: !Equals [a, b]\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n" +
				"          - Effect: Allow\n            Action: ssm:SendCommand\n            Resource: '*'\n" +
				"            Condition: !If [C, {StringEqual: {ssm:resourceTag/env: prod}}, {StringEquals: {aws:PrincipalTag/x: y}}]\n",
			want: []string{
				`IAM-SSM-1 9:13 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): ` +
					`StringEquals on aws:PrincipalTag/x says nothing about the target instance`,
				"warning 12:33 unknown condition operator StringEqual: IAM rejects this policy",
			},
		},
	})
}

func TestDuplicateKeysEveryReading(t *testing.T) {
	runSemantics(t, []semanticsCase{
		{
			name: "a duplicate Resource: the reading that grants is reported and named",
			content: "{\"Statement\": [\n{\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\",\n" +
				"  \"Resource\": \"*\",\n  \"Resource\": \"arn:aws:ssm:*::document/AWS-RunShellScript\"}]}",
			want: []string{
				`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): ` +
					`no Condition; reading the duplicate "Resource" on line 3`,
				`warning 4:3 duplicate key "Resource" (also on line 3): readers differ on which one counts`,
			},
		},
		{
			name: "a duplicate Condition: the reading without the pin grants",
			content: "{\"Statement\": [\n{\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\",\n" +
				"  \"Condition\": {\"StringEquals\": {\"ssm:resourceTag/env\": \"prod\"}},\n  \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/8\"}}}]}",
			want: []string{
				`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): ` +
					`IpAddress on aws:SourceIp says nothing about the target instance; reading the duplicate "Condition" on line 4`,
				`warning 4:3 duplicate key "Condition" (also on line 3): readers differ on which one counts`,
			},
		},
		{
			name: "a duplicate operator in a Condition: the reading that takes the other one grants",
			content: "{\"Statement\": [\n{\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\",\n" +
				"  \"Condition\": {\"StringEquals\": {\"ssm:resourceTag/env\": \"prod\"},\n  \"StringEquals\": {\"aws:PrincipalTag/x\": \"y\"}}}]}",
			want: []string{
				`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): ` +
					`StringEquals on aws:PrincipalTag/x says nothing about the target instance; reading the duplicate "StringEquals" on line 4`,
				`warning 4:3 duplicate key "StringEquals" (also on line 3): readers differ on which one counts`,
			},
		},
		{
			name: "a duplicate condition key: every reading pins the instances",
			content: "{\"Statement\": [\n{\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\",\n" +
				"  \"Condition\": {\"StringEquals\": {\"ssm:resourceTag/env\": \"prod\",\n  \"ssm:resourceTag/env\": [\"prod\", \"*\"]}}}]}",
			want: []string{`warning 4:3 duplicate key "ssm:resourceTag/env" (also on line 3): readers differ on which one counts`},
		},
		{
			name: "duplicates where no reading grants",
			content: "{\"Statement\": [\n{\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\",\n" +
				"  \"Resource\": \"arn:aws:ssm:*::document/a\",\n  \"Resource\": \"arn:aws:ssm:*::document/b\"}]}",
			want: []string{`warning 4:3 duplicate key "Resource" (also on line 3): readers differ on which one counts`},
		},
		{
			name:    "a Deny with a duplicate Resource takes back only what both readings do",
			content: policy(sendTo(`"*"`), `{"Effect": "Deny", "Action": "ssm:*", "Resource": "*", "Resource": "arn:aws:ssm:*::document/*"}`),
			want:    []string{sendAll, `warning 3:56 duplicate key "Resource" (also on line 3): readers differ on which one counts`},
		},
		{
			name:    "a duplicate Effect: the Allow reading grants",
			content: policy(`{"Effect": "Deny", "Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}`),
			want: []string{
				`IAM-SSM-1 2:1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): ` +
					`no Condition; reading the duplicate "Effect" on line 2`,
				`warning 2:20 duplicate key "Effect" (also on line 2): readers differ on which one counts`,
			},
		},
	})
}
