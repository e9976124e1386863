package extract

import (
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// samTypes are the SAM resources whose Policies list may hold bare
// statements next to documents, policy templates and managed policy names.
var samTypes = map[string]bool{
	"AWS::Serverless::Function":     true,
	"AWS::Serverless::StateMachine": true,
}

// samStatements reads the bare statements (maps with an Effect) of a SAM
// Policies list as one policy; the documents in the list are found by the
// walk, and policy templates and managed policy names grant nothing here.
func (e *extractor) samStatements(props *syntax.Node, origin iam.Origin) {
	policies := props.Get("Policies")
	if policies == nil || policies.Kind != syntax.KindList {
		return
	}
	var statements []*syntax.Node
	for _, item := range policies.Items {
		if item.Get("Effect") != nil {
			statements = append(statements, item)
		}
	}
	if len(statements) > 0 {
		e.push("Policies")
		defer e.leave(e.enter(policies)) // a list used through an alias is read there
		e.policy(statements, origin)
		e.pop()
	}
}
