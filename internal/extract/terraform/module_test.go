package terraform

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hcleval"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// resourceValue evaluates expr as the Resource of a policy in a module
// with the given extra declarations, and renders the values the rules
// see: literal text with each unknown as {name:kind}.
func resourceValue(t *testing.T, decls, expr string) string {
	t.Helper()
	src := decls + "\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"ssm:SendCommand\", Resource = " + expr + " }] })\n}\n"
	res := Extract([]ModuleFile{{Name: "main.tf", Data: []byte(src)}}, nil)
	if len(res.Docs) != 1 {
		t.Fatalf("%s: %d documents, warnings %v", expr, len(res.Docs), res.Warnings)
	}
	var out []string
	for _, v := range res.Docs[0].Policy.Statements[0].Resource {
		out = append(out, renderValue(v))
	}
	return strings.Join(out, " | ")
}

func renderValue(v iam.Value) string {
	kinds := map[iam.UnknownKind]string{iam.UnknownPlace: "place", iam.UnknownSpecific: "specific", iam.UnknownAny: "any"}
	var b strings.Builder
	at := 0
	for _, u := range v.Unknowns {
		b.WriteString(v.Text[at:u.At])
		fmt.Fprintf(&b, "{%s:%s}", u.Name, kinds[u.Kind])
		at = u.At
	}
	b.WriteString(v.Text[at:])
	return b.String()
}

// TestTerraformEvaluation shows what the evaluator resolves and what it
// keeps as unknown, and of which kind.
func TestTerraformEvaluation(t *testing.T) {
	decls := `
variable "region" { default = "eu-west-1" }
variable "arns" {}
variable "envs" { default = { prod = "p", dev = "d" } }
locals {
  account = "111122223333"
  arns    = ["arn:aws:ec2:*:${local.account}:instance/*"]
  tags    = { team = "ops" }
}
data "aws_caller_identity" "current" {}
`
	tests := []struct{ name, expr, want string }{
		{"literal", `"*"`, "*"},
		{"variable default and local", `"arn:aws:ec2:${var.region}:${local.account}:instance/*"`, "arn:aws:ec2:eu-west-1:111122223333:instance/*"},
		{"data source: one specific value", `"arn:aws:ec2:${var.region}:${data.aws_caller_identity.current.account_id}:instance/*"`, "arn:aws:ec2:eu-west-1:{data.aws_caller_identity.current.account_id:specific}:instance/*"},
		{"resource attribute", `aws_instance.web.arn`, "{aws_instance.web.arn:specific}"},
		{"module output", `module.fleet.instance_arns`, "{module.fleet.instance_arns:specific}"},
		{"variable without a value", `var.arns`, "{var.arns:any}"},
		{"inside a string", `"arn:aws:ec2:*:*:instance/${var.arns[0]}"`, "arn:aws:ec2:*:*:instance/{var.arns[0]:any}"},
		{"concat keeps both", `concat(local.arns, ["arn:aws:ssm:*:*:managed-instance/*"])`, "arn:aws:ec2:*:111122223333:instance/* | arn:aws:ssm:*:*:managed-instance/*"},
		{"concat with an unknown", `concat(local.arns, var.arns)`, "arn:aws:ec2:*:111122223333:instance/* | {var.arns:any}"},
		{"for over a map", `[for k, v in var.envs : "arn:aws:ec2:*:*:instance/${v}"]`, "arn:aws:ec2:*:*:instance/d | arn:aws:ec2:*:*:instance/p"},
		{"for over an unknown: the body once", `[for a in var.arns : "${a}/x"]`, "{var.arns:any}/x"},
		{"conditional on a known value", `var.region == "eu-west-1" ? "*" : "x"`, "*"},
		{"conditional on an unknown: both branches", `length(var.arns) > 0 ? var.arns : ["*"]`, "{var.arns:any} | *"},
		{"stdlib function", `format("arn:aws:ec2:%s:%s:instance/*", upper("x"), lower("Y"))`, "arn:aws:ec2:X:y:instance/*"},
		{"stdlib function on an unknown", `format("%s", var.arns[0])`, `{format("%s", var.arns[0]):any}`},
		{"unsupported function", `base64decode("Kg==")`, `{base64decode("Kg=="):any}`},
		{"try moves on from an error", `try(local.tags.missing, "fallback")`, "fallback"},
		{"try keeps a value", `try(local.tags.team, "fallback")`, "ops"},
		{"can", `can(local.tags.missing) ? "yes" : "no"`, "no"},
		{"merge and lookup", `lookup(merge(local.tags, { env = "dev" }), "env", "none")`, "dev"},
		{"one", `one(["only"])`, "only"},
		{"startswith", `startswith(var.region, "eu") ? "eu" : "other"`, "eu"},
		{"alltrue", `alltrue([true, var.region != ""]) ? "all" : "not"`, "all"},
		{"tostring", `tostring(42)`, "42"},
		{"jsondecode of jsonencode", `jsondecode(jsonencode(local.arns))`, "arn:aws:ec2:*:111122223333:instance/*"},
		{"splat over a known list", `[{ a = "x" }, { a = "y" }][*].a`, "x | y"},
		{"path.module", `"${path.module}/x"`, "./x"},
		{"terraform.workspace", `"arn:${terraform.workspace}"`, "arn:{terraform.workspace:specific}"},
		{"literal $${}", `"arn:aws:ssm:*:*:session/$${aws:username}-*"`, "arn:aws:ssm:*:*:session/${aws:username}-*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resourceValue(t, decls, tt.expr); got != tt.want {
				t.Errorf("Resource = %s:\n got %s\nwant %s", tt.expr, got, tt.want)
			}
		})
	}
}

