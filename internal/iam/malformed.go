package iam

import (
	"fmt"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// Malformed returns why IAM would refuse to store the policy, each at its
// place in the file: an unknown condition operator. Such a policy grants
// nothing, so it is a warning, never a finding.
func Malformed(p *Policy) []source.Diagnostic {
	if p == nil {
		return nil
	}
	var out []source.Diagnostic
	seen := map[int]bool{}
	for i := range p.Statements {
		for _, c := range p.Statements[i].Conditions {
			if _, ok := parseOperator(c.Operator); ok || seen[c.At] {
				continue
			}
			seen[c.At] = true
			out = append(out, source.Diagnostic{Offset: c.At,
				Msg: fmt.Sprintf("unknown condition operator %s: IAM rejects this policy", c.Operator)})
		}
	}
	return out
}

// malformedStatements marks the statements with an unknown condition
// operator. One read a single way makes the whole policy malformed; one
// that is a reading of its place removes only that reading.
func malformedStatements(p *Policy) []bool {
	var out []bool
	for i := range p.Statements {
		for _, c := range p.Statements[i].Conditions {
			if _, ok := parseOperator(c.Operator); !ok {
				if out == nil {
					out = make([]bool, len(p.Statements))
				}
				out[i] = true
				break
			}
		}
	}
	return out
}

// isMalformed reads the result of malformedStatements.
func isMalformed(marks []bool, i int) bool { return marks != nil && marks[i] }
