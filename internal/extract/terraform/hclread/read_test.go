package hclread

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// dumpSyntax prints a syntax tree field by field, every position in full,
// so that two trees print the same exactly when they are the same.
func dumpSyntax(v any) string {
	var b strings.Builder
	var walk func(v reflect.Value, indent string)
	walk = func(v reflect.Value, indent string) {
		if !v.IsValid() {
			b.WriteString("<nil>")
			return
		}
		if v.CanInterface() {
			switch x := v.Interface().(type) {
			case cty.Value:
				b.WriteString(x.GoString())
				return
			case hcl.Pos:
				fmt.Fprintf(&b, "%d:%d@%d", x.Line, x.Column, x.Byte)
				return
			}
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if v.IsNil() {
				b.WriteString("nil")
				return
			}
			if v.Kind() == reflect.Interface {
				fmt.Fprintf(&b, "%s", v.Elem().Type())
			}
			walk(v.Elem(), indent)
		case reflect.Struct:
			fmt.Fprintf(&b, "%s{\n", v.Type())
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				if !f.IsExported() {
					continue
				}
				fmt.Fprintf(&b, "%s  %s: ", indent, f.Name)
				walk(v.Field(i), indent+"  ")
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s}", indent)
		case reflect.Slice:
			if v.IsNil() {
				b.WriteString("nil-slice")
				return
			}
			fmt.Fprintf(&b, "[%d]{\n", v.Len())
			for i := 0; i < v.Len(); i++ {
				fmt.Fprintf(&b, "%s  ", indent)
				walk(v.Index(i), indent+"  ")
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s}", indent)
		case reflect.Map:
			keys := v.MapKeys()
			sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
			fmt.Fprintf(&b, "map[%d]{\n", len(keys))
			for _, k := range keys {
				fmt.Fprintf(&b, "%s  %v: ", indent, k)
				walk(v.MapIndex(k), indent+"  ")
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s}", indent)
		default:
			fmt.Fprintf(&b, "%#v", v.Interface())
		}
	}
	walk(reflect.ValueOf(v), "")
	return b.String()
}

// dumpBlock prints a block as the evaluator sees it: its type, labels and
// range, its attributes (expressions node by node) and blocks.
func dumpBlock(b *Block) string {
	var out strings.Builder
	var walk func(b *Block, indent string)
	walk = func(b *Block, indent string) {
		fmt.Fprintf(&out, "%sblock %q %q %s\n", indent, b.Type, b.Labels, dumpSyntax(b.Range))
		if b.Attrs == nil {
			fmt.Fprintf(&out, "%s  no attributes\n", indent)
		}
		for _, a := range b.Attrs {
			fmt.Fprintf(&out, "%s  %s %s = %s\n", indent, a.Name, dumpSyntax(a.Range), dumpSyntax(a.Expr))
		}
		if b.Blocks == nil {
			fmt.Fprintf(&out, "%s  no blocks\n", indent)
		}
		for _, c := range b.Blocks {
			walk(c, indent+"  ")
		}
	}
	walk(b, "")
	return out.String()
}

// compareWithHCLSyntax checks readConfig against hclsyntax on data, and
// reports whether readConfig read it (rather than leaving it whole to
// hclsyntax).
func compareWithHCLSyntax(t *testing.T, name string, data []byte) bool {
	t.Helper()
	got := readConfig("main.tf", data)
	if got == nil {
		return false
	}
	file, diags := hclsyntax.ParseConfig(blankIrrelevantBlocks(data), "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Errorf("%s: readConfig read text that hclsyntax rejects: %v", name, diags)
		return true
	}
	body := file.Body.(*hclsyntax.Body)
	want := &Block{Range: body.SrcRange}
	fillBlock(want, body)
	if g, w := dumpBlock(got), dumpBlock(want); g != w {
		t.Errorf("%s: syntax trees differ\n%s", name, firstDifference(g, w))
	}
	return true
}

// firstDifference shows the lines around where two dumps part.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			from := max(0, i-8)
			return fmt.Sprintf("readConfig:\n%s\nhclsyntax:\n%s", strings.Join(g[from:min(len(g), i+3)], "\n"), strings.Join(w[from:min(len(w), i+3)], "\n"))
		}
	}
	return fmt.Sprintf("one is longer: %d lines, %d lines", len(g), len(w))
}