// TestTerraformPolicyDocumentMerge follows the provider's merge by sid.
func TestTerraformPolicyDocumentMerge(t *testing.T) {
	src := `
data "aws_iam_policy_document" "a" {
  statement {
    sid       = "One"
    actions   = ["ssm:SendCommand"]
    resources = ["a"]
  }
  statement {
    actions   = ["ssm:SendCommand"]
    resources = ["b"]
  }
}
data "aws_iam_policy_document" "b" {
  source_policy_documents = [data.aws_iam_policy_document.a.json]
  statement {
    sid       = "One"
    actions   = ["ssm:SendCommand"]
    resources = ["c"]
  }
  override_policy_documents = [jsonencode({ Statement = [{ Sid = "Two", Effect = "Allow", Action = "x:Y", Resource = "d" }] })]
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.b.json
}
`
	res := Extract([]ModuleFile{{Name: "main.tf", Data: []byte(src)}}, nil)
	if len(res.Docs) != 1 {
		t.Fatalf("%d documents, want the resource's only (a and b are read through it)", len(res.Docs))
	}
	var got []string
	for _, st := range res.Docs[0].Policy.Statements {
		got = append(got, fmt.Sprintf("%s:%s@%d", st.Sid, st.Resource[0].Text, st.Span.Start.Line))
	}
	want := "One:c@15 :b@8 Two:d@20"
	if strings.Join(got, " ") != want {
		t.Errorf("statements %q, want %q", strings.Join(got, " "), want)
	}
}

// TestTerraformPrefilterKeepsEveryFixture proves the Terraform pre-filter
// on every Terraform input the repository and the corpus have: a module
// in which the reader finds a policy has a file the filter lets through.
func TestTerraformPrefilterKeepsEveryFixture(t *testing.T) {
	modules := map[string][]ModuleFile{}
	add := func(p string) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Dir(p)
		if strings.HasSuffix(p, ".hcl") {
			dir = p
		}
		modules[dir] = append(modules[dir], ModuleFile{Name: filepath.ToSlash(p), Data: data})
	}
	root := testkit.RepoRoot(t)
	walk := func(top string) {
		filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && Is(d.Name()) {
				add(p)
			}
			return nil
		})
	}
	walk(filepath.Join(root, "testdata"))
	walk(filepath.Join(testkit.SharedDir(t), "corpus", "realworld"))
	for _, seed := range testkit.TerraformSeeds {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "main.tf"), []byte(seed), 0o644)
		add(filepath.Join(dir, "main.tf"))
	}
	dirs := make([]string, 0, len(modules))
	for d := range modules {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	holding := 0
	for _, dir := range dirs {
		files := modules[dir]
		read := func(rel string) (string, []byte, error) {
			p := path.Join(filepath.ToSlash(dir), rel)
			data, err := os.ReadFile(filepath.FromSlash(p))
			return p, data, err
		}
		if len(Extract(files, read).Docs) == 0 {
			continue
		}
		holding++
		may := false
		for _, f := range files {
			may = may || MayHoldPolicy(f.Name, f.Data)
		}
		if !may {
			t.Errorf("%s holds a policy but MayHoldPolicy skips every file of it", dir)
		}
	}
	t.Logf("checked %d modules, %d hold a policy", len(dirs), holding)
	if holding < 10 {
		t.Errorf("only %d modules hold a policy: the walk missed the fixtures", holding)
	}
	for _, tt := range []struct{ name, content string }{
		{"network.tf", "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n"},
		{"ec2.tf", "resource \"aws_instance\" \"web\" {\n  user_data = file(\"init.sh\")\n  iam_instance_profile = \"web\"\n}\n"},
		{"terragrunt.hcl", "include {\n  path = find_in_parent_folders()\n}\n"},
		{"terraform.tfvars", "region = \"eu-west-1\"\n"},
	} {
		if MayHoldPolicy(tt.name, []byte(tt.content)) {
			t.Errorf("MayHoldPolicy lets %s through: nothing there is a policy", tt.name)
		}
	}
}

// FuzzExtractTerraform reads any text as a .tf file: no panic, no hang,
// and every statement place inside the file.
func FuzzExtractTerraform(f *testing.F) {
	for _, s := range testkit.TerraformSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		read := func(rel string) (string, []byte, error) { return rel, []byte(content), nil }
		res := Extract([]ModuleFile{{Name: "main.tf", Data: []byte(content)}}, read)
		for _, d := range res.Docs {
			for _, st := range d.Policy.Statements {
				if st.Span.Start.Line < 0 || st.Span.End.Line < st.Span.Start.Line {
					t.Fatalf("bad span %+v", st.Span)
				}
			}
		}
	})
}

// FuzzTerraformEval evaluates any expression as a policy's Resource, and
// any text as JSON with holes.
func FuzzTerraformEval(f *testing.F) {
	for _, e := range []string{`"*"`, `var.x`, `concat(["a"], local.l)`, `[for a in var.l : "${a}"]`, `{ a = 1 }[var.k]`, `format("%s-%d", "a", 1)`, `jsondecode("{\"a\": [1, 2]}")`, `try(x.y, 1)`, `!!true ? 1 : 2`} {
		f.Add(e)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		src := "locals {\n  l = [\"x\"]\n}\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"ssm:SendCommand\", Resource = " + expr + " }] })\n}\n"
		Extract([]ModuleFile{{Name: "main.tf", Data: []byte(src)}}, nil)
		hcleval.DecodeJSON([]hcleval.StringPart{{Text: expr}, {Hole: &hcleval.Hole{Name: "h", Kind: iam.UnknownAny}}, {Text: expr}})
	})
}
