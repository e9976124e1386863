package terraform

import (
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hcleval"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// A Terraform policy, however it is written (jsonencode, heredoc or
// quoted JSON, a policy document, a file), is read from one shape: the
// JSON value of the policy, with places.

// tfStatement is a statement with the place it is written.
type tfStatement struct {
	st iam.Statement
	at hcleval.Place
}

// policyStatements reads the statements of a policy value; at is where
// the policy is given, for what has no place of its own.
func (m *tfModule) policyStatements(v *hcleval.Value, at hcleval.Place, depth int) []tfStatement {
	if depth > syntax.MaxDepth {
		return nil
	}
	switch v.Kind {
	case hcleval.KindString:
		if v.Encodes != nil {
			m.markUsed(v.Encodes)
			return m.policyStatements(v.Encodes, at, depth+1)
		}
		parts := v.StringParts()
		if len(parts) > 0 && parts[0].Hole == nil {
			if text := strings.TrimSpace(parts[0].Text); text != "" && !strings.HasPrefix(text, "{") {
				return nil // an ARN or a name, not a policy document
			}
		}
		doc, err := hcleval.DecodeJSON(parts)
		if err != nil {
			m.Warn(err.At.Or(at), "policy is not valid JSON: "+err.Msg)
			return nil
		}
		return m.policyStatements(doc, at, depth+1)
	case hcleval.KindObject:
		m.markUsed(v)
		st := v.Get("Statement")
		if st == nil {
			return nil
		}
		return m.statementList(st, v.At.Or(at), depth)
	case hcleval.KindUnknown:
		return unknownStatement(v, at)
	case hcleval.KindEither:
		var out []tfStatement
		for _, alt := range v.Items {
			out = append(out, m.policyStatements(alt, at, depth+1)...)
		}
		return out
	}
	return nil
}

// statementList reads a Statement element: a list or one statement.
func (m *tfModule) statementList(v *hcleval.Value, at hcleval.Place, depth int) []tfStatement {
	switch v.Kind {
	case hcleval.KindList:
		var out []tfStatement
		for _, it := range v.Items {
			out = append(out, m.statementList(it, at, depth+1)...)
		}
		return out
	case hcleval.KindEither:
		var out []tfStatement
		for _, alt := range v.Items {
			out = append(out, m.statementList(alt, at, depth+1)...)
		}
		return out
	case hcleval.KindObject:
		return m.statement(v, v.At.Or(at))
	case hcleval.KindUnknown:
		return unknownStatement(v, at)
	case hcleval.KindNull:
		return nil
	}
	m.Warn(v.At.Or(at), "a statement must be an object")
	return nil
}

// unknownStatement is a statement that could not be evaluated at all: an
// Allow of anything on anything, unless proven otherwise, so that the
// rules note it rather than pass it in silence. A reference to something
// specific (a resource, a module output) is a policy the scanner cannot
// see but that is scanned where it is written, if anywhere.
func unknownStatement(v *hcleval.Value, at hcleval.Place) []tfStatement {
	if v.Hole.Kind != iam.UnknownAny {
		return nil
	}
	at = v.At.Or(at)
	u := iam.Values{{Unknowns: []iam.Unknown{{Name: v.Hole.Name, Kind: iam.UnknownAny}}, Source: "${" + v.Hole.Name + "}"}}
	st := iam.Statement{Effect: "Allow", Action: u, Resource: u}
	if at.Valid() {
		st.Span = at.Span()
	}
	return []tfStatement{{st: st, at: at}}
}

// statement reads one statement object. A Condition that is one of
// several values gives one statement per value.
func (m *tfModule) statement(v *hcleval.Value, at hcleval.Place) []tfStatement {
	s := iam.Statement{
		Effect:       effectOf(v.Get("Effect")),
		Action:       elementValues(v.Get("Action")),
		NotAction:    elementValues(v.Get("NotAction")),
		Resource:     elementValues(v.Get("Resource")),
		NotResource:  elementValues(v.Get("NotResource")),
		HasPrincipal: v.Get("Principal") != nil || v.Get("NotPrincipal") != nil,
	}
	if sid := v.Get("Sid"); sid != nil {
		s.Sid, _ = sid.Str()
	}
	if at.Valid() {
		s.Span = at.Span()
	}
	cond := v.Get("Condition")
	if cond == nil || cond.Kind == hcleval.KindNull {
		return []tfStatement{{st: s, at: at}}
	}
	var out []tfStatement
	for _, alt := range alternatives(cond) {
		c := s
		c.Conditions = conditionsOf(alt)
		out = append(out, tfStatement{st: c, at: at})
	}
	return out
}

func alternatives(v *hcleval.Value) []*hcleval.Value {
	if v.Kind != hcleval.KindEither {
		return []*hcleval.Value{v}
	}
	var out []*hcleval.Value
	for _, alt := range v.Items {
		out = append(out, alternatives(alt)...)
	}
	return out
}

// effectOf reads Effect: a value that may be Allow counts as Allow.
func effectOf(v *hcleval.Value) string {
	if v == nil {
		return ""
	}
	if v.Kind != hcleval.KindEither {
		if text, ok := v.Str(); ok && text != "Allow" {
			return text
		}
		return "Allow"
	}
	first := ""
	for _, alt := range alternatives(v) {
		text, ok := alt.Str()
		if !ok || text == "Allow" {
			return "Allow"
		}
		if first == "" {
			first = text
		}
	}
	return first
}

// elementValues reads an element that may be absent.
func elementValues(v *hcleval.Value) iam.Values {
	if v == nil {
		return nil
	}
	return hcleval.IAMValues(v)
}

// conditionsOf flattens a Condition object into operator/key pairs. A
// block that could not be evaluated is read as a test of an instance tag
// on a value that could not be evaluated: it pins the instance or not,
// and the rules note that they could not tell.
func conditionsOf(v *hcleval.Value) []iam.Condition {
	unknownTest := func(u *hcleval.Value) iam.Condition {
		h := u.FirstHole()
		name := "Condition"
		if h != nil {
			name = h.Name
		}
		return iam.Condition{Operator: "StringLike", Key: "ssm:resourceTag/${" + name + "}",
			Values: iam.Values{{Unknowns: []iam.Unknown{{Name: name, Kind: iam.UnknownAny}}, Source: "${" + name + "}"}}}
	}
	if v.Kind != hcleval.KindObject {
		if v.IsKnown() {
			return nil
		}
		return []iam.Condition{unknownTest(v)}
	}
	var out []iam.Condition
	for i, op := range v.Keys {
		block := v.Fields[i]
		if block.Kind != hcleval.KindObject {
			if !block.IsKnown() {
				out = append(out, unknownTest(block))
			}
			continue
		}
		for j, key := range block.Keys {
			out = append(out, iam.Condition{Operator: op, Key: key, Values: hcleval.IAMValues(block.Fields[j])})
		}
	}
	return out
}

// moduleStatements turns the statements of a module input such as
// policy_statements (a map or list of objects with lowercase keys:
// effect, actions, resources, condition with test/variable/values, ...)
// into policy statements.
func moduleStatements(v *hcleval.Value) *hcleval.Value {
	out := &hcleval.Value{Kind: hcleval.KindList, At: v.At}
	add := func(sid string, s *hcleval.Value) {
		if s.Kind != hcleval.KindObject {
			out.Items = append(out.Items, s)
			return
		}
		out.Items = append(out.Items, statementObject(s, sid))
	}
	switch v.Kind {
	case hcleval.KindObject:
		for i, k := range v.Keys {
			add(k, v.Fields[i])
		}
	case hcleval.KindList:
		for _, it := range v.Items {
			add("", it)
		}
	default:
		return v
	}
	return out
}

// statementObject turns a statement written with Terraform's lowercase
// names (a policy document's statement block, a module's statement
// object) into the JSON shape.
func statementObject(s *hcleval.Value, sid string) *hcleval.Value {
	st := &hcleval.Value{Kind: hcleval.KindObject, Keys: make([]string, 0, 9), Fields: make([]*hcleval.Value, 0, 9), At: s.At}
	set := func(key string, v *hcleval.Value) {
		if v != nil && v.Kind != hcleval.KindNull {
			st.Keys = append(st.Keys, key)
			st.Fields = append(st.Fields, v)
		}
	}
	if v := s.Get("sid"); v != nil && v.Kind != hcleval.KindNull {
		set("Sid", v)
	} else if sid != "" {
		set("Sid", hcleval.StringValue(sid, hcleval.Place{}))
	}
	effect := s.Get("effect")
	if effect == nil || effect.Kind == hcleval.KindNull {
		effect = hcleval.StringValue("Allow", hcleval.Place{})
	}
	set("Effect", effect)
	set("Action", s.Get("actions"))
	set("NotAction", s.Get("not_actions"))
	set("Resource", s.Get("resources"))
	set("NotResource", s.Get("not_resources"))
	set("Principal", s.Get("principals"))
	set("NotPrincipal", s.Get("not_principals"))
	cond := s.Get("condition")
	if cond == nil {
		cond = s.Get("conditions")
	}
	if cond != nil && cond.Kind != hcleval.KindNull {
		set("Condition", conditionObject(cond))
	}
	return st
}

// conditionObject turns condition entries ({test, variable, values}, in a
// list or a map) into the JSON shape {test: {variable: values}}.
func conditionObject(v *hcleval.Value) *hcleval.Value {
	var entries []*hcleval.Value
	switch v.Kind {
	case hcleval.KindList:
		entries = v.Items
	case hcleval.KindObject:
		if v.Get("test") != nil {
			entries = []*hcleval.Value{v}
		} else {
			entries = v.Fields
		}
	default:
		return v
	}
	out := &hcleval.Value{Kind: hcleval.KindObject}
	for _, e := range entries {
		if e.Kind != hcleval.KindObject {
			return e
		}
		test, ok1 := e.Get("test").Str()
		variable, ok2 := e.Get("variable").Str()
		if !ok1 || !ok2 {
			name := "condition"
			if h := e.FirstHole(); h != nil {
				name = h.Name
			}
			return hcleval.UnknownValue(name, iam.UnknownAny, e.At)
		}
		block := out.Get(test)
		if block == nil {
			block = &hcleval.Value{Kind: hcleval.KindObject}
			out.Keys = append(out.Keys, test)
			out.Fields = append(out.Fields, block)
		}
		values := e.Get("values")
		if values == nil {
			values = hcleval.NullValue
		}
		if prev := block.Get(variable); prev != nil {
			values = &hcleval.Value{Kind: hcleval.KindList, Items: append(append([]*hcleval.Value{}, listItems(prev)...), listItems(values)...)}
		}
		block.Keys = append(block.Keys, variable)
		block.Fields = append(block.Fields, values)
	}
	return out
}

func listItems(v *hcleval.Value) []*hcleval.Value {
	if v.Kind == hcleval.KindList {
		return v.Items
	}
	return []*hcleval.Value{v}
}
