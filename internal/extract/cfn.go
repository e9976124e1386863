package extract

import (
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// isTemplate reports whether root is a CloudFormation template: a map
// whose Resources map holds resources with a Type.
func isTemplate(root *syntax.Node) bool {
	res := root.Get("Resources")
	if res == nil || res.Kind != syntax.KindMap {
		return false
	}
	for _, f := range res.Fields {
		if t := f.Value.Get("Type"); t != nil && t.Kind == syntax.KindString {
			return true
		}
	}
	return false
}

// template walks each resource of a CloudFormation template with the
// resource's logical ID, type and CDK path as the origin.
func (e *extractor) template(root *syntax.Node) {
	e.push("Resources")
	defer e.pop()
	for _, f := range root.Get("Resources").Fields {
		res := f.Value
		if res.Kind != syntax.KindMap {
			e.warn(res, "resource %s must be an object, not %s", f.Key.Text, res.Describe())
			continue
		}
		if props := res.Get("Properties"); props != nil && props.Kind != syntax.KindMap {
			e.warn(props, "Properties of %s must be an object, not %s", f.Key.Text, props.Describe())
			continue
		}
		origin := iam.Origin{
			Resource:     f.Key.Text,
			ResourceType: res.Get("Type").ScalarText(),
			CDKPath:      res.Get("Metadata").Get("aws:cdk:path").ScalarText(),
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
