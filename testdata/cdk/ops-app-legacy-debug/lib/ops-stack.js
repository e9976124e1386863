'use strict';

// Each grant below is made through a different CDK API so that the fixture
// covers every way a policy ends up in a template. All but ScopedRole grant
// ssm:SendCommand or ssm:StartSession on every instance without a tag
// condition, so each one is a finding.
const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const lambda = require('aws-cdk-lib/aws-lambda');
const { PatchNestedStack } = require('./patch-nested-stack');

const ec2Principal = new iam.ServicePrincipal('ec2.amazonaws.com');

class OpsStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    // Role.addToPolicy: the first call creates RunCommandRole/DefaultPolicy,
    // so the policy's trace names this call, not the second one.
    const runCommandRole = new iam.Role(this, 'RunCommandRole', { assumedBy: ec2Principal });
    runCommandRole.addToPolicy(new iam.PolicyStatement({
      actions: ['ssm:SendCommand'],
      resources: ['*'],
    }));
    runCommandRole.addToPolicy(new iam.PolicyStatement({
      actions: ['ssm:StartSession'],
      resources: ['arn:aws:ec2:*:*:instance/*'],
    }));

    // A customer managed policy: its own AWS::IAM::ManagedPolicy resource.
    new iam.ManagedPolicy(this, 'SessionPolicy', {
      statements: [
        new iam.PolicyStatement({
          actions: ['ssm:StartSession'],
          resources: ['arn:aws:ec2:*:*:instance/*'],
        }),
      ],
    });

    // A Lambda's addToRolePolicy: the function's service role gets a
    // DefaultPolicy created by this call. Inline code needs no bundling.
    const fn = new lambda.Function(this, 'RunbookFunction', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => "ok";'),
    });
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ssm:SendCommand'],
      resources: ['*'],
    }));

    // Grant.addToPrincipal: the way construct libraries implement grantX().
    const bastionRole = new iam.Role(this, 'BastionRole', { assumedBy: ec2Principal });
    iam.Grant.addToPrincipal({
      grantee: bastionRole,
      actions: ['ssm:StartSession', 'ssm:SendCommand'],
      resourceArns: ['*'],
    });

    // An L1 role with an inline policy: the policy lives in the
    // AWS::IAM::Role resource itself.
    new iam.CfnRole(this, 'LegacyRole', {
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      policies: [{
        policyName: 'legacy-ssm',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ssm:SendCommand', Resource: '*' }],
        },
      }],
    });

    // Correctly scoped: only instances tagged team=ops. Must NOT be a finding.
    const scopedRole = new iam.Role(this, 'ScopedRole', { assumedBy: ec2Principal });
    scopedRole.addToPolicy(new iam.PolicyStatement({
      actions: ['ssm:SendCommand', 'ssm:StartSession'],
      resources: ['arn:aws:ec2:*:*:instance/*'],
      conditions: { StringEquals: { 'ssm:resourceTag/team': 'ops' } },
    }));

    // A nested stack: its template is a separate file in cdk.out.
    new PatchNestedStack(this, 'Patch');
  }
}

module.exports = { OpsStack };
