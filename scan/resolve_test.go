package scan

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// TestStaticResolution: what CloudFormation resolves without deploying
// is resolved (Ref to a parameter's Default, Fn::FindInMap, Fn::Select,
// Fn::Split, a Fn::Join or a parameter that writes the policy as JSON),
// a Default widens a grant but never narrows one, and what cannot be
// resolved stays a specific unknown.
func TestStaticResolution(t *testing.T) {
	const (
		allInstances = "Allow grants ssm:SendCommand on all EC2 and managed instances"
		fromTarget   = "; this reads parameter Target as its default, one value a deployment may have"
	)
	tests := []struct {
		name, content string
		want          []string // described findings
	}{
		{
			name: "Ref to a parameter whose Default is * is a finding that says so",
			content: `Parameters:
  Target: {Type: String, Default: "*"}
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: ssm:SendCommand
            Resource: !Ref Target
`,
			want: []string{`IAM-SSM-1 t.yaml:9:13 ` + allInstances + ` (Action "ssm:SendCommand", Resource "*"): no Condition` + fromTarget},
		},
		{
			name: "a Default that names one instance, and a parameter without a Default, grant nothing",
			content: `Parameters:
  Target: {Type: String, Default: "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"}
  Other: {Type: String}
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: ssm:SendCommand, Resource: [!Ref Target, !Ref Other, !Sub "arn:aws:ec2:*:*:instance/${Other}"]}
`,
		},
		{
			name: "a Default inside Fn::Sub",
			content: `Parameters:
  Target: {Type: String, Default: "*"}
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: ssm:StartSession
            Resource: !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/${Target}
`,
			want: []string{`IAM-SSM-2 t.yaml:10:13 Allow grants ssm:StartSession on all EC2 instances (Action "ssm:StartSession", ` +
				`Resource "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"): no Condition` + fromTarget},
		},
		{
			name: "a Default in a condition value that pins nothing",
			content: `Parameters:
  Team: {Type: String, Default: "*"}
  Owner: {Type: String, Default: ops}
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: ssm:SendCommand
            Resource: "*"
            Condition: {StringLike: {ssm:resourceTag/team: !Ref Team}}
          - Effect: Allow
            Action: ssm:SendCommand
            Resource: "*"
            Condition: {StringEquals: {ssm:resourceTag/owner: !Ref Owner}}
`,
			want: []string{`IAM-SSM-1 t.yaml:11:13 ` + allInstances + ` (Action "ssm:SendCommand", Resource "*"): ` +
				`StringLike value '*' on ssm:resourceTag/team only requires the tag key to exist; this reads parameter Team as its default, one value a deployment may have`},
		},
		{
			name: "a Default never narrows a grant: not in NotResource, not in a Deny",
			content: `Parameters:
  Excluded: {Type: String, Default: "arn:aws:ec2:*:*:instance/*"}
  Denied: {Type: String, Default: "*"}
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: ssm:SendCommand, NotResource: !Ref Excluded}
          - {Effect: Allow, Action: ssm:StartSession, Resource: "*"}
          - {Effect: Deny, Action: ssm:StartSession, Resource: !Ref Denied}
`,
			want: []string{
				`IAM-SSM-1 t.yaml:11:13 ` + allInstances + ` (Action "ssm:SendCommand", NotResource "${Excluded}"): no Condition`,
				`IAM-SSM-2 t.yaml:12:13 Allow grants ssm:StartSession on all EC2 and managed instances (Action "ssm:StartSession", Resource "*"): no Condition`,
			},
		},
		{
			name: "Fn::FindInMap: literal keys are certain, a Region key may pick any entry",
			content: `Mappings:
  Fleet:
    us-east-1: {Arn: "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0", All: "*"}
    eu-west-1: {Arn: "arn:aws:ssm:*:*:managed-instance/*", All: "*"}
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument:
        Statement:
          - {Sid: Literal, Effect: Allow, Action: ssm:SendCommand, Resource: !FindInMap [Fleet, us-east-1, Arn]}
          - {Sid: Region, Effect: Allow, Action: ssm:SendCommand, Resource: !FindInMap [Fleet, !Ref AWS::Region, Arn]}
          - {Sid: Sessions, Effect: Allow, Action: ssm:StartSession, Resource: "*"}
          - {Sid: DenySessions, Effect: Deny, Action: ssm:StartSession, Resource: !FindInMap [Fleet, eu-west-1, All]}
          - {Sid: Missing, Effect: Allow, Action: ssm:SendCommand, Resource: !FindInMap [Fleet, ap-south-1, All]}
          - {Sid: Default, Effect: Allow, Action: ssm:SendCommand, Resource: !FindInMap [Fleet, ap-south-1, All, {DefaultValue: "*"}]}
`,
			want: []string{
				`IAM-SSM-1 t.yaml:13:13 Allow grants ssm:SendCommand on all managed instances (Action "ssm:SendCommand", Resource "arn:aws:ssm:*:*:managed-instance/*"): no Condition`,
				`IAM-SSM-1 t.yaml:17:13 ` + allInstances + ` (Action "ssm:SendCommand", Resource "*"): no Condition`,
			},
		},
		{
			name: "Fn::Select and Fn::Split",
			content: `Parameters:
  Targets: {Type: CommaDelimitedList, Default: "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0,*"}
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument:
        Statement:
          - {Sid: One, Effect: Allow, Action: ssm:SendCommand, Resource: !Select [0, [arn:aws:ec2:*:*:instance/i-0123456789abcdef0, "*"]]}
          - {Sid: Two, Effect: Allow, Action: ssm:SendCommand, Resource: !Select [1, [arn:aws:ec2:*:*:instance/i-0123456789abcdef0, "*"]]}
          - {Sid: Split, Effect: Allow, Action: ssm:StartSession, Resource: !Split [",", "arn:aws:ec2:*:*:instance/i-0123456789abcdef0,arn:aws:ssm:*:*:managed-instance/*"]}
          - {Sid: Listed, Effect: Allow, Action: ssm:SendCommand, Resource: !Select [1, !Ref Targets]}
          - {Sid: Beyond, Effect: Allow, Action: ssm:SendCommand, Resource: !Select [2, !Split [",", "a,*"]]}
          - {Sid: Unknowable, Effect: Allow, Action: ssm:SendCommand, Resource: !Select [0, !GetAZs ""]}
`,
			want: []string{
				`IAM-SSM-1 t.yaml:11:13 ` + allInstances + ` (Action "ssm:SendCommand", Resource "*"): no Condition`,
				`IAM-SSM-1 t.yaml:13:13 ` + allInstances + ` (Action "ssm:SendCommand", Resource "*"): no Condition; this reads parameter Targets as its default, one value a deployment may have`,
				`IAM-SSM-2 t.yaml:12:13 Allow grants ssm:StartSession on all managed instances (Action "ssm:StartSession", Resource "arn:aws:ssm:*:*:managed-instance/*"): no Condition`,
			},
		},
		{
			name: "Fn::Join that writes the policy as JSON, at the statement in the string",
			content: `Parameters:
  Target: {Type: String, Default: "*"}
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument: !Join
        - ""
        - - '{"Version": "2012-10-17", "Statement": ['
          - '{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "'
          - !Ref Target
          - '"},'
          - '{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "arn:aws:ssm:*:*:session/${aws:username}-*"}'
          - ']}'
`,
			want: []string{`IAM-SSM-1 t.yaml:11:14 ` + allInstances + ` (Action "ssm:SendCommand", Resource "*"): no Condition` + fromTarget},
		},
		{
			name: "Fn::Join in JSON with pseudo parameters",
			content: `{"Resources": {"P": {"Type": "AWS::SSO::PermissionSet", "Properties": {"InlinePolicy": {"Fn::Join": ["", [
  "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ssm:StartSession\", \"Resource\": \"arn:",
  {"Ref": "AWS::Partition"}, ":ec2:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":instance/*\"}]}"
]]}}}}}
`,
			want: []string{`IAM-SSM-2 t.yaml:2:21 Allow grants ssm:StartSession on all EC2 instances (Action "ssm:StartSession", ` +
				`Resource "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"): no Condition`},
		},
		{
			name: "PolicyDocument that is a Ref to a String parameter holding JSON",
			content: `Parameters:
  PolicyJson:
    Type: String
    Default: |
      {"Statement": [
        {"Effect": "Allow", "Action": "ssm:*", "Resource": "*", "Condition": {"StringEquals": {"ssm:resourceTag/team": "ops"}}},
        {"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}
      ]}
  SSMPolicy:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /policies/ops
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument: !Ref PolicyJson
  Q:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: q
      PolicyDocument: !Ref SSMPolicy
`,
			want: []string{`IAM-SSM-2 t.yaml:7:9 Allow grants ssm:StartSession on all EC2 and managed instances (Action "ssm:StartSession", Resource "*"): ` +
				`no Condition; this reads parameter PolicyJson as its default, one value a deployment may have`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scanDescribed(t, "t.yaml", tt.content, tt.want)
		})
	}
}