// readsEveryBlock reports whether the reader reads every kept block of
// data itself, without handing one to hclsyntax.
func readsEveryBlock(data []byte) (ok bool) {
	blocks, plain := topBlocks(data)
	if !plain {
		return false
	}
	r := &hclReader{data: data, file: "main.tf", line: 1}
	defer func() {
		if v := recover(); v != nil {
			if _, failed := v.(readFailed); !failed {
				panic(v)
			}
			ok = false
		}
	}()
	for _, b := range blocks {
		if b.keep {
			r.moveTo(b.start)
			r.block(true)
		}
	}
	return true
}

// Where readConfig leaves a file's blocks.
const (
	readItself = iota // the reader reads every block
	readAlone         // a block goes to hclsyntax on its own
	readWhole         // the file goes to hclsyntax whole
)

func policyOf(expr string) string {
	return "resource \"aws_iam_policy\" \"p\" {\n  policy = " + expr + "\n}\n"
}

// readConfigCases are the constructs of the reader's tests and the seeds
// of its fuzz target.
var readConfigCases = []struct {
	name, src string
	want      int
}{
	{"attributes and labels", "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  path = \"/\"\n}\n", readItself},
	{"identifier labels", "resource aws_iam_role r {\n  name = \"r\"\n}\n", readItself},
	{"nested and one-line blocks", "variable \"a\" { default = 1 }\nvariable \"b\" {}\nvariable \"c\" {\n}\nresource \"aws_iam_role\" \"r\" {\n  inline_policy {\n    name = \"x\"\n  }\n  inline_policy { name = \"y\" }\n  tags {}\n}\n", readItself},
	{"jsonencode", policyOf(`jsonencode({
    Version = "2012-10-17"
    "Statement" : [
      { Effect = "Allow", Action = ["ssm:SendCommand",], Resource = "*" },
      local.read,
    ]
  })`), readItself},
	{"templates", policyOf(`"a${var.b}c${local.d}"`), readItself},
	{"one interpolation", policyOf(`"${local.p}"`), readItself},
	{"interpolations only", policyOf(`"${var.a}${var.b}"`), readItself},
	{"interpolation over lines", policyOf("\"a${\n  var.b\n}c\""), readItself},
	{"nested templates", policyOf(`"x-${lower("${var.a}-y")}"`), readItself},
	{"escapes", policyOf(`"tab\tnl\nq\"bs\\ \u00e9 \U0001F600 $${x} %%{y} $ % $$ 100%"`), readItself},
	{"empty string", policyOf(`""`), readItself},
	{"heredoc", policyOf("<<EOF\n{\n  \"Statement\": [{\"Resource\": \"${var.r}\"}]\n}\nEOF"), readItself},
	{"heredoc marker indented", policyOf("<<EOT\nline\n  EOT"), readItself},
	{"heredoc marker followed by spaces (the blanking scan cannot place it)", policyOf("<<EOT\nline\nEOT  "), readWhole},
	{"empty heredoc", policyOf("<<EOF\nEOF"), readItself},
	{"heredoc with $${ and %%{", policyOf("<<EOF\n$${a} %%{b} $ % $$${c}\nEOF"), readItself},
	{"heredoc starting with an interpolation", policyOf("<<EOF\n${var.a}\nmore\nEOF"), readItself},
	{"flush heredoc", policyOf("<<-EOF\n    {\n      \"a\": 1\n\n    }\n   \n    ${var.x} and\n    EOF"), readItself},
	{"flush heredoc, interpolation first on a line", policyOf("<<-EOF\n    a\n${var.x}\n    b\n  EOF"), readItself},
	{"flush heredoc, white space before an interpolation", policyOf("<<-EOF\n      a\n  ${var.x}\n    b\n  EOF"), readItself},
	{"flush heredoc, tabs", policyOf("<<-EOF\n\t\ta\n\tb\n\tEOF"), readItself},
	{"heredoc in an interpolation", policyOf("\"${jsonencode(<<EOF\nx\nEOF\n)}\""), readItself},
	{"traversals", policyOf(`[var.x, a.b[0], a["k"], a[var.k], a.0.b, a[0][1], a[var.k].c, f(x).y, (a).b, a[*].b, a[*].b[0].c, a[*]]`), readItself},
	{"calls", policyOf("[f(), f(a,), f(a, b...), f(\n  a,\n  b\n), g(h(1))]"), readItself},
	{"operators", policyOf(`[a + b * c - d / e % f, a == b && c != d || !e, a < b, a <= b, a > b, a >= b, -a, !a, - - a, (a + b) * c, a - -1]`), readItself},
	{"precedence and association", policyOf(`[a || b || c && d == e < f + g * h, a * b + c * d, a - b - c, -a * b, !a == b, a < b == c > d, a % b / c * d, (a || b) && c, a ? b || c : d && e]`), readItself},
	{"operators across lines in brackets", policyOf("(\n  a\n  +\n  b *\n  c\n)"), readItself},
	{"conditionals", policyOf(`a ? b : c ? d : e`), readItself},
	{"conditional over lines in brackets", policyOf("(\n  a\n  ?\n  b\n  :\n  c\n)"), readItself},
	{"numbers", policyOf(`[0, 1, 1.5, 1e3, 1.5E-3, 2e+2, 007]`), readItself},
	{"keywords", policyOf(`[true, false, null, true.x]`), readItself},
	{"object keys", policyOf("{\n  (var.k) = 1\n  \"q\" = 2\n  a.b = 3\n  c: 4,\n  d = 5, e = 6\n}"), readItself},
	{"comments", "# top\n/* block\n comment */ resource \"aws_iam_role\" \"r\" { # after brace\n  // line\n  name = \"r\" # trailing\n  /* inline */ path = /* mid */ \"/\"\n  tags = {\n    a = 1 # in object\n    /* x */\n  }\n  inline_policy {\n  } // after\n} # after block\n", readItself},
	{"line comment ends the attribute", policyOf("\"a\" # comment with é, ü"), readItself},
	{"block comment over lines after a value", policyOf("\"a\" /*\n*/"), readItself},
	{"crlf", "resource \"aws_iam_role\" \"r\" {\r\n  name = \"r\"\r\n  policy = <<EOF\r\n{}\r\nEOF\r\n}\r\n", readItself},
	{"skipped blocks around", "resource \"aws_instance\" \"i\" {\n  ami = \"é\"\n}\nresource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n", readItself},
	{"skipped block on the line after a kept one", "resource \"aws_iam_role\" \"r\" {\n} resource \"aws_vpc\" \"v\" { cidr = \"x\" }\nvariable \"x\" {}\n", readItself},
	{"skipped blocks only", "resource \"aws_vpc\" \"v\" {\n  cidr = \"x\"\n}\n", readItself},
	{"starts with a skipped block on one line", "resource \"aws_vpc\" \"v\" { cidr = \"x\" }\nvariable \"x\" {}\n", readItself},
	{"empty file", "", readItself},
	{"no line break at the end", "variable \"x\" {}", readItself},
	{"white space after the last block", "variable \"x\" {}\n  \n\t", readItself},
	{"last line a comment without line break", "variable \"x\" {}\n# end", readItself},
	{"many kinds of block", "terraform {\n  required_version = \">= 1.5\"\n}\nprovider \"aws\" {\n  region = var.region\n}\nlocals {\n  a = 1\n}\noutput \"o\" {\n  value = aws_iam_role.r.arn\n}\nmodule \"m\" {\n  source = \"./m\"\n  policy_statements = {}\n}\n", readItself},

	{"for expressions", policyOf(`[for s in var.l : s if s != ""]`), readItself},
	{"for object", policyOf(`{for k, v in var.m : k => v}`), readItself},
	{"for object grouped", policyOf(`{ for i, v in var.l : v.name => v.arn... if v.enabled }`), readItself},
	{"for over lines", policyOf("[\n  for k, v in merge(var.a, {\n    x = 1\n  }) :\n  \"${k}=${v}\"\n  if k != \"y\"\n]"), readItself},
	{"for with a conditional over the collection", policyOf(`[for x in var.c ? var.a : var.b : x]`), readItself},
	{"nested for", policyOf(`flatten([for g in var.groups : [for u in g.users : "${g.name}/${u}"]])`), readItself},
	{"for named like a keyword", policyOf(`[for in in var.l : in]`), readItself},
	{"for with a key in a list", policyOf(`[for k, v in var.m : k => v]`), readWhole},
	{"for grouped in a list", policyOf(`[for v in var.l : v...]`), readWhole},
	{"for without a key in an object", policyOf(`{for v in var.l : v}`), readWhole},
	{"for without in", policyOf(`[for v of var.l : v]`), readWhole},
	{"template directive", policyOf(`"%{ if var.a }x%{ endif }"`), readAlone},
	{"strip markers", policyOf(`"${~ var.a ~}"`), readAlone},
	{"attribute-only splat", policyOf(`a.*.b`), readAlone},
	{"text that is not ASCII", policyOf(`"ü"`), readAlone},
	{"block comment that is not ASCII", policyOf(`/* ü */ "a"`), readAlone},
	{"namespaced function", policyOf(`provider::aws::arn_parse(var.a)`), readAlone},
	{"legacy index chained", policyOf(`a.0.1`), readWhole},

	{"unclosed block", "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n", readWhole},
	{"missing line break after an attribute", "resource \"aws_iam_role\" \"r\" {\n  name = \"r\" path = \"/\"\n}\n", readWhole},
	{"attribute twice", "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  name = \"s\"\n}\n", readWhole},
	{"two kept blocks on a line", "variable \"x\" {\n} variable \"y\" {}\n", readWhole},
	{"byte-order mark", "\xef\xbb\xbfvariable \"x\" {}\n", readWhole},
	{"lone carriage return", "variable \"x\" {\r}\n", readWhole},
	{"broken UTF-8 in a comment", "#\xed0\nvariable \"x\" {}\n", readWhole},
	{"top-level attribute", "region = \"eu-west-1\"\n", readWhole},
	{"comment that does not end", "variable \"x\" {}\n/* open\n", readWhole},
	{"heredoc that does not end", policyOf("<<EOF\nabc\n"), readWhole},
	{"bad escape", policyOf(`"\q"`), readWhole},
	{"invalid number", policyOf(`1..2`), readWhole},
}

