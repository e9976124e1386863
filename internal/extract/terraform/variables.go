package terraform

import (
	"fmt"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hcleval"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hclread"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
)

// What var.NAME and local.NAME mean in a module, as the evaluator asks
// for them (hcleval.Module).

// tfVariable is a variable the module declares.
type tfVariable struct {
	def *hclread.Attr // the default, if any
	val *hcleval.Value
}

// tfLocal is a local value the module declares.
type tfLocal struct {
	expr  hclsyntax.Expression
	val   *hcleval.Value
	state uint8 // 0 not yet, 1 being evaluated, 2 done
}

// Variable is the value of var.name: from the tfvars, else its default.
func (m *tfModule) Variable(name string) *hcleval.Value {
	v := m.variables[name]
	if v == nil {
		return hcleval.UnknownValue("var."+name, iam.UnknownAny, hcleval.Place{})
	}
	if v.val == nil {
		if tv := m.tfvars[name]; tv != nil {
			v.val = tv
		} else if v.def != nil {
			v.val = m.ev.Scope().Eval(v.def.Expr)
		} else {
			v.val = hcleval.UnknownValue("var."+name, iam.UnknownAny, hcleval.Place{})
		}
	}
	return v.val
}

// Local is the value of local.name, evaluated once; a local that refers
// to itself, through others or not, cannot be evaluated.
func (m *tfModule) Local(name string, at hcleval.Place) *hcleval.Value {
	l := m.locals[name]
	switch {
	case l == nil:
		return hcleval.UnknownValue("local."+name, iam.UnknownAny, at)
	case l.state == 1:
		m.Warn(m.Place(l.expr.Range()), fmt.Sprintf("local.%s refers to itself; it is not evaluated", name))
		return hcleval.UnknownValue("local."+name, iam.UnknownAny, at)
	case l.state == 0:
		l.state = 1
		l.val = m.ev.Scope().Eval(l.expr)
		l.state = 2
	}
	return l.val
}
