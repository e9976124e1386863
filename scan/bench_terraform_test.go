package scan

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Terraform against CloudFormation: a tree of Terraform modules, and a
// tree of CloudFormation JSON templates of the same size in bytes holding
// the same kinds of statements, each scanned whole.
//
//	go test ./scan -run '^$' -bench 'Terraform|SameBytes' -benchmem

var (
	tfBenchTree    = flag.String("tfbenchtree", "", "write the Terraform and CloudFormation benchmark trees under this directory (TestWriteTerraformBenchTrees)")
	tfBenchModules = flag.Int("tfbenchtree-modules", 600, "modules in the trees TestWriteTerraformBenchTrees writes")
)

// TestWriteTerraformBenchTrees writes the benchmark trees for whole-process
// timings: go test ./scan -run TestWriteTerraformBenchTrees -args -tfbenchtree=/tmp/tfbench
func TestWriteTerraformBenchTrees(t *testing.T) {
	if *tfBenchTree == "" {
		t.Skip("no -tfbenchtree")
	}
	_, _, size := writeBenchTrees(t, *tfBenchModules, true)
	t.Logf("two trees of %d bytes each under %s", size, *tfBenchTree)
}

// terraformModule is one module of the benchmark tree: IAM policies in
// every form (jsonencode, heredoc, a policy document, locals), variables,
// and the other resources a module holds.
func terraformModule(i int, others bool) map[string]string {
	var main strings.Builder
	for j := range 12 {
		action := "ssm:GetParameter"
		if (i*12+j)%20 == 0 {
			action = "ssm:SendCommand"
		}
		fmt.Fprintf(&main, `resource "aws_iam_policy" "p%[1]d" {
  name = "svc-%[2]d-%[1]d"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["%[3]s", "ssm:DescribeInstanceInformation"]
        Resource = "arn:aws:ec2:${var.region}:${data.aws_caller_identity.current.account_id}:instance/*"
        Condition = { StringEquals = { "ssm:resourceTag/team" = local.team } }
      },
      local.read_logs,
      {
        Effect   = "Allow"
        Action   = "%[3]s"
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role" "r%[1]d" {
  name = "svc-%[2]d-%[1]d"
  inline_policy {
    name   = "queue"
    policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": "arn:aws:sqs:${var.region}:*:svc-%[2]d"}
  ]
}
EOF
  }
}

data "aws_iam_policy_document" "d%[1]d" {
  statement {
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::svc-%[2]d/*"]
  }
  statement {
    actions   = ["ssm:StartSession"]
    resources = ["arn:aws:ec2:*:*:instance/*"]
    condition {
      test     = "StringEquals"
      variable = "ssm:resourceTag/team"
      values   = [local.team]
    }
  }
}

resource "aws_iam_role_policy" "d%[1]d" {
  role   = aws_iam_role.r%[1]d.id
  policy = data.aws_iam_policy_document.d%[1]d.json
}

resource "aws_instance" "web%[1]d" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  subnet_id     = var.subnet_id
  tags = { Name = "svc-%[2]d-web-%[1]d", team = local.team }
}

resource "aws_security_group" "sg%[1]d" {
  name   = "svc-%[2]d-%[1]d"
  vpc_id = var.vpc_id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

`, j, i, action)
		if others {
			fmt.Fprintf(&main, tfOthers, j, i)
		}
	}
	return map[string]string{
		"main.tf": main.String(),
		"variables.tf": `variable "region" {
  default = "eu-west-1"
}
variable "subnet_id" {}
variable "vpc_id" {}
data "aws_caller_identity" "current" {}
`,
		"locals.tf": fmt.Sprintf(`locals {
  team = "team-%d"
  read_logs = {
    Effect   = "Allow"
    Action   = ["logs:GetLogEvents", "logs:FilterLogEvents"]
    Resource = "*"
  }
}
`, i%7),
		"network.tf": `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
`,
	}
}

