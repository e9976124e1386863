package synth

import (
	"fmt"
)

// This file makes the CloudFormation content of the benchmark tree: stacks
// where IAM is a few resources among many others, as in real services.

// resource is one CloudFormation resource. planted is the chance that an
// IAM resource carries a finding.
func (r *genRand) resource(planted float64) (string, genObj) {
	id := r.title() + r.title()
	props := genObj{}
	typ := ""
	switch r.IntN(12) {
	case 0, 1:
		typ = "AWS::Lambda::Function"
		vars := genObj{}
		for i := range 2 + r.IntN(6) {
			vars = append(vars, genField{fmt.Sprintf("%s_%d", r.word(), i), r.word() + "-" + r.hex(8)})
		}
		props = genObj{{"FunctionName", sub("${AWS::StackName}-" + r.word())}, {"Runtime", r.pick("nodejs20.x", "python3.12", "java21")},
			{"Handler", "index.handler"}, {"MemorySize", 128 << r.IntN(4)}, {"Timeout", 3 + r.IntN(60)},
			{"Role", genTag{"GetAtt", id + "Role.Arn"}},
			{"Code", genObj{{"S3Bucket", ref("AssetBucket")}, {"S3Key", r.hex(64) + ".zip"}}},
			{"Environment", genObj{{"Variables", vars}}},
			{"Tags", genArr{genObj{{"Key", "team"}, {"Value", r.word()}}, genObj{{"Key", "cost-center"}, {"Value", r.hex(4)}}}}}
	case 2:
		typ = "AWS::SQS::Queue"
		props = genObj{{"VisibilityTimeout", 30 * (1 + r.IntN(10))}, {"MessageRetentionPeriod", 1209600},
			{"RedrivePolicy", genObj{{"deadLetterTargetArn", genTag{"GetAtt", id + "Dlq.Arn"}}, {"maxReceiveCount", 5}}}}
	case 3:
		typ = "AWS::DynamoDB::Table"
		props = genObj{{"BillingMode", "PAY_PER_REQUEST"},
			{"AttributeDefinitions", genArr{genObj{{"AttributeName", "pk"}, {"AttributeType", "S"}}, genObj{{"AttributeName", "sk"}, {"AttributeType", "S"}}}},
			{"KeySchema", genArr{genObj{{"AttributeName", "pk"}, {"KeyType", "HASH"}}, genObj{{"AttributeName", "sk"}, {"KeyType", "RANGE"}}}},
			{"PointInTimeRecoverySpecification", genObj{{"PointInTimeRecoveryEnabled", true}}},
			{"SSESpecification", genObj{{"SSEEnabled", true}}}}
	case 4:
		typ = "AWS::S3::Bucket"
		props = genObj{{"BucketName", sub("${AWS::StackName}-" + r.word() + "-${AWS::AccountId}")},
			{"BucketEncryption", genObj{{"ServerSideEncryptionConfiguration", genArr{genObj{{"ServerSideEncryptionByDefault", genObj{{"SSEAlgorithm", "aws:kms"}}}}}}}},
			{"LifecycleConfiguration", genObj{{"Rules", genArr{genObj{{"Id", "expire"}, {"Status", "Enabled"}, {"ExpirationInDays", 30 + r.IntN(365)}}}}}},
			{"PublicAccessBlockConfiguration", genObj{{"BlockPublicAcls", true}, {"BlockPublicPolicy", true}, {"IgnorePublicAcls", true}, {"RestrictPublicBuckets", true}}}}
	case 5:
		typ = "AWS::EC2::SecurityGroup"
		var rules genArr
		for range 1 + r.IntN(5) {
			port := r.pick("443", "80", "5432", "6379", "22")
			rules = append(rules, genObj{{"IpProtocol", "tcp"}, {"FromPort", port}, {"ToPort", port},
				{"CidrIp", fmt.Sprintf("10.%d.%d.0/24", r.IntN(256), r.IntN(256))}, {"Description", "from " + r.word()}})
		}
		props = genObj{{"GroupDescription", r.word() + " access"}, {"VpcId", ref("VpcId")}, {"SecurityGroupIngress", rules}}
	case 6:
		typ = "AWS::CloudWatch::Alarm"
		props = genObj{{"AlarmName", sub("${AWS::StackName}-" + r.word() + "-errors")}, {"MetricName", "Errors"}, {"Namespace", "AWS/Lambda"},
			{"Statistic", "Sum"}, {"Period", 60}, {"EvaluationPeriods", 1 + r.IntN(5)}, {"Threshold", r.IntN(10)},
			{"ComparisonOperator", "GreaterThanThreshold"}, {"Dimensions", genArr{genObj{{"Name", "FunctionName"}, {"Value", ref(r.title() + "Function")}}}},
			{"AlarmActions", genArr{ref("AlarmTopic")}}}
	case 7:
		typ = "AWS::SSM::Parameter"
		props = genObj{{"Name", "/" + r.word() + "/" + r.word()}, {"Type", "String"}, {"Value", r.hex(32)}}
	case 8:
		typ = "AWS::IAM::ManagedPolicy"
		props = genObj{{"ManagedPolicyName", sub("${AWS::StackName}-" + r.word())},
			{"PolicyDocument", r.policyDocument(1+r.IntN(4), r.chance(planted))}}
	case 9, 10:
		typ = "AWS::IAM::Role"
		var policies genArr
		for range 1 + r.IntN(2) {
			policies = append(policies, genObj{{"PolicyName", r.word()}, {"PolicyDocument", r.policyDocument(1+r.IntN(5), r.chance(planted))}})
		}
		props = genObj{{"AssumeRolePolicyDocument", trustPolicy(r.pick("lambda", "ec2", "ecs-tasks"))},
			{"ManagedPolicyArns", genArr{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}},
			{"Policies", policies}}
	default:
		typ = "AWS::SSO::PermissionSet"
		props = genObj{{"Name", r.word()}, {"InstanceArn", r.arn("sso")}, {"SessionDuration", "PT8H"},
			{"InlinePolicy", r.inlinePolicy(r.chance(planted))}}
	}
	return id, genObj{{"Type", typ}, {"Properties", props}}
}

