package rules

import (
	"fmt"
	"strings"
)

// unscoped is the check both guardrails make, each for its own action:
// does an Allow grant the action on every instance with nothing that pins
// the instance, or an attached AWS managed policy grant it (attached.go)?
// The evaluator says where and why; the check words it.
func unscoped(action string) func(*Pass) {
	return func(p *Pass) {
		for _, x := range p.Judge.Evaluate(p.Policy, action) {
			st := &p.Policy.Statements[x.Statement]
			f := Finding{
				Rule:     p.Rule,
				RuleID:   p.Rule.ID,
				Severity: p.Rule.Severity,
				File:     p.StatementFile(x.Statement),
				Span:     st.Span,
				Sid:      st.Sid,
				Origin:   p.Origin,
			}
			switch {
			case len(x.Unresolved) > 0:
				f.Severity = SeverityNote
				f.Message = fmt.Sprintf("could not evaluate %s; if it covers every instance, this statement grants %s on all of them (%s, %s): %s",
					strings.Join(x.Unresolved, ", "), action, x.Action, x.Resource, x.Why)
			case x.Ineffective:
				f.Severity = SeverityNote
				f.Message = fmt.Sprintf("Condition is ineffective for %s (%s, %s): %s", action, x.Action, x.Resource, x.Why)
			default:
				f.Message = fmt.Sprintf("Allow grants %s on all %s (%s, %s): %s", action, x.Families, x.Action, x.Resource, x.Why)
			}
			f.Message += defaultsNote(statementDefaults(st))
			if d := st.Reading.Duplicate; d != "" {
				f.Message += "; reading the duplicate " + d
			}
			if st.Anchor != nil {
				f.Related = []Related{{File: p.File, Span: *st.Anchor, Message: "anchor of the aliased statement"}}
			}
			p.Report(f)
		}
		attached(p)
	}
}