// described renders a finding as RULE FILE:LINE:COL MESSAGE.
func described(f rules.Finding) string {
	return fmt.Sprintf("%s %s:%d:%d %s", f.RuleID, f.File, f.Span.Start.Line, f.Span.Start.Col, f.Message)
}

// scanDescribed scans one file, which must scan without warnings, checks
// that its findings are want (described, in ScanFile order) and returns
// them.
func scanDescribed(t *testing.T, file, content string, want []string) []rules.Finding {
	t.Helper()
	res := ScanFile(file, []byte(content))
	return checkDescribed(t, res.Findings, res.Warnings, want)
}

// checkDescribed checks that there are no warnings and that the findings
// are want (described, in order), and returns them.
func checkDescribed(t *testing.T, findings []rules.Finding, warnings []source.Warning, want []string) []rules.Finding {
	t.Helper()
	if len(warnings) > 0 {
		t.Errorf("unexpected warnings: %v", warnings)
	}
	var got []string
	for _, f := range findings {
		got = append(got, described(f))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	return findings
}

// TestTooManyAlternatives: a value that resolves to more alternatives
// than the resolver follows (a mapping entry for each of 70 regions, the
// last one "*") is a note naming what could not be evaluated, never a
// silent pass.
func TestTooManyAlternatives(t *testing.T) {
	var b strings.Builder
	b.WriteString("Mappings:\n  Fleet:\n")
	for i := range 70 {
		arn := fmt.Sprintf("arn:aws:ec2:region-%d:111122223333:instance/i-0123456789abcdef0", i)
		if i == 69 {
			arn = "*"
		}
		fmt.Fprintf(&b, "    region-%d: {Arn: %q}\n", i, arn)
	}
	b.WriteString(`Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: ssm:SendCommand, Resource: !FindInMap [Fleet, !Ref AWS::Region, Arn]}
`)
	res := ScanFile("t.yaml", []byte(b.String()))
	if len(res.Findings) != 1 || res.Findings[0].Severity != rules.SeverityNote || res.Findings[0].Span.Start.Line != 80 ||
		!strings.HasPrefix(res.Findings[0].Message, "could not evaluate more than 64 alternatives; if it covers every instance, this statement grants ssm:SendCommand on all of them") {
		t.Errorf("findings %v, want one note at line 80 naming the alternatives not followed", res.Findings)
	}
}