// template is a CloudFormation stack of n resources.
func (r *genRand) template(n int, planted float64) genObj {
	res := genObj{}
	seen := map[string]bool{}
	for len(res) < n {
		id, body := r.resource(planted)
		if !seen[id] {
			seen[id] = true
			res = append(res, genField{id, body})
		}
	}
	return genObj{
		{"AWSTemplateFormatVersion", "2010-09-09"},
		{"Description", "Service " + r.word() + " (generated)"},
		{"Parameters", genObj{{"VpcId", genObj{{"Type", "AWS::EC2::VPC::Id"}}}, {"AssetBucket", genObj{{"Type", "String"}}}}},
		{"Resources", res},
		{"Outputs", genObj{{"StackName", genObj{{"Value", ref("AWS::StackName")}}}}},
	}
}

// cdkApp is the synth output of one CDK stack: the template with the
// construct path of every resource, the manifest, and the construct tree,
// which repeats every policy document (and so every finding).
func (r *genRand) cdkApp(stack string, n int, planted float64) (template, manifest, tree genObj) {
	t := r.template(n, planted)
	children := genObj{}
	for i, f := range t[3].v.(genObj) {
		logical := f.k + r.hex(8)
		path := stack + "/" + f.k + "/Resource"
		body := f.v.(genObj)
		body = append(body, genField{"Metadata", genObj{{"aws:cdk:path", path}}})
		t[3].v.(genObj)[i] = genField{logical, body}
		props := body[1].v
		children = append(children, genField{f.k, genObj{{"id", f.k}, {"path", stack + "/" + f.k},
			{"children", genObj{{"Resource", genObj{{"id", "Resource"}, {"path", path},
				{"attributes", genObj{{"aws:cdk:cloudformation:type", body[0].v}, {"aws:cdk:cloudformation:props", props}}},
				{"constructInfo", genObj{{"fqn", "aws-cdk-lib.CfnResource"}, {"version", "2.150.0"}}}}}}},
			{"constructInfo", genObj{{"fqn", "constructs.Construct"}, {"version", "10.3.0"}}}}})
	}
	manifest = genObj{{"version", "36.0.0"}, {"artifacts", genObj{
		{stack + ".assets", genObj{{"type", "cdk:asset-manifest"}, {"properties", genObj{{"file", stack + ".assets.json"}}}}},
		{stack, genObj{{"type", "aws:cloudformation:stack"}, {"environment", "aws://unknown-account/unknown-region"},
			{"properties", genObj{{"templateFile", stack + ".template.json"}}}}},
	}}}
	tree = genObj{{"version", "tree-0.1"}, {"tree", genObj{{"id", "App"}, {"path", ""},
		{"children", genObj{{stack, genObj{{"id", stack}, {"path", stack}, {"children", children}}}}}}}}
	return t, manifest, tree
}

