'use strict';

const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');

// A stack inside a Stage is written to its own nested cloud assembly
// (cdk.out/assembly-Prod/), with its own manifest.json.
class FleetStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    const fleetRole = new iam.Role(this, 'FleetRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    });
    fleetRole.addToPolicy(new iam.PolicyStatement({
      actions: ['ssm:StartSession'],
      resources: ['*'],
    }));
  }
}

class OpsStage extends cdk.Stage {
  constructor(scope, id, props) {
    super(scope, id, props);
    new FleetStack(this, 'Fleet');
  }
}

module.exports = { OpsStage };
