package scan

import (
	"fmt"
	"slices"
	"testing"
)

// TestServerless: the provider's statements, each function's own
// (serverless-iam-roles-per-function) and the resources are read, after
// ${self:...} references are resolved within the file.
func TestServerless(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string // located finding, origin path, related place
	}{
		{"provider, function and resource policies together", `service: ops
provider:
  name: aws
  iam:
    role:
      statements:
        - Effect: Allow
          Action: ssm:StartSession
          Resource: "*"
functions:
  worker:
    handler: worker.handle
    iamRoleStatements:
      - Effect: Allow
        Action: ssm:SendCommand
        Resource: "*"
  quiet:
    handler: quiet.handle
resources:
  Resources:
    OpsRole:
      Type: AWS::IAM::Role
      Properties:
        Policies:
          - PolicyName: ops
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Action: ssm:SendCommand
                  Resource: "*"
`, []string{
			"IAM-SSM-2@7:11-9:24 provider.iam.role.statements",
			"IAM-SSM-1@14:9-16:22 functions.worker.iamRoleStatements",
			"IAM-SSM-1@28:19-30:32 resources.Resources.OpsRole.Properties.Policies[0].PolicyDocument",
		}},
		{"function statements without provider statements", `service: ops
provider:
  name: aws
functions:
  worker:
    iamRoleStatements:
      - {Effect: Allow, Action: ssm:SendCommand, Resource: "*"}
`, []string{"IAM-SSM-1@7:9-7:64 functions.worker.iamRoleStatements"}},
		{"a resource value from custom", `service: ops
custom:
  fleet: "*"
provider:
  iamRoleStatements:
    - Effect: Allow
      Action: ssm:SendCommand
      Resource: ${self:custom.fleet}
`, []string{"IAM-SSM-1@6:7-8:37 provider.iamRoleStatements"}},
		{"a reference inside a longer string", `service: ops
provider:
  region: us-east-1
  iam:
    role:
      statements:
        - Effect: Allow
          Action: ssm:StartSession
          Resource: arn:aws:ec2:${self:provider.region}:*:instance/*
`, []string{"IAM-SSM-2@7:11-9:69 provider.iam.role.statements"}},
		{"a statement from custom is reported where it is used", `service: ops
custom:
  admin: {Effect: Allow, Action: ssm:SendCommand, Resource: "*"}
provider:
  iam:
    role:
      statements:
        - ${self:custom.admin}
`, []string{"IAM-SSM-1@8:11-8:31 provider.iam.role.statements anchor 3:10-3:65"}},
		{"the quoted default of a reference", `service: ops
provider:
  iamRoleStatements:
    - Effect: Allow
      Action: ssm:SendCommand
      Resource: ${self:custom.missing, '*'}
`, []string{"IAM-SSM-1@4:7-6:44 provider.iamRoleStatements"}},
		{"references in a cycle stay as they are", `service: ops
custom:
  a: ${self:custom.b}
  b: ${self:custom.a}
provider:
  iamRoleStatements:
    - Effect: Allow
      Action: ssm:SendCommand
      Resource: ${self:custom.a}
`, nil},
		{"other variables stay as they are", `service: ops
provider:
  iamRoleStatements:
    - Effect: Allow
      Action: ssm:SendCommand
      Resource: ${opt:fleet}
`, nil},
		{"a reference to a resource ARN that is a specific instance", `service: ops
custom:
  box: arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0
provider:
  iamRoleStatements:
    - Effect: Allow
      Action: ssm:SendCommand
      Resource: ${self:custom.box}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ScanFile("serverless.yml", []byte(tt.content))
			var got []string
			for _, f := range res.Findings {
				s := located(f) + " " + f.Origin.Path
				for _, r := range f.Related {
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