// packageLock is a package-lock.json of n packages: large, and holding no
// policy.
func (r *genRand) packageLock(n int) genObj {
	pkgs := genObj{{"", genObj{{"name", r.word()}, {"version", "1.0.0"}}}}
	seen := map[string]bool{}
	for range n {
		name := r.word()
		if r.chance(0.2) {
			name = "@" + r.word() + "/" + name
		}
		if seen[name] {
			name += fmt.Sprintf("-%d", len(pkgs))
		}
		seen[name] = true
		version := fmt.Sprintf("%d.%d.%d", r.IntN(10), r.IntN(30), r.IntN(20))
		deps := genObj{}
		for i := range r.IntN(4) {
			deps = append(deps, genField{fmt.Sprintf("%s-%d", r.word(), i), "^" + fmt.Sprintf("%d.%d.0", r.IntN(10), r.IntN(30))})
		}
		entry := genObj{{"version", version},
			{"resolved", "https://registry.npmjs.org/" + name + "/-/" + name + "-" + version + ".tgz"},
			{"integrity", "sha512-" + r.hex(86) + "=="}}
		if r.chance(0.5) {
			entry = append(entry, genField{"dev", true})
		}
		if len(deps) > 0 {
			entry = append(entry, genField{"dependencies", deps})
		}
		pkgs = append(pkgs, genField{"node_modules/" + name, entry})
	}
	return genObj{{"name", r.word()}, {"version", "1.0.0"}, {"lockfileVersion", 3}, {"requires", true}, {"packages", pkgs}}
}

// serverless is a Serverless Framework service with its IAM statements.
func (r *genRand) serverless(planted bool) genObj {
	return genObj{{"service", r.word()}, {"frameworkVersion", "3"},
		{"provider", genObj{{"name", "aws"}, {"runtime", "nodejs20.x"},
			{"iam", genObj{{"role", genObj{{"statements", r.statements(1+r.IntN(4), planted)}}}}}}},
		{"functions", genObj{{r.word(), genObj{{"handler", "handler.main"}, {"events", genArr{genObj{{"http", genObj{{"path", r.word()}, {"method", "get"}}}}}}}}}},
	}
}

// k8sManifest is a Kubernetes deployment: YAML that holds no policy.
func (r *genRand) k8sManifest() genObj {
	name := r.word()
	env := genArr{}
	for i := range 3 + r.IntN(10) {
		env = append(env, genObj{{"name", fmt.Sprintf("%s_%d", r.word(), i)}, {"value", r.hex(12)}})
	}
	return genObj{{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
		{"metadata", genObj{{"name", name}, {"labels", genObj{{"app", name}}}}},
		{"spec", genObj{{"replicas", 1 + r.IntN(5)}, {"selector", genObj{{"matchLabels", genObj{{"app", name}}}}},
			{"template", genObj{{"metadata", genObj{{"labels", genObj{{"app", name}}}}},
				{"spec", genObj{{"containers", genArr{genObj{{"name", name}, {"image", "registry.example.com/" + name + ":" + r.hex(7)},
					{"ports", genArr{genObj{{"containerPort", 8080}}}}, {"env", env}}}}}}}}}},
	}
}

// fixture is a small JSON file such as a test fixture or a locale.
func (r *genRand) fixture() genObj {
	out := genObj{}
	for i := range 5 + r.IntN(60) {
		var v any = r.word() + " " + r.word()
		switch r.IntN(3) {
		case 0:
			v = r.IntN(100000)
		case 1:
			v = genArr{r.word(), r.word(), r.IntN(10) > 4}
		}
		out = append(out, genField{fmt.Sprintf("%s%d", r.word(), i), v})
	}
	return out
}

// workflow is a GitHub Actions workflow: YAML with no policy.
func (r *genRand) workflow() genObj {
	steps := genArr{genObj{{"uses", "actions/checkout@v4"}}}
	for range 2 + r.IntN(5) {
		steps = append(steps, genObj{{"name", r.word()}, {"run", "make " + r.word()}})
	}
	return genObj{{"name", "ci"}, {"on", genObj{{"push", genObj{{"branches", genArr{"main"}}}}, {"pull_request", genObj{}}}},
		{"jobs", genObj{{"build", genObj{{"runs-on", "ubuntu-latest"}, {"steps", steps}}}}}}
}