// TestReadConfigMatchesHCLSyntax: what the reader reads is what hclsyntax
// gives, to the byte, line and column: the blocks as fillBlock makes them
// of hclsyntax's body, the expressions hclsyntax's nodes; what it does not
// read goes to hclsyntax, a block alone or the whole file.
func TestReadConfigMatchesHCLSyntax(t *testing.T) {
	how := []string{"by the reader", "with a block alone", "whole by hclsyntax"}
	for _, tt := range readConfigCases {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.src)
			read := compareWithHCLSyntax(t, tt.name, data)
			got := readWhole
			if read {
				got = readAlone
				if readsEveryBlock(data) {
					got = readItself
				}
			}
			if got != tt.want {
				t.Errorf("read %s, want %s", how[got], how[tt.want])
			}
		})
	}
}

// TestReadConfigFixtures compares the two readings on every Terraform
// file of the repository and the corpus, and holds the reader to reading
// most of them itself.
func TestReadConfigFixtures(t *testing.T) {
	var files []string
	for _, top := range []string{filepath.Join(testkit.RepoRoot(t), "testdata"), filepath.Join(testkit.SharedDir(t), "corpus", "realworld")} {
		filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && (strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".hcl")) {
				files = append(files, p)
			}
			return nil
		})
	}
	read := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if compareWithHCLSyntax(t, p, data) {
			read++
		}
	}
	for i, seed := range testkit.TerraformSeeds {
		if compareWithHCLSyntax(t, fmt.Sprint("seed ", i), []byte(seed)) {
			read++
		}
	}
	t.Logf("%d of %d files read by the reader", read, len(files)+len(testkit.TerraformSeeds))
	if read < len(files)/2 {
		t.Errorf("the reader read only %d of %d files", read, len(files)+len(testkit.TerraformSeeds))
	}
}

// FuzzReadConfig: whatever the reader reads, it reads as hclsyntax does.
func FuzzReadConfig(f *testing.F) {
	for _, s := range testkit.TerraformSeeds {
		f.Add(s)
	}
	for _, c := range readConfigCases {
		f.Add(c.src)
	}
	f.Add("resource \"aws_iam_policy\" \"p\" {\n  policy = <<-EOF\n    a ${b}\n  c\n  EOF\n  x = a[*].b ? -1 : !c || d\n}\nresource \"aws_vpc\" \"v\" {}\n")
	f.Fuzz(func(t *testing.T, content string) {
		compareWithHCLSyntax(t, "input", []byte(content))
	})
}
