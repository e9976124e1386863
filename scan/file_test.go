package scan

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
)

// located renders a finding as RULE@LINE:COL-ENDLINE:ENDCOL for compact
// assertions on exact places.
func located(f rules.Finding) string {
	return fmt.Sprintf("%s@%d:%d-%d:%d", f.RuleID, f.Span.Start.Line, f.Span.Start.Col, f.Span.End.Line, f.Span.End.Col)
}

const wildcardStatement = `{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}`

func TestScanFilePositions(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		want    []string   // located findings, in ScanFile order
		origin  iam.Origin // of the first finding, when set
	}{
		{
			name:    "bare policy JSON",
			file:    "p.json",
			content: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    " + wildcardStatement + "\n  ]\n}\n",
			want:    []string{"IAM-SSM-1@4:5-4:70"},
			origin:  iam.Origin{Path: ""},
		},
		{
			name:    "CRLF line endings",
			file:    "p.json",
			content: "{\r\n  \"Version\": \"2012-10-17\",\r\n  \"Statement\": [\r\n    " + wildcardStatement + "\r\n  ]\r\n}\r\n",
			want:    []string{"IAM-SSM-1@4:5-4:70"},
		},
		{
			name:    "byte-order mark takes no column",
			file:    "p.json",
			content: "\ufeff{\"Statement\": " + wildcardStatement + "}",
			want:    []string{"IAM-SSM-1@1:15-1:80"},
		},
		{
			name:    "lone CR line endings",
			file:    "p.json",
			content: "{\r\"Statement\": [\r" + wildcardStatement + "]}",
			want:    []string{"IAM-SSM-1@3:1-3:66"},
		},
		{
			name: "JSONC comments and trailing commas",
			file: "p.jsonc",
			content: "// ops policy\n{\n  /* reviewed */ \"Statement\": [\n    // the wildcard\n    " +
				`{"Effect": "Allow", "Action": ["ssm:StartSession",], "Resource": "*",},` + "\n  ],\n}\n",
			want: []string{"IAM-SSM-2@5:5-5:75"},
		},
		{
			name: "get-policy-version export",
			file: "export.json",
			content: "{\n  \"PolicyVersion\": {\n    \"Document\": {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [\n" +
				"        " + wildcardStatement + "\n      ]\n    },\n    \"VersionId\": \"v3\",\n    \"IsDefaultVersion\": true\n  }\n}\n",
			want:   []string{"IAM-SSM-1@6:9-6:74"},
			origin: iam.Origin{Path: "PolicyVersion.Document"},
		},
		{
			name: "get-account-authorization-details export",
			file: "auth.json",
			content: `{
  "RoleDetailList": [
    {
      "RoleName": "ops",
      "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
      "RolePolicyList": [
        {"PolicyName": "ops-inline", "PolicyDocument": {"Statement": [` + wildcardStatement + `]}}
      ]
    }
  ],
  "Policies": [
    {
      "PolicyName": "SessionsEverywhere",
      "PolicyVersionList": [
        {"Document": {"Statement": {"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}}, "VersionId": "v1"}
      ]
    }
  ]
}
`,
			want:   []string{"IAM-SSM-1@7:71-7:136", "IAM-SSM-2@15:36-15:102"},
			origin: iam.Origin{PolicyName: "ops-inline", Identity: "ops", Path: "RoleDetailList[0].RolePolicyList[0].PolicyDocument"},
		},
		{
			name:    "statement with Principal is not an identity grant",
			file:    "bucket.json",
			content: `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ssm:SendCommand", "Resource": "*"}]}`,
			want:    nil,
		},
		{
			name:    "astral characters before a statement count two UTF-16 units",
			file:    "emoji.json",
			content: `{"Statement": [{"Sid": "😀😀", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}, ` + wildcardStatement + `]}`,
			want:    []string{"IAM-SSM-1@1:86-1:151"},
		},
		{
			name:    "invalid UTF-8 inside a string",
			file:    "bad-utf8.json",
			content: "{\"Statement\": [{\"Sid\": \"caf\xe9\", \"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}]}",
			want:    []string{"IAM-SSM-1@1:16-1:96"},
		},
		{
			name: "CloudFormation YAML with short-form tags",
			file: "stack.yaml",
			content: `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OpsPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: ops
      PolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Action: ssm:SendCommand
            Resource: !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*
          - Effect: Allow
            Action: ssm:StartSession
            Resource: !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/${InstanceId}
`,
			want:   []string{"IAM-SSM-1@10:13-12:97"},
			origin: iam.Origin{Resource: "OpsPolicy", ResourceType: "AWS::IAM::ManagedPolicy", PolicyName: "ops", Path: "Resources.OpsPolicy.Properties.PolicyDocument"},
		},
		{
			name: "pseudo parameter in a condition value is one specific value",
			file: "stack.yaml",
			content: `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: run
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ssm:SendCommand
                Resource: "*"
                Condition:
                  StringLike:
                    ssm:resourceTag/aws:cloudformation:stack-name: !Ref AWS::StackName
                    ssm:resourceTag/team: !Ref AWS::StackName
`,
			want: nil,
		},
		{
			name: "SSO InlinePolicy in a YAML block scalar",
			file: "sso.yaml",
			content: `Resources:
  Ops:
    Type: AWS::SSO::PermissionSet
    Properties:
      Name: ops
      InlinePolicy: |
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}
          ]
        }
`,
			want:   []string{"IAM-SSM-2@10:13-10:79"},
			origin: iam.Origin{Resource: "Ops", ResourceType: "AWS::SSO::PermissionSet", Path: "Resources.Ops.Properties.InlinePolicy"},
		},
		{
			name:    "policy in a JSON string with escapes",
			file:    "stack.json",
			content: `{"Resources": {"P": {"Type": "AWS::SSO::PermissionSet", "Properties": {"InlinePolicy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}]}"}}}}`,
			want:    []string{"IAM-SSM-1@1:106-1:183"},
		},
		{
			name: "Fn::Sub of a JSON policy string",
			file: "stack.yaml",
			content: `Resources:
  P:
    Type: AWS::SSO::PermissionSet
    Properties:
      InlinePolicy: !Sub |
        {"Statement": [
          {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:managed-instance/*"},
          {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/${Id}"}
        ]}
`,
			want: []string{"IAM-SSM-1@7:11-7:152"},
		},
		{
			name: "Fn::If around a statement checks both branches",
			file: "stack.json",
			content: `{"Resources": {"R": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "PolicyDocument": {"Statement": [
  {"Fn::If": ["Prod",
    {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc"},
    {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]},
  {"Ref": "AWS::NoValue"}
]}}}}}
`,
			want: []string{"IAM-SSM-1@4:5-4:70"},
		},
		{
			name: "Serverless Framework provider.iam.role.statements",
			file: "serverless.yml",
			content: `service: ops
provider:
  name: aws
  iam:
    role:
      statements:
        - Effect: Allow
          Action:
            - ssm:StartSession
          Resource: "*"
`,
			want:   []string{"IAM-SSM-2@7:11-10:24"},
			origin: iam.Origin{Path: "provider.iam.role.statements"},
		},
		{
			name: "SAM function Policies: statements, documents, templates and names",
			file: "sam.yaml",
			content: `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - AmazonSSMReadOnlyAccess
        - SQSPollerPolicy:
            QueueName: q
        - Effect: Allow
          Action: ssm:SendCommand
          Resource: "*"
        - Statement:
            - Effect: Allow
              Action: ssm:StartSession
              Resource: "*"
`,
			want: []string{"IAM-SSM-1@10:11-12:24", "IAM-SSM-2@14:15-16:28"},
		},
		{
			name: "CDK synth output carries the construct path",
			file: "cdk.out/App.template.json",
			content: `{
 "Resources": {
  "OpsRoleDefaultPolicy1234": {
   "Type": "AWS::IAM::Policy",
   "Properties": {
    "PolicyDocument": {
     "Statement": [
      {
       "Action": "ssm:SendCommand",
       "Effect": "Allow",
       "Resource": "*"
      }
     ],
     "Version": "2012-10-17"
    },
    "PolicyName": "OpsRoleDefaultPolicy1234"
   },
   "Metadata": {"aws:cdk:path": "App/OpsRole/DefaultPolicy/Resource"}
  }
 }
}
`,
			want:   []string{"IAM-SSM-1@8:7-12:8"},
			origin: iam.Origin{Resource: "OpsRoleDefaultPolicy1234", ResourceType: "AWS::IAM::Policy", PolicyName: "OpsRoleDefaultPolicy1234", CDKPath: "App/OpsRole/DefaultPolicy/Resource", Path: "Resources.OpsRoleDefaultPolicy1234.Properties.PolicyDocument"},
		},
		{
			name: "unknown YAML tag is read as an intrinsic",
			file: "stack.yaml",
			content: `Statement:
  - Effect: Allow
    Action: !MyMacro ssm:SendCommand
    Resource: "*"
  - Effect: Allow
    Action: ssm:StartSession
    Resource: !Custom "*"
`,
			want: nil,
		},
		{
			name: "YAML flow collections and quoted scalars",
			file: "flow.yaml",
			content: `Statement:
  - {Effect: Allow, Action: [ssm:SendCommand, "ssm:StartSession"], Resource: '*'}
`,
			want: []string{"IAM-SSM-1@2:5-2:82", "IAM-SSM-2@2:5-2:82"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ScanFile(tt.file, []byte(tt.content))
			if len(res.Warnings) > 0 {
				t.Errorf("unexpected warnings: %v", res.Warnings)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, located(f))
				if f.File != tt.file {
					t.Errorf("finding file = %q, want %q", f.File, tt.file)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("findings = %q, want %q", got, tt.want)
			}
			if tt.origin != (iam.Origin{}) && res.Findings[0].Origin != tt.origin {
				t.Errorf("origin = %+v, want %+v", res.Findings[0].Origin, tt.origin)
			}
		})
	}
}