// cloudFormationTemplate is one template of the other tree: the same
// statements as managed policies and roles, and other resources.
func cloudFormationTemplate(i int, others bool) string {
	var b strings.Builder
	b.WriteString("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n")
	for j := range 12 {
		action := "ssm:GetParameter"
		if (i*12+j)%20 == 0 {
			action = "ssm:SendCommand"
		}
		if j > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `    "Policy%[1]d": {
      "Type": "AWS::IAM::ManagedPolicy",
      "Properties": {
        "ManagedPolicyName": "svc-%[2]d-%[1]d",
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [
            {"Effect": "Allow", "Action": ["%[3]s", "ssm:DescribeInstanceInformation"], "Resource": {"Fn::Sub": "arn:aws:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"}, "Condition": {"StringEquals": {"ssm:resourceTag/team": "team-%[4]d"}}},
            {"Effect": "Allow", "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"], "Resource": "*"},
            {"Effect": "Allow", "Action": "%[3]s", "Resource": "*"}
          ]
        }
      }
    },
    "Role%[1]d": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "RoleName": "svc-%[2]d-%[1]d",
        "Policies": [
          {"PolicyName": "queue", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": {"Fn::Sub": "arn:aws:sqs:${AWS::Region}:*:svc-%[2]d"}}
          ]}},
          {"PolicyName": "data", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::svc-%[2]d/*"},
            {"Effect": "Allow", "Action": ["ssm:StartSession"], "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": {"StringEquals": {"ssm:resourceTag/team": "team-%[4]d"}}}
          ]}}
        ]
      }
    },
    "Web%[1]d": {
      "Type": "AWS::EC2::Instance",
      "Properties": {"ImageId": "ami-0123456789abcdef0", "InstanceType": "t3.micro", "SubnetId": {"Ref": "SubnetId"}, "Tags": [{"Key": "Name", "Value": "svc-%[2]d-web-%[1]d"}, {"Key": "team", "Value": "team-%[4]d"}]}
    },
    "Group%[1]d": {
      "Type": "AWS::EC2::SecurityGroup",
      "Properties": {"GroupName": "svc-%[2]d-%[1]d", "VpcId": {"Ref": "VpcId"}, "SecurityGroupIngress": [{"FromPort": 443, "ToPort": 443, "IpProtocol": "tcp", "CidrIp": "10.0.0.0/8"}]}
    }`, j, i, action, i%7)
		if others {
			fmt.Fprintf(&b, cfnOthers, j, i)
		}
	}
	b.WriteString("\n  }\n}\n")
	return b.String()
}

// writeBenchTrees writes the Terraform tree of modules, then CloudFormation
// templates until they reach the same number of bytes (padding the last
// one with white space to the byte).
func writeBenchTrees(b testing.TB, modules int, others bool) (tf, cfn string, size int64) {
	tf, cfn = b.TempDir(), b.TempDir()
	if *tfBenchTree != "" {
		tf, cfn = filepath.Join(*tfBenchTree, "terraform"), filepath.Join(*tfBenchTree, "cloudformation")
	}
	for i := range modules {
		for name, content := range terraformModule(i, others) {
			dir := filepath.Join(tf, fmt.Sprintf("svc%03d", i))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				b.Fatal(err)
			}
			size += int64(len(content))
		}
	}
	var written int64
	for i := 0; written < size; i++ {
		content := cloudFormationTemplate(i, others)
		if rest := size - written; int64(len(content)) > rest {
			content = fitTemplate(int(rest))
		}
		path := filepath.Join(cfn, fmt.Sprintf("svc%03d", i), "stack.template.json")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
		written += int64(len(content))
	}
	return tf, cfn, size
}

// fitTemplate is a template of n bytes: a small one, padded (or only
// white space, which the pre-filter skips, when n is smaller).
func fitTemplate(n int) string {
	if n < 200 {
		return strings.Repeat(" ", n)
	}
	small := "{\"Resources\": {\"P\": {\"Type\": \"AWS::IAM::ManagedPolicy\", \"Properties\": {\"PolicyDocument\": {\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}}}}}\n"
	return small + strings.Repeat(" ", n-len(small))
}

func benchmarkScanTree(b *testing.B, terraform, others bool) {
	tfDir, cfnDir, size := writeBenchTrees(b, 60, others)
	root := cfnDir
	if terraform {
		root = tfDir
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Run(benchOptions(root))
		if err != nil || len(rep.Warnings) > 0 {
			b.Fatal(err, rep.Warnings)
		}
		if len(rep.Findings) == 0 {
			b.Fatal("the tree has planted findings; the scan found none")
		}
	}
}

