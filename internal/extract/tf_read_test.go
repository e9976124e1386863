package extract

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

// compareWithHCLSyntax checks readConfig against hclsyntax on data, and
// reports whether readConfig read it (rather than leaving it whole to
// hclsyntax).
func compareWithHCLSyntax(t *testing.T, name string, data []byte) bool {
	t.Helper()
	got := readConfig(data, "main.tf")
	if got == nil {
		return false
	}
	file, diags := hclsyntax.ParseConfig(blankIrrelevantBlocks(data), "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Errorf("%s: readConfig read text that hclsyntax rejects: %v", name, diags)
		return true
	}
	if g, w := dumpSyntax(got), dumpSyntax(file.Body); g != w {
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

// TestReadConfigMatchesHCLSyntax: what the reader reads is hclsyntax's
// tree to the byte, line and column; what it does not read goes to
// hclsyntax, a block alone or the whole file.
func TestReadConfigMatchesHCLSyntax(t *testing.T) {
	policy := func(expr string) string {
		return "resource \"aws_iam_policy\" \"p\" {\n  policy = " + expr + "\n}\n"
	}
	const (
		itself = iota // the reader reads every block
		alone         // a block goes to hclsyntax on its own
		whole         // the file goes to hclsyntax whole
	)
	tests := []struct {
		name, src string
		want      int
	}{
		{"attributes and labels", "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  path = \"/\"\n}\n", itself},
		{"identifier labels", "resource aws_iam_role r {\n  name = \"r\"\n}\n", itself},
		{"nested and one-line blocks", "variable \"a\" { default = 1 }\nvariable \"b\" {}\nvariable \"c\" {\n}\nresource \"aws_iam_role\" \"r\" {\n  inline_policy {\n    name = \"x\"\n  }\n  inline_policy { name = \"y\" }\n  tags {}\n}\n", itself},
		{"jsonencode", policy(`jsonencode({
    Version = "2012-10-17"
    "Statement" : [
      { Effect = "Allow", Action = ["ssm:SendCommand",], Resource = "*" },
      local.read,
    ]
  })`), itself},
		{"templates", policy(`"a${var.b}c${local.d}"`), itself},
		{"one interpolation", policy(`"${local.p}"`), itself},
		{"interpolations only", policy(`"${var.a}${var.b}"`), itself},
		{"interpolation over lines", policy("\"a${\n  var.b\n}c\""), itself},
		{"nested templates", policy(`"x-${lower("${var.a}-y")}"`), itself},
		{"escapes", policy(`"tab\tnl\nq\"bs\\ \u00e9 \U0001F600 $${x} %%{y} $ % $$ 100%"`), itself},
		{"empty string", policy(`""`), itself},
		{"heredoc", policy("<<EOF\n{\n  \"Statement\": [{\"Resource\": \"${var.r}\"}]\n}\nEOF"), itself},
		{"heredoc marker indented", policy("<<EOT\nline\n  EOT"), itself},
		{"heredoc marker followed by spaces (the blanking scan cannot place it)", policy("<<EOT\nline\nEOT  "), whole},
		{"empty heredoc", policy("<<EOF\nEOF"), itself},
		{"heredoc with $${ and %%{", policy("<<EOF\n$${a} %%{b} $ % $$${c}\nEOF"), itself},
		{"heredoc starting with an interpolation", policy("<<EOF\n${var.a}\nmore\nEOF"), itself},
		{"flush heredoc", policy("<<-EOF\n    {\n      \"a\": 1\n\n    }\n   \n    ${var.x} and\n    EOF"), itself},
		{"flush heredoc, interpolation first on a line", policy("<<-EOF\n    a\n${var.x}\n    b\n  EOF"), itself},
		{"flush heredoc, white space before an interpolation", policy("<<-EOF\n      a\n  ${var.x}\n    b\n  EOF"), itself},
		{"flush heredoc, tabs", policy("<<-EOF\n\t\ta\n\tb\n\tEOF"), itself},
		{"heredoc in an interpolation", policy("\"${jsonencode(<<EOF\nx\nEOF\n)}\""), itself},
		{"traversals", policy(`[var.x, a.b[0], a["k"], a[var.k], a.0.b, a[0][1], a[var.k].c, f(x).y, (a).b, a[*].b, a[*].b[0].c, a[*]]`), itself},
		{"calls", policy("[f(), f(a,), f(a, b...), f(\n  a,\n  b\n), g(h(1))]"), itself},
		{"operators", policy(`[a + b * c - d / e % f, a == b && c != d || !e, a < b, a <= b, a > b, a >= b, -a, !a, - - a, (a + b) * c, a - -1]`), itself},
		{"conditionals", policy(`a ? b : c ? d : e`), itself},
		{"conditional over lines in brackets", policy("(\n  a\n  ?\n  b\n  :\n  c\n)"), itself},
		{"numbers", policy(`[0, 1, 1.5, 1e3, 1.5E-3, 2e+2, 007]`), itself},
		{"keywords", policy(`[true, false, null, true.x]`), itself},
		{"object keys", policy("{\n  (var.k) = 1\n  \"q\" = 2\n  a.b = 3\n  c: 4,\n  d = 5, e = 6\n}"), itself},
		{"comments", "# top\n/* block\n comment */ resource \"aws_iam_role\" \"r\" { # after brace\n  // line\n  name = \"r\" # trailing\n  /* inline */ path = /* mid */ \"/\"\n  tags = {\n    a = 1 # in object\n    /* x */\n  }\n  inline_policy {\n  } // after\n} # after block\n", itself},
		{"line comment ends the attribute", policy("\"a\" # comment with é, ü"), itself},
		{"block comment over lines after a value", policy("\"a\" /*\n*/"), itself},
		{"crlf", "resource \"aws_iam_role\" \"r\" {\r\n  name = \"r\"\r\n  policy = <<EOF\r\n{}\r\nEOF\r\n}\r\n", itself},
		{"skipped blocks around", "resource \"aws_instance\" \"i\" {\n  ami = \"é\"\n}\nresource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n", itself},
		{"skipped block on the line after a kept one", "resource \"aws_iam_role\" \"r\" {\n} resource \"aws_vpc\" \"v\" { cidr = \"x\" }\nvariable \"x\" {}\n", itself},
		{"skipped blocks only", "resource \"aws_vpc\" \"v\" {\n  cidr = \"x\"\n}\n", itself},
		{"starts with a skipped block on one line", "resource \"aws_vpc\" \"v\" { cidr = \"x\" }\nvariable \"x\" {}\n", itself},
		{"empty file", "", itself},
		{"no line break at the end", "variable \"x\" {}", itself},
		{"white space after the last block", "variable \"x\" {}\n  \n\t", itself},
		{"last line a comment without line break", "variable \"x\" {}\n# end", itself},
		{"many kinds of block", "terraform {\n  required_version = \">= 1.5\"\n}\nprovider \"aws\" {\n  region = var.region\n}\nlocals {\n  a = 1\n}\noutput \"o\" {\n  value = aws_iam_role.r.arn\n}\nmodule \"m\" {\n  source = \"./m\"\n  policy_statements = {}\n}\n", itself},

		{"for expressions", policy(`[for s in var.l : s if s != ""]`), alone},
		{"for object", policy(`{for k, v in var.m : k => v}`), alone},
		{"template directive", policy(`"%{ if var.a }x%{ endif }"`), alone},
		{"strip markers", policy(`"${~ var.a ~}"`), alone},
		{"attribute-only splat", policy(`a.*.b`), alone},
		{"text that is not ASCII", policy(`"ü"`), alone},
		{"block comment that is not ASCII", policy(`/* ü */ "a"`), alone},
		{"namespaced function", policy(`provider::aws::arn_parse(var.a)`), alone},
		{"legacy index chained", policy(`a.0.1`), whole},

		{"unclosed block", "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n", whole},
		{"missing line break after an attribute", "resource \"aws_iam_role\" \"r\" {\n  name = \"r\" path = \"/\"\n}\n", whole},
		{"attribute twice", "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  name = \"s\"\n}\n", whole},
		{"two kept blocks on a line", "variable \"x\" {\n} variable \"y\" {}\n", whole},
		{"byte-order mark", "\xef\xbb\xbfvariable \"x\" {}\n", whole},
		{"lone carriage return", "variable \"x\" {\r}\n", whole},
		{"broken UTF-8 in a comment", "#\xed0\nvariable \"x\" {}\n", whole},
		{"top-level attribute", "region = \"eu-west-1\"\n", whole},
		{"comment that does not end", "variable \"x\" {}\n/* open\n", whole},
		{"heredoc that does not end", policy("<<EOF\nabc\n"), whole},
		{"bad escape", policy(`"\q"`), whole},
		{"invalid number", policy(`1..2`), whole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.src)
			read := compareWithHCLSyntax(t, tt.name, data)
			got := whole
			if read {
				got = alone
				if readsEveryBlock(data) {
					got = itself
				}
			}
			if got != tt.want {
				t.Errorf("read %s, want %s", []string{"by the reader", "with a block alone", "whole by hclsyntax"}[got], []string{"by the reader", "with a block alone", "whole by hclsyntax"}[tt.want])
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
	for i, seed := range fuzzTerraformSeeds {
		if compareWithHCLSyntax(t, fmt.Sprint("seed ", i), []byte(seed)) {
			read++
		}
	}
	t.Logf("%d of %d files read by the reader", read, len(files)+len(fuzzTerraformSeeds))
	if read < len(files)/2 {
		t.Errorf("the reader read only %d of %d files", read, len(files)+len(fuzzTerraformSeeds))
	}
}

// FuzzReadConfig: whatever the reader reads, it reads as hclsyntax does.
func FuzzReadConfig(f *testing.F) {
	for _, s := range fuzzTerraformSeeds {
		f.Add(s)
	}
	f.Add("resource \"aws_iam_policy\" \"p\" {\n  policy = <<-EOF\n    a ${b}\n  c\n  EOF\n  x = a[*].b ? -1 : !c || d\n}\nresource \"aws_vpc\" \"v\" {}\n")
	f.Fuzz(func(t *testing.T, content string) {
		compareWithHCLSyntax(t, "input", []byte(content))
	})
}
