package scan

import "strings"

// isCDKTree reports whether root is a CDK cloud assembly's tree.json: the
// construct tree, whose attributes repeat every resource's properties.
func isCDKTree(root *Node) bool {
	v := root.Get("version")
	t := root.Get("tree")
	return v != nil && v.Kind == KindString && strings.HasPrefix(v.Text, "tree-") && t != nil && t.Kind == KindMap
}

// isTemplate reports whether root is a CloudFormation template: a map
// whose Resources map holds resources with a Type.
func isTemplate(root *Node) bool {
	res := root.Get("Resources")
	if res == nil || res.Kind != KindMap {
		return false
	}
	for _, f := range res.Fields {
		if t := f.Value.Get("Type"); t != nil && t.Kind == KindString {
			return true
		}
	}
	return false
}

// template walks each resource of a CloudFormation template with the
// resource's logical ID, type and CDK path as the origin.
func (e *extractor) template(root *Node) {
	e.push("Resources")
	defer e.pop()
	for _, f := range root.Get("Resources").Fields {
		res := f.Value
		if res.Kind != KindMap {
			e.warn(res, "resource %s must be an object, not %s", f.Key.Text, describeKind(res))
			continue
		}
		if props := res.Get("Properties"); props != nil && props.Kind != KindMap {
			e.warn(props, "Properties of %s must be an object, not %s", f.Key.Text, describeKind(props))
			continue
		}
		origin := Origin{
			Resource:     f.Key.Text,
			ResourceType: scalarText(res.Get("Type")),
			CDKPath:      scalarText(res.Get("Metadata").Get("aws:cdk:path")),
		}
		e.push(f.Key.Text)
		e.push("Properties")
		e.holder = res
		props := res.Get("Properties")
		if samTypes[origin.ResourceType] {
			e.samStatements(props, origin)
		}
		e.walk(props, origin, 0)
		e.holder = nil
		e.pop()
		e.pop()
	}
}

// samTypes are the SAM resources whose Policies list may hold bare
// statements next to documents, policy templates and managed policy names.
var samTypes = map[string]bool{
	"AWS::Serverless::Function":     true,
	"AWS::Serverless::StateMachine": true,
}

// samStatements reads the bare statements (maps with an Effect) of a SAM
// Policies list as one policy; the documents in the list are found by the
// walk, and policy templates and managed policy names grant nothing here.
func (e *extractor) samStatements(props *Node, origin Origin) {
	policies := props.Get("Policies")
	if policies == nil || policies.Kind != KindList {
		return
	}
	var statements []*Node
	for _, item := range policies.Items {
		if item.Get("Effect") != nil {
			statements = append(statements, item)
		}
	}
	if len(statements) > 0 {
		e.push("Policies")
		e.policy(statements, origin)
		e.pop()
	}
}

// serverless reads the IAM statements of a Serverless Framework file:
// provider.iam.role.statements, or the older provider.iamRoleStatements.
func (e *extractor) serverless(root *Node) bool {
	provider := root.Get("provider")
	for _, path := range [][]string{{"iam", "role", "statements"}, {"iamRoleStatements"}} {
		n := provider
		for _, key := range path {
			n = n.Get(key)
		}
		if n != nil && n.Kind == KindList {
			e.push("provider")
			for _, key := range path {
				e.push(key)
			}
			e.policy(n.Items, Origin{})
			e.path = e.path[:len(e.path)-len(path)-1]
			return true
		}
	}
	return false
}