// BenchmarkTerraformTree scans 60 Terraform modules whose services hold
// the other resources a service has beside its IAM (a function, a queue,
// a table, a bucket, an alarm, a parameter).
func BenchmarkTerraformTree(b *testing.B) { benchmarkScanTree(b, true, true) }

// BenchmarkCloudFormationSameBytes scans CloudFormation JSON templates of
// the same services and the same total size.
func BenchmarkCloudFormationSameBytes(b *testing.B) { benchmarkScanTree(b, false, true) }

// BenchmarkTerraformTreeIAMOnly is BenchmarkTerraformTree with IAM and
// little else: the Terraform reader's worst case.
func BenchmarkTerraformTreeIAMOnly(b *testing.B) { benchmarkScanTree(b, true, false) }

// BenchmarkCloudFormationSameBytesIAMOnly is its CloudFormation twin.
func BenchmarkCloudFormationSameBytesIAMOnly(b *testing.B) { benchmarkScanTree(b, false, false) }

// tfOthers and cfnOthers are the rest of a service, in each format.
const tfOthers = `resource "aws_lambda_function" "fn%[1]d" {
  function_name = "svc-%[2]d-%[1]d"
  role          = aws_iam_role.r%[1]d.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "${path.module}/build/fn.zip"
  memory_size   = 256
  timeout       = 30
  environment {
    variables = {
      TABLE = aws_dynamodb_table.t%[1]d.name
      QUEUE = aws_sqs_queue.q%[1]d.url
    }
  }
}

resource "aws_sqs_queue" "q%[1]d" {
  name                       = "svc-%[2]d-%[1]d"
  visibility_timeout_seconds = 60
  message_retention_seconds  = 1209600
}

resource "aws_dynamodb_table" "t%[1]d" {
  name         = "svc-%[2]d-%[1]d"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"
  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
}

resource "aws_s3_bucket" "b%[1]d" {
  bucket = "svc-%[2]d-%[1]d-artifacts"
}

resource "aws_cloudwatch_metric_alarm" "errors%[1]d" {
  alarm_name          = "svc-%[2]d-%[1]d-errors"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "Errors"
  namespace           = "AWS/Lambda"
  period              = 300
  statistic           = "Sum"
  threshold           = 5
  dimensions = {
    FunctionName = aws_lambda_function.fn%[1]d.function_name
  }
}

resource "aws_ssm_parameter" "p%[1]d" {
  name  = "/svc-%[2]d/%[1]d/endpoint"
  type  = "String"
  value = "https://svc-%[2]d.example.com/%[1]d"
}

`

const cfnOthers = `,
    "Fn%[1]d": {
      "Type": "AWS::Lambda::Function",
      "Properties": {"FunctionName": "svc-%[2]d-%[1]d", "Role": {"Fn::GetAtt": ["Role%[1]d", "Arn"]}, "Handler": "index.handler", "Runtime": "nodejs20.x", "Code": {"S3Bucket": "artifacts", "S3Key": "fn.zip"}, "MemorySize": 256, "Timeout": 30,
        "Environment": {"Variables": {"TABLE": {"Ref": "Table%[1]d"}, "QUEUE": {"Ref": "Queue%[1]d"}}}}
    },
    "Queue%[1]d": {
      "Type": "AWS::SQS::Queue",
      "Properties": {"QueueName": "svc-%[2]d-%[1]d", "VisibilityTimeout": 60, "MessageRetentionPeriod": 1209600}
    },
    "Table%[1]d": {
      "Type": "AWS::DynamoDB::Table",
      "Properties": {"TableName": "svc-%[2]d-%[1]d", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]}
    },
    "Bucket%[1]d": {
      "Type": "AWS::S3::Bucket",
      "Properties": {"BucketName": "svc-%[2]d-%[1]d-artifacts"}
    },
    "Errors%[1]d": {
      "Type": "AWS::CloudWatch::Alarm",
      "Properties": {"AlarmName": "svc-%[2]d-%[1]d-errors", "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1, "MetricName": "Errors", "Namespace": "AWS/Lambda", "Period": 300, "Statistic": "Sum", "Threshold": 5,
        "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Fn%[1]d"}}]}
    },
    "Param%[1]d": {
      "Type": "AWS::SSM::Parameter",
      "Properties": {"Name": "/svc-%[2]d/%[1]d/endpoint", "Type": "String", "Value": "https://svc-%[2]d.example.com/%[1]d"}
    }`
