#!/usr/bin/env node
'use strict';

// Entry point named by cdk.json. No env is set, so synth needs no AWS
// credentials and makes no context lookups.
const cdk = require('aws-cdk-lib');
const { OpsStack } = require('../lib/ops-stack');
const { OpsStage } = require('../lib/ops-stage');

const app = new cdk.App();

// Top-level stack: its template is cdk.out/Ops.template.json.
new OpsStack(app, 'Ops');

// A Stage puts its stacks in a nested assembly, cdk.out/assembly-Prod/.
new OpsStage(app, 'Prod');