func TestScanFileWarnings(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		want     []string // LINE:COL: message substring
		findings int
	}{
		{"broken JSON names the line", "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",,}\n  ]\n}\n", []string{`3:25: cannot parse: not valid JSON: unexpected '}', expected a quoted key`}, 0},
		{"unterminated JSON string", "{\"Statement\": \"abc\n}", []string{"1:15: cannot parse: not valid JSON: string not closed"}, 0},
		{"neither JSON nor YAML", "policy:\n  statements: [1, 2\n", []string{"cannot parse: not valid YAML: did not find expected ',' or ']'"}, 0},
		{"duplicate JSON key", `{"Statement": [], "Statement": [` + wildcardStatement + `]}`, []string{`1:19: duplicate key "Statement" (also on line 1)`}, 1},
		{"statement that is not an object", `{"Statement": ["ssm:SendCommand", ` + wildcardStatement + `]}`, []string{"1:16: a statement must be an object, not a string"}, 1},
		{"broken policy inside a string", `{"InlinePolicy": "{\"Statement\": [}"}`, []string{"policy in a string: unexpected '}'"}, 0},
		{"YAML alias to itself", "a: &x [*x]\n", []string{"cannot parse"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ScanFile("f.json", []byte(tt.content))
			if len(res.Findings) != tt.findings {
				t.Errorf("findings = %d, want %d: %v", len(res.Findings), tt.findings, res.Findings)
			}
			if len(res.Warnings) != len(tt.want) {
				t.Fatalf("warnings = %v, want %q", res.Warnings, tt.want)
			}
			for i, w := range res.Warnings {
				if !strings.Contains(w.String(), tt.want[i]) {
					t.Errorf("warning %q does not contain %q", w.String(), tt.want[i])
				}
			}
		})
	}
}

