package hclread

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestSkippedBlocks: of a module's top-level blocks, only resources and
// data sources outside IAM and IAM Identity Center are left unread, by the
// reader and by hclsyntax on the blanked file alike; policies, managed
// policy attachments, the principals they attach to, variables and
// locals are all read.
func TestSkippedBlocks(t *testing.T) {
	src := `variable "users" {}
locals {
  arn = "arn:aws:iam::aws:policy/AmazonSSMFullAccess"
}
resource "aws_iam_role" "ops" {
  name                = "ops"
  managed_policy_arns = [local.arn]
}
resource "aws_iam_user" "u" {
  name = "u"
}
resource "aws_iam_group" "g" {
  name = "g"
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.ops.name
  policy_arn = data.aws_iam_policy.ssm.arn
}
resource "aws_iam_user_policy_attachment" "b" {
  user       = aws_iam_user.u.name
  policy_arn = local.arn
}
resource "aws_iam_group_policy_attachment" "c" {
  group      = aws_iam_group.g.name
  policy_arn = local.arn
}
resource "aws_iam_policy_attachment" "d" {
  name       = "d"
  users      = var.users
  policy_arn = local.arn
}
data "aws_iam_policy" "ssm" {
  name = "AmazonSSMFullAccess"
}
resource "aws_ssoadmin_permission_set" "ps" {
  name = "ops"
}
resource "aws_ssoadmin_managed_policy_attachment" "e" {
  permission_set_arn = aws_ssoadmin_permission_set.ps.arn
  managed_policy_arn = local.arn
}
resource "aws_instance" "web" {
  ami = "ami-1"
}
data "aws_ami" "al2" {
  owners = ["amazon"]
}
module "m" {
  source = "./m"
}
output "o" {
  value = aws_iam_role.ops.arn
}
`
	want := []string{
		"variable users", "locals", "resource aws_iam_role ops", "resource aws_iam_user u", "resource aws_iam_group g",
		"resource aws_iam_role_policy_attachment a", "resource aws_iam_user_policy_attachment b",
		"resource aws_iam_group_policy_attachment c", "resource aws_iam_policy_attachment d", "data aws_iam_policy ssm",
		"resource aws_ssoadmin_permission_set ps", "resource aws_ssoadmin_managed_policy_attachment e", "module m", "output o",
	}
	names := func(top *Block) []string {
		var out []string
		for _, b := range top.Blocks {
			out = append(out, strings.Join(append([]string{b.Type}, b.Labels...), " "))
		}
		return out
	}
	read := readConfig("main.tf", []byte(src))
	if read == nil {
		t.Fatal("readConfig left the file to hclsyntax")
	}
	if got := names(read); !slices.Equal(got, want) {
		t.Errorf("readConfig reads %q, want %q", got, want)
	}
	file, diags := hclsyntax.ParseConfig(blankIrrelevantBlocks([]byte(src)), "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	parsed := &Block{}
	fillBlock(parsed, file.Body.(*hclsyntax.Body))
	if got := names(parsed); !slices.Equal(got, want) {
		t.Errorf("hclsyntax reads %q of the blanked file, want %q", got, want)
	}
}
