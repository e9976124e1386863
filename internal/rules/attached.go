package rules

import (
	"fmt"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam/managed"
)

// attached reports each attachment of an AWS managed policy that grants
// what the pass's rule flags, at the place the file names the policy.
// The finding's origin is the principal that gets the policy, with the
// policy's name, so that an exemption's policies selector matches it.
func attached(p *Pass) {
	for _, a := range p.Attachments {
		policy := managed.Find(a.Policy)
		if policy == nil {
			continue
		}
		grants := policy.For(p.Rule.ID)
		if len(grants) == 0 {
			continue
		}
		msg := fmt.Sprintf("attaches AWS managed policy %s, which grants %s", policy.Name, grants[0].What)
		switch more := len(grants) - 1; {
		case more == 1:
			msg += " (and in 1 more statement)"
		case more > 1:
			msg += fmt.Sprintf(" (and in %d more statements)", more)
		}
		origin := p.Origin
		origin.PolicyName = policy.Name
		p.Report(Finding{
			Rule:     p.Rule,
			RuleID:   p.Rule.ID,
			Severity: p.Rule.Severity,
			File:     p.File,
			Span:     a.Span,
			Message:  msg + defaultsNote(a.Policy.Defaults),
			Origin:   origin,
		})
	}
}
