package scan

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// Messages of attachments of the policies the tests attach.
const (
	ssmFullSend     = `attaches AWS managed policy AmazonSSMFullAccess, which grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:*", Resource "*"): no Condition`
	ssmFullSession  = `attaches AWS managed policy AmazonSSMFullAccess, which grants ssm:StartSession on all EC2 and managed instances (Action "ssm:*", Resource "*"): no Condition`
	adminSend       = `attaches AWS managed policy AdministratorAccess, which grants ssm:SendCommand on all EC2 and managed instances (Action "*", Resource "*"): no Condition`
	adminSession    = `attaches AWS managed policy AdministratorAccess, which grants ssm:StartSession on all EC2 and managed instances (Action "*", Resource "*"): no Condition`
	powerSend       = `attaches AWS managed policy PowerUserAccess, which grants ssm:SendCommand on all EC2 and managed instances (NotAction ["iam:*", "organizations:*", "account:*"], Resource "*"): no Condition`
	powerSession    = `attaches AWS managed policy PowerUserAccess, which grants ssm:StartSession on all EC2 and managed instances (NotAction ["iam:*", "organizations:*", "account:*"], Resource "*"): no Condition`
	maintenanceSend = `attaches AWS managed policy AmazonSSMMaintenanceWindowRole, which grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): no Condition`
	automationSend  = `attaches AWS managed policy AmazonSSMAutomationRole, which grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:*", Resource "*"): no Condition`
)

