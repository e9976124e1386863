package extract

import (
	"strconv"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
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

// attachingTypes are the resources that attach managed policies to the
// principal they are, by the property named.
var attachingTypes = map[string]string{
	"AWS::IAM::Role":          "ManagedPolicyArns",
	"AWS::IAM::User":          "ManagedPolicyArns",
	"AWS::IAM::Group":         "ManagedPolicyArns",
	"AWS::SSO::PermissionSet": "ManagedPolicies",
}

// template walks each resource of a CloudFormation template with the
// resource's logical ID, type and CDK path as the origin, and reads the
// managed policies it attaches.
func (e *extractor) template(root *syntax.Node) {
	e.stack = &stack{parameters: root.Get("Parameters"), mappings: root.Get("Mappings")}
	e.push("Resources")
	defer func() {
		e.pop()
		e.stack = nil
	}()
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
			e.attachments(props.Get("Policies"), origin, "Policies")
		}
		if key := attachingTypes[origin.ResourceType]; key != "" && props != nil {
			e.attachments(props.Get(key), namedOrigin(props, origin), key)
		}
		e.walk(props, origin, 0)
		e.holder = nil
		e.pop()
		e.pop()
	}
}

// intrinsicPolicy reads a policy that an intrinsic function writes as a
// JSON string: the template of a Fn::Sub, or, as a PolicyDocument or
// InlinePolicy, a Fn::Join of JSON pieces or a Ref to a parameter whose
// Default holds it. It reports whether the intrinsic was such a policy
// (a Fn::Sub always is taken as one: its template is read as a string).
func (e *extractor) intrinsicPolicy(name string, arg *syntax.Node, origin iam.Origin) bool {
	if name == "Fn::Sub" {
		e.push(name)
		e.subTemplate(arg, origin)
		e.pop()
		return true
	}
	if len(e.path) == 0 || !isPolicyKey(e.path[len(e.path)-1]) {
		return false
	}
	switch name {
	case "Fn::Join":
		return e.joinedPolicy(arg, origin)
	case "Ref":
		return e.parameterPolicy(arg, origin)
	}
	return false
}

// parameterPolicy reads the policy a String parameter's Default holds:
// the document the stack is deployed with unless it is given another.
// Every value of it is read with the default (resolver.from), so each
// finding says so.
func (e *extractor) parameterPolicy(arg *syntax.Node, origin iam.Origin) bool {
	if e.stack == nil || !arg.IsScalar() {
		return false
	}
	p := e.stack.parameters.Get(arg.Text)
	def := p.Get("Default")
	if p.Get("Type").ScalarText() != "String" || def == nil || def.Kind != syntax.KindString ||
		!strings.HasPrefix(strings.TrimSpace(def.Text), "{") {
		return false
	}
	saved := e.from
	e.from = "parameter " + arg.Text
	e.embedded(def, origin, nil)
	e.from = saved
	return true
}

// joinedPolicy reads a policy that Fn::Join [delimiter, parts] writes as a
// JSON string. Its string parts are the JSON, mapped back to where they
// stand in the file; every other part becomes a ${...} reference bound to
// that part, so the walk resolves it where it stands, as in a Fn::Sub
// (and a literal "${" stays literal: Fn::Join substitutes nothing).
func (e *extractor) joinedPolicy(arg *syntax.Node, origin iam.Origin) bool {
	if arg.Kind != syntax.KindList || len(arg.Items) != 2 || arg.Items[0].Kind != syntax.KindString || arg.Items[1].Kind != syntax.KindList ||
		!startsObject(arg.Items[1].Items) {
		return false
	}
	delim := arg.Items[0]
	var text strings.Builder
	var offsets source.OffsetMap
	literal := func(n *syntax.Node) {
		at := source.AlignOffsets(n.Text, e.src.Data, n.Start, n.End)
		for i := 0; i < len(n.Text); i++ {
			text.WriteByte(n.Text[i])
			offsets = append(offsets, at[i])
			if n.Text[i] == '$' && i+1 < len(n.Text) && n.Text[i+1] == '{' {
				text.WriteString("{!")
				offsets = append(offsets, at[i+1], at[i+1])
				i++
			}
		}
	}
	vars := &syntax.Node{Kind: syntax.KindMap}
	for i, part := range arg.Items[1].Items {
		if i > 0 {
			literal(delim)
		}
		if part.Kind == syntax.KindString {
			literal(part)
			continue
		}
		name := "Fn::Join part " + strconv.Itoa(i+1)
		vars.Fields = append(vars.Fields, syntax.Field{Key: &syntax.Node{Kind: syntax.KindString, Text: name}, Value: part})
		ref := "${" + name + "}"
		text.WriteString(ref)
		for range ref {
			offsets = append(offsets, part.Start)
		}
	}
	offsets = append(offsets, arg.End)
	joined := text.String()
	if trimmed := strings.TrimSpace(joined); !strings.HasPrefix(trimmed, "{") || !MayHoldPolicy([]byte(trimmed)) {
		return false
	}
	e.readString(joined, offsets, origin, &substitution{vars: vars})
	return true
}

// startsObject reports whether the first part of a Fn::Join with any text
// is a string that opens a JSON object: the cheap test that keeps the
// Joins of ARNs and names, the common ones, from being built twice.
func startsObject(parts []*syntax.Node) bool {
	for _, p := range parts {
		if p.Kind != syntax.KindString {
			return false
		}
		if text := strings.TrimSpace(p.Text); text != "" {
			return text[0] == '{'
		}
	}
	return false
}