func TestYAMLDuplicateKey(t *testing.T) {
	res := ScanFile("dup.yaml", []byte("Statement:\n  - Effect: Deny\n    Effect: Allow\n    Action: ssm:SendCommand\n    Resource: '*'\n"))
	if len(res.Warnings) != 1 || res.Warnings[0].String() != `dup.yaml:3:5: duplicate key "Effect" (also on line 2): readers differ on which one counts` {
		t.Errorf("warnings = %v", res.Warnings)
	}
	if len(res.Findings) != 1 || located(res.Findings[0]) != "IAM-SSM-1@2:5-5:18" {
		t.Errorf("findings = %v", res.Findings)
	}
}

// TestRealWorldShapes covers policy shapes seen in public repositories
// and AWS managed policies, written afresh: each case is a lesson from
// scanning ../shared/corpus/realworld.
func TestRealWorldShapes(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		want    []string // RULE: Why substring
	}{
		{
			name: "managed policy export: sessions only on instances of an IDE, by reserved tag presence",
			file: "cloud9-like.json",
			content: `{"PolicyVersion": {"Document": {"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["ssm:StartSession", "ssm:GetConnectionStatus"], "Resource": "arn:aws:ec2:*:*:instance/*",
   "Condition": {"StringEquals": {"aws:CalledViaFirst": "cloud9.amazonaws.com"}, "StringLike": {"ssm:resourceTag/aws:cloud9:environment": "*"}}},
  {"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "arn:aws:ssm:*:*:document/*"}]}, "VersionId": "v9", "IsDefaultVersion": true}}`,
			want: nil,
		},
		{
			name: "service role: presence of a user-settable tag key is not a scope",
			file: "migration-like.json",
			content: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:aws:ec2:*:*:instance/*",
  "Condition": {"Null": {"aws:ResourceTag/MigrationManaged": "false"}}}]}`,
			want: []string{"IAM-SSM-1: Null 'false' on aws:ResourceTag/MigrationManaged only requires the tag key to exist"},
		},
		{
			name: "service role: the resource account says nothing about the instance",
			file: "scanner-like.json",
			content: `{"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:aws:ec2:*:*:instance/*",
  "Condition": {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}}]}`,
			want: []string{"IAM-SSM-1: StringEquals on aws:ResourceAccount says nothing about the target instance"},
		},
		{
			name:    "power user: NotAction that leaves ssm open",
			file:    "poweruser-like.json",
			content: `{"Statement": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}]}`,
			want:    []string{"IAM-SSM-1: no Condition", "IAM-SSM-2: no Condition"},
		},
		{
			name: "container exec: sessions on tasks and a document are not instances",
			file: "ecs-like.json",
			content: `{"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession",
  "Resource": ["arn:aws:ecs:*:*:task/*", "arn:aws:ssm:*:*:document/AmazonECS-ExecuteInteractiveCommand"]}]}`,
			want: nil,
		},
		{
			name: "image builder: documents and buckets in one statement, instances by exact tag in another",
			file: "builder-like.json",
			content: `{"Statement": [
  {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": ["arn:aws:ssm:*:*:document/AWS-RunShellScript", "arn:aws:s3:::*"]},
  {"Effect": "Allow", "Action": ["ssm:SendCommand"], "Resource": ["arn:aws:ec2:*:*:instance/*"], "Condition": {"StringEquals": {"ssm:resourceTag/CreatedBy": ["EC2 Image Builder"]}}}]}`,
			want: nil,
		},
		{
			name: "quick start template: instances of this stack only, by the reserved stack-name tag",
			file: "quickstart-like.yaml",
			content: `Resources:
  AutomationRole:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: automation
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: ssm:SendCommand
                Resource: !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*
                Condition:
                  StringEquals:
                    'ssm:ResourceTag/aws:cloudformation:stack-name': !Ref AWS::StackName
              - Effect: Allow
                Action: ssm:*
                Resource: '*'
`,
			want: []string{"IAM-SSM-1: no Condition", "IAM-SSM-2: no Condition"},
		},
		{
			name: "Terraform template file: a placeholder account is still one account's every instance",
			file: "session.tpl",
			content: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ssm:StartSession"],
  "Resource": ["arn:aws:ec2:*:${account_id}:instance/*", "arn:aws:ssm:*:*:document/AWS-StartSSHSession"]}]}`,
			want: []string{"IAM-SSM-2: no Condition"},
		},
		{
			name: "Serverless parameters: ssm:* on parameters grants nothing on instances",
			file: "serverless.yml",
			content: `provider:
  iam:
    role:
      statements:
        - Effect: "Allow"
          Action: ["ssm:*"]
          Resource:
            Fn::Sub: "arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${self:custom.parameterName}"
`,
			want: nil,
		},
		{
			name: "ssm:* on one account's every ssm resource covers managed instances",
			file: "ssm-account.yaml",
			content: `Statement:
  - Effect: Allow
    Action: ssm:StartSession
    Resource:
      Fn::Sub: "arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:*"
`,
			want: []string{"IAM-SSM-2: no Condition"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ScanFile(tt.file, []byte(tt.content))
			if len(res.Warnings) > 0 {
				t.Errorf("warnings: %v", res.Warnings)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.RuleID+": "+f.Message)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("findings = %q, want %q", got, tt.want)
			}
			for i, w := range tt.want {
				rule, why, _ := strings.Cut(w, ": ")
				if !strings.HasPrefix(got[i], rule+": ") || !strings.HasSuffix(got[i], why) {
					t.Errorf("finding %q, want rule %s ending %q", got[i], rule, why)
				}
			}
		})
	}
}

func TestTemplateTypeWarnings(t *testing.T) {
	res := ScanFile("bad.yaml", []byte(`Resources:
  NotAMap: 42
  BadProps:
    Type: AWS::IAM::Policy
    Properties: [a]
  BadDoc:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument: [1, 2]
  BadStatement:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement: ssm:SendCommand
  Good:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement: {Effect: Allow, Action: "ssm:SendCommand", Resource: "*"}
`))
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"bad.yaml:2:12: resource NotAMap must be an object, not a number",
		"bad.yaml:5:17: Properties of BadProps must be an object, not a list",
		"bad.yaml:9:23: PolicyDocument must be an object or a JSON string, not a list",
		"bad.yaml:15:20: Statement must be a list or an object, not a string",
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Findings) != 1 || res.Findings[0].Origin.Resource != "Good" {
		t.Errorf("findings = %v", res.Findings)
	}
}

// TestSameFindingsInEveryForm writes one policy as bare JSON,
// CloudFormation YAML, CloudFormation JSON, CDK output and an SSO
// InlinePolicy string, and expects the same findings from each.
func TestSameFindingsInEveryForm(t *testing.T) {
	forms := map[string]string{
		"bare.json": `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["ssm:SendCommand", "ssm:StartSession"], "Resource": "*", "Condition": {"StringLike": {"ssm:resourceTag/team": "*"}}},
  {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:aws:ssm:*:*:managed-instance/*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
  {"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "ops"}}}]}`,
		"cfn.yaml": `Resources:
  Ops:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Action: [ssm:SendCommand, ssm:StartSession]
            Resource: "*"
            Condition: {StringLike: {ssm:resourceTag/team: "*"}}
          - Effect: Allow
            Action: ssm:SendCommand
            Resource: arn:aws:ssm:*:*:managed-instance/*
            Condition:
              Bool:
                aws:MultiFactorAuthPresent: true
          - Effect: Allow
            Action: ssm:StartSession
            Resource: "*"
            Condition:
              StringEquals:
                aws:ResourceTag/team: ops
`,
		"cfn.json": `{"Resources": {"Ops": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["ssm:SendCommand", "ssm:StartSession"], "Resource": "*", "Condition": {"StringLike": {"ssm:resourceTag/team": "*"}}},
  {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:aws:ssm:*:*:managed-instance/*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": true}}},
  {"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "ops"}}}]}}}}}`,
		"cdk.out/Stack.template.json": `{
 "Resources": {
  "OpsPolicyA1B2": {
   "Type": "AWS::IAM::ManagedPolicy",
   "Properties": {
    "PolicyDocument": {
     "Statement": [
      {"Action": ["ssm:SendCommand", "ssm:StartSession"], "Condition": {"StringLike": {"ssm:resourceTag/team": "*"}}, "Effect": "Allow", "Resource": "*"},
      {"Action": "ssm:SendCommand", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, "Effect": "Allow", "Resource": "arn:aws:ssm:*:*:managed-instance/*"},
      {"Action": "ssm:StartSession", "Condition": {"StringEquals": {"aws:ResourceTag/team": "ops"}}, "Effect": "Allow", "Resource": "*"}
     ],
     "Version": "2012-10-17"
    }
   },
   "Metadata": {"aws:cdk:path": "Stack/OpsPolicy/Resource"}
  }
 }
}`,
		"sso.yaml": `Resources:
  Ops:
    Type: AWS::SSO::PermissionSet
    Properties:
      InlinePolicy: "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"ssm:SendCommand\", \"ssm:StartSession\"], \"Resource\": \"*\", \"Condition\": {\"StringLike\": {\"ssm:resourceTag/team\": \"*\"}}}, {\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"arn:aws:ssm:*:*:managed-instance/*\", \"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}}, {\"Effect\": \"Allow\", \"Action\": \"ssm:StartSession\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:ResourceTag/team\": \"ops\"}}}]}"
`,
	}
	want := []string{
		`IAM-SSM-1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): StringLike value '*' on ssm:resourceTag/team only requires the tag key to exist`,
		`IAM-SSM-1 Allow grants ssm:SendCommand on all managed instances (Action "ssm:SendCommand", Resource "arn:aws:ssm:*:*:managed-instance/*"): Bool on aws:MultiFactorAuthPresent says nothing about the target instance`,
		`IAM-SSM-2 Allow grants ssm:StartSession on all EC2 and managed instances (Action "ssm:StartSession", Resource "*"): StringLike value '*' on ssm:resourceTag/team only requires the tag key to exist`,
	}
	for name, content := range forms {
		t.Run(name, func(t *testing.T) {
			res := ScanFile(name, []byte(content))
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.RuleID+" "+f.Message)
			}
			if len(res.Warnings) > 0 || !slices.Equal(got, want) {
				t.Errorf("findings:\n%s\nwarnings: %v", strings.Join(got, "\n"), res.Warnings)
			}
		})
	}
}

// TestYAMLAliases: a statement used through an alias is read where it
// is used and reported there, with the statement as written at its
// anchor as the related place; one node reached again through the same
// alias (nested aliases) is read once there.
func TestYAMLAliases(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string // located finding and its related place
	}{
		{"statement anchored outside the policy", `shared: &s {Effect: Allow, Action: ssm:SendCommand, Resource: "*"}
policy:
  Statement: [*s, *s]
`, []string{"IAM-SSM-1@3:15-3:17 anchor 1:9-1:67", "IAM-SSM-1@3:19-3:21 anchor 1:9-1:67"}},
		{"statement anchored inside a policy", `One:
  Statement:
    - &s
      Effect: Allow
      Action: ssm:StartSession
      Resource: "*"
Other:
  Statement: [*s]
`, []string{"IAM-SSM-2@3:7-6:20", "IAM-SSM-2@8:15-8:17 anchor 3:7-6:20"}},
		{"one policy for two roles", `Resources:
  A:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - &p {PolicyName: ops, PolicyDocument: {Statement: [{Effect: Allow, Action: ssm:StartSession, Resource: "*"}]}}
  B:
    Type: AWS::IAM::Role
    Properties:
      Policies: [*p]
`, []string{"IAM-SSM-2@6:61-6:117", "IAM-SSM-2@10:18-10:20 anchor 6:61-6:117"}},
		{"amplified through nested aliases: once per alias", `s: &s {Effect: Allow, Action: ssm:SendCommand, Resource: "*"}
p0: &p0 {Statement: [*s, *s]}
p1: [*p0, *p0]
`, []string{
			"IAM-SSM-1@2:22-2:24 anchor 1:4-1:62", "IAM-SSM-1@2:26-2:28 anchor 1:4-1:62",
			"IAM-SSM-1@3:6-3:9 anchor 1:4-1:62", "IAM-SSM-1@3:11-3:14 anchor 1:4-1:62",
		}},
		{"an aliased scalar is read as its value", `res: &r "*"
Statement:
  - {Effect: Allow, Action: ssm:SendCommand, Resource: *r}
`, []string{"IAM-SSM-1@3:5-3:59"}},
		{"merge key brings in a statement's elements", `base: &base {Effect: Allow, Resource: "*"}
Statement:
  - <<: *base
    Action: ssm:SendCommand
  - <<: *base
    Action: ssm:GetDocument
`, []string{"IAM-SSM-1@3:5-4:28"}},
		{"merge key: the map's own keys win", `base: &base {Effect: Allow, Resource: "*", Action: ssm:SendCommand}
Statement:
  - <<: *base
    Resource: arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0
`, nil},
		{"merge key: the first of a list wins", `deny: &deny {Effect: Deny}
allow: &allow {Effect: Allow, Action: ssm:StartSession, Resource: "*"}
denied: {Statement: [{<<: [*deny, *allow]}]}
allowed: {Statement: [{<<: [*allow, *deny]}]}
`, []string{"IAM-SSM-2@4:23-4:44"}},
		{"merge key brings in a policy's statements: read at the merge", `defaults: &defaults
  Statement:
    - {Effect: Allow, Action: ssm:SendCommand, Resource: "*"}
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        <<: *defaults
        Version: "2012-10-17"
`, []string{"IAM-SSM-1@9:13-9:22 anchor 3:7-3:62"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ScanFile("a.yaml", []byte(tt.content))
			var got []string
			for _, f := range res.Findings {
				s := located(f)
				for _, r := range f.Related {
					if r.File != "a.yaml" || r.Message != "anchor of the aliased statement" {
						t.Errorf("related %+v", r)
					}
					s += fmt.Sprintf(" anchor %d:%d-%d:%d", r.Span.Start.Line, r.Span.Start.Col, r.Span.End.Line, r.Span.End.Col)
				}
				got = append(got, s)
			}
			if len(res.Warnings) > 0 || !slices.Equal(got, tt.want) {
				t.Errorf("findings %q, want %q; warnings %v", got, tt.want, res.Warnings)
			}
		})
	}
}

// TestYAMLStreams: a stream with a broken document keeps the findings of
// the documents before it and names the broken one.
func TestYAMLStreams(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string
		warnings      []string
	}{
		{"every document is read", `Statement: [{Effect: Allow, Action: ssm:SendCommand, Resource: "*"}]
---
# an empty document
---
Statement: [{Effect: Allow, Action: ssm:StartSession, Resource: "*"}]
`, []string{"IAM-SSM-1@1:13-1:68", "IAM-SSM-2@5:13-5:69"}, nil},
		{"a broken document keeps the ones before it", `Statement: [{Effect: Allow, Action: ssm:SendCommand, Resource: "*"}]
---
Statement: [{Effect: Allow, Action: ssm:StartSession, Resource: "*"}]
---
a: b: c
---
Statement: [{Effect: Allow, Action: ssm:StartSession, Resource: "*"}]
`, []string{"IAM-SSM-1@1:13-1:68", "IAM-SSM-2@3:13-3:69"},
			[]string{"a.yaml:5:1: cannot parse document 3 (the documents before it are scanned): not valid YAML: mapping values are not allowed in this context"}},
		{"a broken first document: nothing to keep", `a: b: c
---
Statement: [{Effect: Allow, Action: ssm:StartSession, Resource: "*"}]
`, nil, []string{"a.yaml:1:1: cannot parse: not valid YAML: mapping values are not allowed in this context"}},
		{"an alias bomb in a later document", `Statement: [{Effect: Allow, Action: ssm:SendCommand, Resource: "*"}]
---
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
`, []string{"IAM-SSM-1@1:13-1:68"},
			[]string{"a.yaml:8:36: cannot parse document 2 (the documents before it are scanned): not valid YAML: aliases expand to more than 1000000 nodes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ScanFile("a.yaml", []byte(tt.content))
			var got, warnings []string
			for _, f := range res.Findings {
				got = append(got, located(f))
			}
			for _, w := range res.Warnings {
				warnings = append(warnings, w.String())
			}
			if !slices.Equal(got, tt.want) || !slices.Equal(warnings, tt.warnings) {
				t.Errorf("findings %q, want %q\nwarnings %q, want %q", got, tt.want, warnings, tt.warnings)
			}
		})
	}
}

// TestCDKTreeIsNotAPolicySource: in a cloud assembly, the construct tree
// repeats the templates and is skipped; anywhere else it is a file like
// any other.
func TestCDKTreeIsNotAPolicySource(t *testing.T) {
	doc := `{"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}`
	for _, tt := range []struct {
		name, content string
		inAssembly    bool
		findings      int
	}{
		{"construct tree", `{"version": "tree-0.1", "tree": {"id": "App", "children": {"P": {"attributes": {"aws:cdk:cloudformation:props": {"policyDocument": ` + doc + `}}}}}}`, true, 0},
		{"construct tree outside an assembly", `{"version": "tree-0.1", "tree": {"id": "App", "children": {"P": {"attributes": {"aws:cdk:cloudformation:props": {"policyDocument": ` + doc + `}}}}}}`, false, 1},
		{"a tree version without a tree is read", `{"version": "tree-0.1", "doc": ` + doc + `}`, true, 1},
		{"a tree without a tree version is read", `{"tree": {"doc": ` + doc + `}}`, true, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			scan := ScanFile
			if tt.inAssembly {
				scan = ScanAssemblyFile
			}
			if res := scan("tree.json", []byte(tt.content)); len(res.Findings) != tt.findings || len(res.Warnings) != 0 {
				t.Errorf("findings %v warnings %v, want %d findings", res.Findings, res.Warnings, tt.findings)
			}
		})
	}
}

// TestEscapedKeysInPolicyStrings: a policy string is read however its
// keys are spelled, as IAM reads it.
func TestEscapedKeysInPolicyStrings(t *testing.T) {
	for _, tt := range []struct{ name, content string }{
		{"JSON escape inside the string", `{"InlinePolicy": "{\"\\u0053tatement\": [{\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}]}"}`},
		{"URL-encoded letters", `{"PolicyDocument": "%7B%22%53t%61t%65ment%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22ssm%3ASendCommand%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"}`},
		{"YAML string with a JSON escape", "InlinePolicy: '{\"St\\u0061tement\": [{\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}]}'\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !extract.MayHoldPolicy([]byte(tt.content)) {
				t.Fatal("the pre-filter drops the file")
			}
			res := ScanFile("f", []byte(tt.content))
			if len(res.Findings) != 1 || res.Findings[0].RuleID != "IAM-SSM-1" || len(res.Warnings) > 0 {
				t.Errorf("findings %v warnings %v", res.Findings, res.Warnings)
			}
		})
	}
}

// TestYAMLAliasesInSAMPolicies: SAM bare statements in a Policies list
// used through an alias are reported at the alias.
func TestYAMLAliasesInSAMPolicies(t *testing.T) {
	res := ScanFile("sam.yaml", []byte(`Resources:
  A:
    Type: AWS::Serverless::Function
    Properties:
      Policies: &p
        - {Effect: Allow, Action: ssm:SendCommand, Resource: "*"}
  B:
    Type: AWS::Serverless::Function
    Properties:
      Policies: *p
`))
	var got []string
	for _, f := range res.Findings {
		s := located(f)
		for _, r := range f.Related {
			s += fmt.Sprintf(" anchor %d:%d-%d:%d", r.Span.Start.Line, r.Span.Start.Col, r.Span.End.Line, r.Span.End.Col)
		}
		got = append(got, s)
	}
	if want := []string{"IAM-SSM-1@6:11-6:66", "IAM-SSM-1@10:17-10:19 anchor 6:11-6:66"}; !slices.Equal(got, want) || len(res.Warnings) > 0 {
		t.Errorf("findings %q, want %q; warnings %v", got, want, res.Warnings)
	}
}
