package extract

import (
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// serverless reads a Serverless Framework file: the statements of the
// provider's role (provider.iam.role.statements, or the older
// provider.iamRoleStatements), each function's own role
// (functions.NAME.iamRoleStatements, from serverless-iam-roles-per-function),
// and the CloudFormation resources under resources.Resources. What the
// framework deploys is read after it resolves ${self:...} references
// within the file, as the framework does first.
func (e *extractor) serverless(root *syntax.Node) bool {
	provider := root.Get("provider")
	statements, path := providerStatements(provider)
	if statements == nil && !(provider != nil && provider.Kind == syntax.KindMap && (root.Get("service") != nil || root.Get("functions") != nil)) {
		return false
	}
	self := selfResolver{root: root}
	if statements != nil {
		e.statementList(self.resolve(statements), path)
	}
	functions := root.Get("functions")
	if functions != nil && functions.Kind == syntax.KindMap {
		for _, f := range functions.Fields {
			if st := f.Value.Get("iamRoleStatements"); st != nil && st.Kind == syntax.KindList {
				e.statementList(self.resolve(st), []string{"functions", f.Key.Text, "iamRoleStatements"})
			}
		}
	}
	if resources := root.Get("resources"); resources != nil {
		e.push("resources")
		for i, fragment := range resources.List() {
			if resources.Kind == syntax.KindList {
				e.push(indexSegment(i))
			}
			if isTemplate(fragment) {
				e.template(self.resolve(fragment))
			}
			if resources.Kind == syntax.KindList {
				e.pop()
			}
		}
		e.pop()
	}
	return true
}

// providerStatements returns the list of the provider role's statements
// and where it is.
func providerStatements(provider *syntax.Node) (*syntax.Node, []string) {
	for _, path := range [][]string{{"iam", "role", "statements"}, {"iamRoleStatements"}} {
		n := provider
		for _, key := range path {
			n = n.Get(key)
		}
		if n != nil && n.Kind == syntax.KindList {
			return n, append([]string{"provider"}, path...)
		}
	}
	return nil, nil
}

// statementList records a list of statements as one policy, at path.
func (e *extractor) statementList(list *syntax.Node, path []string) {
	for _, key := range path {
		e.push(key)
	}
	outer := e.enter(list)
	e.policy(list.Items, iam.Origin{})
	e.leave(outer)
	e.path = e.path[:len(e.path)-len(path)]
}
