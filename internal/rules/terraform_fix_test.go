package rules_test

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// TestTerraformFixes holds each rule's Terraform fix to its JSON fix,
// which TestFixesScanClean scans: the same statements, statement by
// statement. Until the scanner reads Terraform the fix is read here with
// a reader of the few forms it uses (blocks, string and list attributes);
// once ScanFile flags the fix with its tag condition taken out, the
// scanner reads Terraform and the fix itself must scan clean.
// TODO(after the Terraform branch lands): make the scan the only check.
func TestTerraformFixes(t *testing.T) {
	for _, r := range rules.All {
		t.Run(r.ID, func(t *testing.T) {
			got, err := readPolicyDocument(r.Fix.Terraform)
			if err != nil {
				t.Fatalf("Terraform fix: %v", err)
			}
			if want := jsonStatements(t, r.Fix.JSON); !reflect.DeepEqual(got, want) {
				t.Errorf("Terraform fix statements:\n%+v\nJSON fix statements:\n%+v", got, want)
			}
			broken := strings.ReplaceAll(r.Fix.Terraform, `"ssm:resourceTag/team"`, `"aws:PrincipalTag/team"`)
			if res := scan.ScanFile("fix.tf", []byte(broken)); len(res.Findings) == 0 {
				t.Logf("the scanner does not read Terraform yet: checked against the JSON fix only")
				return
			}
			if res := scan.ScanFile("fix.tf", []byte(r.Fix.Terraform)); len(res.Findings)+len(res.Warnings) > 0 {
				t.Errorf("Terraform fix: findings %+v, warnings %+v", res.Findings, res.Warnings)
			}
		})
	}
}

// fixStatement is what the fixes say of a statement, in either format.
type fixStatement struct {
	Sid, Effect        string
	Actions, Resources []string
	Test, Variable     string // the one condition, if any
	Values             []string
}

func jsonStatements(t *testing.T, fix string) []fixStatement {
	t.Helper()
	src := source.NewSource([]byte(fix))
	roots, _, err := syntax.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	docs, _ := extract.Extract(src, roots)
	if len(docs) != 1 {
		t.Fatalf("JSON fix: %d documents", len(docs))
	}
	texts := func(vs iam.Values) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Text)
		}
		return out
	}
	var out []fixStatement
	for _, st := range docs[0].Policy.Statements {
		s := fixStatement{Sid: st.Sid, Effect: st.Effect, Actions: texts(st.Action), Resources: texts(st.Resource)}
		if len(st.Conditions) > 1 {
			t.Fatalf("JSON fix: statement %s has %d conditions; the comparison knows one", st.Sid, len(st.Conditions))
		}
		for _, c := range st.Conditions {
			s.Test, s.Variable, s.Values = c.Operator, c.Key, texts(c.Values)
		}
		out = append(out, s)
	}
	return out
}

// readPolicyDocument reads an aws_iam_policy_document written as the
// fixes write it, one attribute or block edge a line.
func readPolicyDocument(tf string) ([]fixStatement, error) {
	lines := strings.Split(tf, "\n")
	if !strings.HasPrefix(lines[0], `data "aws_iam_policy_document" "`) || !strings.HasSuffix(lines[0], `" {`) || lines[len(lines)-1] != "}" {
		return nil, fmt.Errorf("not one aws_iam_policy_document data source")
	}
	var (
		out   []fixStatement
		block []string // the open blocks inside the data source
	)
	for i := 1; i < len(lines)-1; i++ {
		line := strings.TrimSpace(lines[i])
		switch {
		case line == "":
		case line == "statement {" && len(block) == 0, line == "condition {" && len(block) == 1 && block[0] == "statement":
			block = append(block, strings.TrimSuffix(line, " {"))
			if line == "statement {" {
				out = append(out, fixStatement{})
			}
		case line == "}" && len(block) > 0:
			block = block[:len(block)-1]
		case strings.Contains(line, " = ") && len(block) > 0:
			key, value, _ := strings.Cut(line, " = ")
			key = strings.TrimSpace(key)
			if value == "[" { // a list over several lines, one item a line
				for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "]"; i++ {
					value += strings.TrimSpace(lines[i])
				}
				value += "]"
			}
			if err := setAttribute(&out[len(out)-1], block[len(block)-1], key, value); err != nil {
				return nil, fmt.Errorf("line %d: %v", i+1, err)
			}
		default:
			return nil, fmt.Errorf("line %d: unexpected %q", i+1, line)
		}
	}
	if len(block) > 0 {
		return nil, fmt.Errorf("block %s is not closed", block[len(block)-1])
	}
	return out, nil
}

func setAttribute(s *fixStatement, block, key, value string) error {
	strs, err := hclStrings(value)
	if err != nil {
		return fmt.Errorf("%s: %v", key, err)
	}
	one := func(dst *string) error {
		if len(strs) != 1 || strings.HasPrefix(value, "[") {
			return fmt.Errorf("%s must be a string", key)
		}
		*dst = strs[0]
		return nil
	}
	switch block + "." + key {
	case "statement.sid":
		return one(&s.Sid)
	case "statement.effect":
		return one(&s.Effect)
	case "statement.actions":
		s.Actions = strs
	case "statement.resources":
		s.Resources = strs
	case "condition.test":
		return one(&s.Test)
	case "condition.variable":
		return one(&s.Variable)
	case "condition.values":
		s.Values = strs
	default:
		return fmt.Errorf("unknown attribute %s in %s", key, block)
	}
	return nil
}

// hclStrings reads a quoted string or a list of them (a trailing comma
// allowed); "$${" is Terraform's escape for a literal "${".
func hclStrings(value string) ([]string, error) {
	items := []string{value}
	if inner, ok := strings.CutPrefix(value, "["); ok {
		inner, ok = strings.CutSuffix(inner, "]")
		if !ok {
			return nil, fmt.Errorf("list not closed: %s", value)
		}
		items = strings.Split(strings.TrimSuffix(inner, ","), ",")
	}
	var out []string
	for _, item := range items {
		s, err := strconv.Unquote(strings.TrimSpace(item))
		if err != nil {
			return nil, fmt.Errorf("not a quoted string: %s", item)
		}
		if strings.Contains(strings.ReplaceAll(s, "$${", ""), "${") {
			return nil, fmt.Errorf("%s would be interpolated: write $${", s)
		}
		out = append(out, strings.ReplaceAll(s, "$${", "${"))
	}
	return out, nil
}
