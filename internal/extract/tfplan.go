package extract

import (
	"fmt"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// A Terraform plan in JSON (terraform show -json) holds each policy
// several times: planned_values, prior_state and configuration repeat
// resource_changes. Policies are read from resource_changes[].change.after
// only, once per address; a policy Terraform will know only after apply
// (after_unknown) is a statement that could not be evaluated.

// TerraformPolicyAttrs are the Terraform attributes that hold an identity policy, by
// resource type.
var TerraformPolicyAttrs = map[string]string{
	"aws_iam_policy":                            "policy",
	"aws_iam_role_policy":                       "policy",
	"aws_iam_user_policy":                       "policy",
	"aws_iam_group_policy":                      "policy",
	"aws_ssoadmin_permission_set_inline_policy": "inline_policy",
}

// isPlan reports whether root is a plan's JSON.
func isPlan(root *syntax.Node) bool {
	rc := root.Get("resource_changes")
	return rc != nil && rc.Kind == syntax.KindList && (root.Get("format_version") != nil || root.Get("terraform_version") != nil)
}

func (e *extractor) plan(root *syntax.Node) {
	seen := map[string]bool{}
	for i, rc := range root.Get("resource_changes").Items {
		address, typ := rc.Get("address").ScalarText(), rc.Get("type").ScalarText()
		if address == "" || seen[address] {
			continue
		}
		seen[address] = true
		change := rc.Get("change")
		after, unknown := change.Get("after"), change.Get("after_unknown")
		origin := iam.Origin{Resource: address, ResourceType: typ, PolicyName: after.Get("name").ScalarText()}
		at := fmt.Sprintf("resource_changes[%d].change.after", i)
		if attr, ok := TerraformPolicyAttrs[typ]; ok {
			e.planPolicy(after.Get(attr), unknown.Get(attr), origin, at+"."+attr, address+"."+attr)
			continue
		}
		if typ != "aws_iam_role" {
			continue
		}
		unknownList := unknown.Get("inline_policy")
		for j, ip := range after.Get("inline_policy").List() {
			o := origin
			o.PolicyName = ip.Get("name").ScalarText()
			var u *syntax.Node
			if unknownList != nil && j < len(unknownList.List()) {
				u = unknownList.List()[j].Get("policy")
			}
			e.planPolicy(ip.Get("policy"), u, o, fmt.Sprintf("%s.inline_policy[%d].policy", at, j), fmt.Sprintf("%s.inline_policy[%d].policy", address, j))
		}
	}
}

// planPolicy reads one policy attribute of a planned resource.
func (e *extractor) planPolicy(policy, unknown *syntax.Node, origin iam.Origin, path, name string) {
	e.path = []string{path}
	defer func() { e.path = nil }()
	switch {
	case policy != nil && policy.Kind == syntax.KindString:
		e.embedded(policy, origin, nil)
	case unknown != nil && unknown.Kind == syntax.KindBool && unknown.Text == "true":
		name += " (known after apply)"
		u := iam.Values{{Unknowns: []iam.Unknown{{Name: name, Kind: iam.UnknownAny}}, Source: "${" + name + "}"}}
		origin.Path = path
		st := iam.Statement{Effect: "Allow", Action: u, Resource: u, Span: unknown.Span(e.src)}
		e.docs = append(e.docs, Document{Policy: iam.Policy{Statements: []iam.Statement{st}}, Origin: origin})
	}
}