// TestManagedPolicyAttachments: every form that attaches an AWS managed
// policy, each with attachments that are findings and attachments that
// are not (a policy that grants neither action, one scoped by a tag, a
// service-linked one, a customer policy of the same name, an
// AWS::IAM::ManagedPolicy that only shares the name).
func TestManagedPolicyAttachments(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []string   // described findings, in ScanFile order
		origin              iam.Origin // of the first finding, when set
	}{
		{
			name: "CloudFormation role: literal, Fn::Sub, Fn::If, partitions and paths",
			file: "role.yaml",
			content: `Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111122223333"]
Resources:
  OpsRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ops
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSSMFullAccess
        - !Sub 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonSSMMaintenanceWindowRole'
        - !If [IsProd, arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws-cn:iam::aws:policy/PowerUserAccess]
        - !If [IsProd, !Ref AWS::NoValue, "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"]
        - arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
        - arn:aws:iam::aws:policy/AWSCloud9User
        - arn:aws:iam::aws:policy/aws-service-role/AmazonSSMServiceRolePolicy
        - arn:aws:iam::123456789012:policy/AmazonSSMFullAccess
        - arn:aws:iam::aws:policy/AmazonSSMMaintenanceWindowRole
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: AmazonSSMFullAccess
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: ssm:GetParameter, Resource: "*"}
`,
			want: []string{
				"IAM-SSM-1 role.yaml:12:11 " + ssmFullSend,
				"IAM-SSM-1 role.yaml:13:11 " + maintenanceSend,
				"IAM-SSM-1 role.yaml:14:64 " + powerSend,
				"IAM-SSM-1 role.yaml:15:43 " + adminSend,
				"IAM-SSM-2 role.yaml:12:11 " + ssmFullSession,
				"IAM-SSM-2 role.yaml:14:64 " + powerSession,
				"IAM-SSM-2 role.yaml:15:43 " + adminSession,
			},
			origin: iam.Origin{Resource: "OpsRole", ResourceType: "AWS::IAM::Role", Identity: "ops", PolicyName: "AmazonSSMFullAccess",
				Path: "Resources.OpsRole.Properties.ManagedPolicyArns"},
		},
		{
			name: "CloudFormation user and group",
			file: "identities.json",
			content: `{"Resources": {
  "Ops": {"Type": "AWS::IAM::User", "Properties": {"ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AmazonSSMAutomationRole"]}},
  "Admins": {"Type": "AWS::IAM::Group", "Properties": {"ManagedPolicyArns": [
    {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMReadOnlyAccess"}]}}
}}`,
			want: []string{
				"IAM-SSM-1 identities.json:2:74 " + automationSend,
				`IAM-SSM-2 identities.json:2:74 attaches AWS managed policy AmazonSSMAutomationRole, which grants ssm:StartSession on all EC2 and managed instances (Action "ssm:*", Resource "*"): no Condition`,
			},
			origin: iam.Origin{Resource: "Ops", ResourceType: "AWS::IAM::User", PolicyName: "AmazonSSMAutomationRole", Path: "Resources.Ops.Properties.ManagedPolicyArns"},
		},
		{
			name: "CDK synth output: Fn::Join of the partition, at the part that names the policy",
			file: "cdk.out/Fleet.template.json",
			content: `{
 "Resources": {
  "FleetRole1234": {
   "Type": "AWS::IAM::Role",
   "Properties": {
    "AssumeRolePolicyDocument": {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}}]},
    "ManagedPolicyArns": [
     {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AmazonSSMFullAccess"]]},
     {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AmazonSSMManagedInstanceCore"]]}
    ]
   },
   "Metadata": {"aws:cdk:path": "Fleet/FleetRole/Resource"}
  }
 }
}
`,
			want: []string{
				"IAM-SSM-1 cdk.out/Fleet.template.json:8:60 " + ssmFullSend,
				"IAM-SSM-2 cdk.out/Fleet.template.json:8:60 " + ssmFullSession,
			},
			origin: iam.Origin{Resource: "FleetRole1234", ResourceType: "AWS::IAM::Role", CDKPath: "Fleet/FleetRole/Resource",
				PolicyName: "AmazonSSMFullAccess", Path: "Resources.FleetRole1234.Properties.ManagedPolicyArns"},
		},
		{
			name: "SSO permission set ManagedPolicies",
			file: "sso.yaml",
			content: `Resources:
  Operators:
    Type: AWS::SSO::PermissionSet
    Properties:
      InstanceArn: arn:aws:sso:::instance/ssoins-1234
      Name: operators
      ManagedPolicies:
        - arn:aws:iam::aws:policy/AdministratorAccess
        - arn:aws:iam::aws:policy/job-function/ViewOnlyAccess
`,
			want: []string{"IAM-SSM-1 sso.yaml:8:11 " + adminSend, "IAM-SSM-2 sso.yaml:8:11 " + adminSession},
			origin: iam.Origin{Resource: "Operators", ResourceType: "AWS::SSO::PermissionSet", PolicyName: "AdministratorAccess",
				Path: "Resources.Operators.Properties.ManagedPolicies"},
		},
		{
			name: "SAM function Policies: names, ARNs, templates and statements",
			file: "sam.yaml",
			content: `Transform: AWS::Serverless-2016-10-31
Resources:
  Patcher:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Policies:
        - AmazonSSMMaintenanceWindowRole
        - !Sub arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess
        - AmazonSSMReadOnlyAccess
        - AmazonSSMServiceRolePolicy
        - SSMParameterReadPolicy:
            ParameterName: app/*
        - Effect: Allow
          Action: ssm:GetParameter
          Resource: "*"
  Single:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Policies: AmazonSSMFullAccess
`,
			want: []string{
				"IAM-SSM-1 sam.yaml:8:11 " + maintenanceSend,
				"IAM-SSM-1 sam.yaml:9:11 " + powerSend,
				"IAM-SSM-2 sam.yaml:9:11 " + powerSession,
				"IAM-SSM-1 sam.yaml:21:17 " + ssmFullSend,
				"IAM-SSM-2 sam.yaml:21:17 " + ssmFullSession,
			},
			origin: iam.Origin{Resource: "Patcher", ResourceType: "AWS::Serverless::Function", PolicyName: "AmazonSSMMaintenanceWindowRole",
				Path: "Resources.Patcher.Properties.Policies"},
		},
		{
			name: "AWS CLI get-account-authorization-details",
			file: "authorization.json",
			content: `{
  "UserDetailList": [
    {"UserName": "alice", "AttachedManagedPolicies": [
      {"PolicyName": "AmazonSSMFullAccess", "PolicyArn": "arn:aws:iam::123456789012:policy/AmazonSSMFullAccess"}]}
  ],
  "GroupDetailList": [
    {"GroupName": "admins", "AttachedManagedPolicies": [
      {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}
  ],
  "RoleDetailList": [
    {"RoleName": "patching", "AttachedManagedPolicies": [
      {"PolicyName": "AmazonSSMManagedInstanceCore", "PolicyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"},
      {"PolicyName": "AmazonSSMMaintenanceWindowRole", "PolicyArn": "arn:aws:iam::aws:policy/service-role/AmazonSSMMaintenanceWindowRole"}],
     "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}
  ]
}
`,
			want: []string{
				"IAM-SSM-1 authorization.json:13:69 " + maintenanceSend,
				"IAM-SSM-1 authorization.json:8:58 " + adminSend,
				"IAM-SSM-2 authorization.json:8:58 " + adminSession,
			},
			origin: iam.Origin{Identity: "patching", PolicyName: "AmazonSSMMaintenanceWindowRole", Path: "RoleDetailList[0].AttachedManagedPolicies"},
		},
		{
			name: "a parameter's Default and a mapping name the policy",
			file: "params.yaml",
			content: `Parameters:
  OperatorPolicy:
    Type: String
    Default: arn:aws:iam::aws:policy/AmazonSSMFullAccess
  ExtraPolicies:
    Type: CommaDelimitedList
    Default: "arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::aws:policy/AdministratorAccess"
  NoDefault:
    Type: String
  Stage:
    Type: String
    Default: dev
Mappings:
  Stages:
    dev: {Policy: PowerUserAccess}
    prod: {Policy: ReadOnlyAccess}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - !Ref OperatorPolicy
        - !Ref NoDefault
        - !Sub arn:${AWS::Partition}:iam::aws:policy/${NoDefault}
  Other:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: !Ref ExtraPolicies
  Staged:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - !Sub
          - arn:${AWS::Partition}:iam::aws:policy/${Name}
          - Name: !FindInMap [Stages, prod, Policy]
        - !Sub
          - arn:${AWS::Partition}:iam::aws:policy/${Name}
          - Name: !FindInMap [Stages, !Ref Stage, Policy]
`,
			want: []string{
				"IAM-SSM-1 params.yaml:22:11 " + ssmFullSend + "; this reads parameter OperatorPolicy as its default, one value a deployment may have",
				"IAM-SSM-2 params.yaml:22:11 " + ssmFullSession + "; this reads parameter OperatorPolicy as its default, one value a deployment may have",
				"IAM-SSM-1 params.yaml:28:26 " + adminSend + "; this reads parameter ExtraPolicies as its default, one value a deployment may have",
				"IAM-SSM-2 params.yaml:28:26 " + adminSession + "; this reads parameter ExtraPolicies as its default, one value a deployment may have",
				"IAM-SSM-1 params.yaml:37:13 " + powerSend,
				"IAM-SSM-2 params.yaml:37:13 " + powerSession,
			},
		},
		{
			name: "no attachment that grants: nothing to report",
			file: "quiet.yaml",
			content: `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM
        - arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
        - arn:aws:iam::aws:policy/AmazonSSMFullAccess/
        - arn:aws:iam::aws:policy/AdministratorAccess-Amplify
        - !GetAtt Custom.Arn
  Boundary:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: arn:aws:iam::aws:policy/AdministratorAccess
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: AdministratorAccess
      Roles: [!Ref Role]
      PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
`,
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := scanDescribed(t, tt.file, tt.content, tt.want)
			if tt.origin != (iam.Origin{}) && found[0].Origin != tt.origin {
				t.Errorf("origin = %+v, want %+v", found[0].Origin, tt.origin)
			}
		})
	}
}

