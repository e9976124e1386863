'use strict';

const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');

// Lives in its own template (Ops<hash>.nested.template.json); the parent
// template only holds an AWS::CloudFormation::Stack resource pointing at it.
class PatchNestedStack extends cdk.NestedStack {
  constructor(scope, id, props) {
    super(scope, id, props);

    const patchRole = new iam.Role(this, 'PatchRole', {
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com'),
    });
    patchRole.addToPolicy(new iam.PolicyStatement({
      actions: ['ssm:SendCommand'],
      resources: ['arn:aws:ec2:*:*:instance/*'],
    }));
  }
}

module.exports = { PatchNestedStack };
