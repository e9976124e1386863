package extract

import (
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// serverless reads the IAM statements of a Serverless Framework file:
// provider.iam.role.statements, or the older provider.iamRoleStatements.
func (e *extractor) serverless(root *syntax.Node) bool {
	provider := root.Get("provider")
	for _, path := range [][]string{{"iam", "role", "statements"}, {"iamRoleStatements"}} {
		n := provider
		for _, key := range path {
			n = n.Get(key)
		}
		if n != nil && n.Kind == syntax.KindList {
			e.push("provider")
			for _, key := range path {
				e.push(key)
			}
			e.policy(n.Items, iam.Origin{})
			e.path = e.path[:len(e.path)-len(path)-1]
			return true
		}
	}
	return false
}