// TestManagedPolicyExemptions: attachments are exempted as statements
// are: the policies selector matches the managed policy's name, the
// resources selector the logical ID of the principal, and the Metadata of
// the principal's resource suppresses in the template.
func TestManagedPolicyExemptions(t *testing.T) {
	template := `Resources:
  BreakGlass:
    Type: AWS::IAM::Role
    Metadata:
      ssm-guardrails:
        suppress:
          - {rule: IAM-SSM-2, reason: "incident sessions, SEC-7"}
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
  Patching:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AmazonSSMMaintenanceWindowRole]
  Ops:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSSMFullAccess]
`
	dir := testkit.WriteTree(t, map[string]string{"stack.yaml": template})
	cfg, err := exempt.ParseConfig("c.yml", []byte(`exemptions:
  - policies: [AmazonSSMMaintenance*]
    reason: maintenance windows, SEC-8
  - resources: [BreakGlass]
    policies: [AdministratorAccess]
    rules: [IAM-SSM-1]
    reason: break-glass, SEC-9
`))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(Options{Paths: []string{dir}, BaseDir: dir, Config: cfg, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	var open, exempted []string
	for _, f := range rep.Findings {
		open = append(open, fmt.Sprintf("%s@%d %s", f.RuleID, f.Span.Start.Line, f.Origin.Resource))
	}
	for _, e := range rep.Exempted {
		exempted = append(exempted, fmt.Sprintf("%s@%d %s: %s", e.RuleID, e.Span.Start.Line, e.Origin.Resource, e.Exemption.Reason))
	}
	slices.Sort(exempted)
	wantOpen := []string{"IAM-SSM-1@17 Ops", "IAM-SSM-2@17 Ops"}
	wantExempted := []string{
		"IAM-SSM-1@13 Patching: maintenance windows, SEC-8",
		"IAM-SSM-1@9 BreakGlass: break-glass, SEC-9",
		"IAM-SSM-2@9 BreakGlass: incident sessions, SEC-7",
	}
	if !slices.Equal(open, wantOpen) || !slices.Equal(exempted, wantExempted) || len(rep.Warnings) > 0 {
		t.Errorf("open %q\nexempted %q\nwarnings %v\nwant open %q\nexempted %q", open, exempted, rep.Warnings, wantOpen, wantExempted)
	}
}

// TestManagedPolicyAttachmentInCDKApp: an attachment in CDK output is
// shown at the app line that created the role, with the ARN in the
// template as the related place, as statements are.
func TestManagedPolicyAttachmentInCDKApp(t *testing.T) {
	repo := testkit.WriteTree(t, map[string]string{
		"app/cdk.json":              `{"app": "node bin/app.js"}`,
		"app/lib/s.js":              "const a = 1;\nfunction stack() {\n  new iam.Role(this, 'Role', {managedPolicies: [admin]});\n}\n",
		"app/cdk.out/manifest.json": `{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}, "additionalMetadataFile": "S.metadata.json"}}}`,
		"app/cdk.out/S.metadata.json": `{"/S/Role/Resource": [{"type": "aws:cdk:logicalId", "data": "Role1"},
			{"type": "aws:cdk:creationStack", "data": ["new S (/synth/app/lib/s.js:3:3)"]}]}`,
		"app/cdk.out/S.template.json": `{"Resources": {"Role1": {"Type": "AWS::IAM::Role", "Properties": {
  "ManagedPolicyArns": [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AdministratorAccess"]]}]}}}}
`,
	})
	rep, err := Run(Options{Paths: []string{filepath.Join(repo, "app", "cdk.out")}, BaseDir: repo})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, linked(f)+" "+f.Message)
	}
	want := []string{
		"IAM-SSM-1 app/lib/s.js:3:3 <- app/cdk.out/S.template.json:2:79 (" + TemplateStatement + ") [S/Role/Resource] " + adminSend,
		"IAM-SSM-2 app/lib/s.js:3:3 <- app/cdk.out/S.template.json:2:79 (" + TemplateStatement + ") [S/Role/Resource] " + adminSession,
	}
	if !slices.Equal(got, want) || len(rep.Warnings) > 0 {
		t.Errorf("findings\n  %s\nwarnings %v\nwant\n  %s", strings.Join(got, "\n  "), rep.Warnings, strings.Join(want, "\n  "))
	}
}
