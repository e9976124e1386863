package terraform

import (
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// A Terraform policy, however it is written (jsonencode, heredoc or
// quoted JSON, a policy document, a file), is read from one shape: the
// JSON value of the policy, with places.

// tfStatement is a statement with the place it is written.
type tfStatement struct {
	st iam.Statement
	at place
}

// policyStatements reads the statements of a policy value; at is where
// the policy is given, for what has no place of its own.
func (m *tfModule) policyStatements(v *value, at place, depth int) []tfStatement {
	if depth > syntax.MaxDepth {
		return nil
	}
	switch v.kind {
	case kindString:
		if v.encodes != nil {
			m.markUsed(v.encodes)
			return m.policyStatements(v.encodes, at, depth+1)
		}
		parts := v.stringParts()
		if len(parts) > 0 && parts[0].hole == nil {
			if text := strings.TrimSpace(parts[0].text); text != "" && !strings.HasPrefix(text, "{") {
				return nil // an ARN or a name, not a policy document
			}
		}
		doc, err := decodeJSON(parts)
		if err != nil {
			m.warnAt(cmpPlace(err.at, at), "policy is not valid JSON: "+err.msg)
			return nil
		}
		return m.policyStatements(doc, at, depth+1)
	case kindObject:
		m.markUsed(v)
		st := v.get("Statement")
		if st == nil {
			return nil
		}
		return m.statementList(st, cmpPlace(v.at, at), depth)
	case kindUnknown:
		return unknownStatement(v, at)
	case kindEither:
		var out []tfStatement
		for _, alt := range v.items {
			out = append(out, m.policyStatements(alt, at, depth+1)...)
		}
		return out
	}
	return nil
}

// statementList reads a Statement element: a list or one statement.
func (m *tfModule) statementList(v *value, at place, depth int) []tfStatement {
	switch v.kind {
	case kindList:
		var out []tfStatement
		for _, it := range v.items {
			out = append(out, m.statementList(it, at, depth+1)...)
		}
		return out
	case kindEither:
		var out []tfStatement
		for _, alt := range v.items {
			out = append(out, m.statementList(alt, at, depth+1)...)
		}
		return out
	case kindObject:
		return m.statement(v, cmpPlace(v.at, at))
	case kindUnknown:
		return unknownStatement(v, at)
	case kindNull:
		return nil
	}
	m.warnAt(cmpPlace(v.at, at), "a statement must be an object")
	return nil
}

// unknownStatement is a statement that could not be evaluated at all: an
// Allow of anything on anything, unless proven otherwise, so that the
// rules note it rather than pass it in silence. A reference to something
// specific (a resource, a module output) is a policy the scanner cannot
// see but that is scanned where it is written, if anywhere.
func unknownStatement(v *value, at place) []tfStatement {
	if v.hole.kind != iam.UnknownAny {
		return nil
	}
	at = cmpPlace(v.at, at)
	u := iam.Values{{Unknowns: []iam.Unknown{{Name: v.hole.name, Kind: iam.UnknownAny}}, Source: "${" + v.hole.name + "}"}}
	st := iam.Statement{Effect: "Allow", Action: u, Resource: u}
	if at.valid() {
		st.Span = at.span()
	}
	return []tfStatement{{st: st, at: at}}
}

// statement reads one statement object. A Condition that is one of
// several values gives one statement per value.
func (m *tfModule) statement(v *value, at place) []tfStatement {
	s := iam.Statement{
		Effect:       effectOf(v.get("Effect")),
		Action:       elementValues(v.get("Action")),
		NotAction:    elementValues(v.get("NotAction")),
		Resource:     elementValues(v.get("Resource")),
		NotResource:  elementValues(v.get("NotResource")),
		HasPrincipal: v.get("Principal") != nil || v.get("NotPrincipal") != nil,
	}
	if sid := v.get("Sid"); sid != nil {
		s.Sid, _ = sid.str()
	}
	if at.valid() {
		s.Span = at.span()
	}
	cond := v.get("Condition")
	if cond == nil || cond.kind == kindNull {
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

func alternatives(v *value) []*value {
	if v.kind != kindEither {
		return []*value{v}
	}
	var out []*value
	for _, alt := range v.items {
		out = append(out, alternatives(alt)...)
	}
	return out
}

// effectOf reads Effect: a value that may be Allow counts as Allow.
func effectOf(v *value) string {
	if v == nil {
		return ""
	}
	if v.kind != kindEither {
		if text, ok := v.str(); ok && text != "Allow" {
			return text
		}
		return "Allow"
	}
	first := ""
	for _, alt := range alternatives(v) {
		text, ok := alt.str()
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
func elementValues(v *value) iam.Values {
	if v == nil {
		return nil
	}
	return iamValues(v)
}

// conditionsOf flattens a Condition object into operator/key pairs. A
// block that could not be evaluated is read as a test of an instance tag
// on a value that could not be evaluated: it pins the instance or not,
// and the rules note that they could not tell.
func conditionsOf(v *value) []iam.Condition {
	unknownTest := func(u *value) iam.Condition {
		h := u.firstHole()
		name := "Condition"
		if h != nil {
			name = h.name
		}
		return iam.Condition{Operator: "StringLike", Key: "ssm:resourceTag/${" + name + "}",
			Values: iam.Values{{Unknowns: []iam.Unknown{{Name: name, Kind: iam.UnknownAny}}, Source: "${" + name + "}"}}}
	}
	if v.kind != kindObject {
		if v.isKnown() {
			return nil
		}
		return []iam.Condition{unknownTest(v)}
	}
	var out []iam.Condition
	for i, op := range v.keys {
		block := v.fields[i]
		if block.kind != kindObject {
			if !block.isKnown() {
				out = append(out, unknownTest(block))
			}
			continue
		}
		for j, key := range block.keys {
			out = append(out, iam.Condition{Operator: op, Key: key, Values: iamValues(block.fields[j])})
		}
	}
	return out
}

// moduleStatements turns the statements of a module input such as
// policy_statements (a map or list of objects with lowercase keys:
// effect, actions, resources, condition with test/variable/values, ...)
// into policy statements.
func moduleStatements(v *value) *value {
	out := &value{kind: kindList, at: v.at}
	add := func(sid string, s *value) {
		if s.kind != kindObject {
			out.items = append(out.items, s)
			return
		}
		out.items = append(out.items, statementObject(s, sid))
	}
	switch v.kind {
	case kindObject:
		for i, k := range v.keys {
			add(k, v.fields[i])
		}
	case kindList:
		for _, it := range v.items {
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
func statementObject(s *value, sid string) *value {
	st := &value{kind: kindObject, keys: make([]string, 0, 9), fields: make([]*value, 0, 9), at: s.at}
	set := func(key string, v *value) {
		if v != nil && v.kind != kindNull {
			st.keys = append(st.keys, key)
			st.fields = append(st.fields, v)
		}
	}
	if v := s.get("sid"); v != nil && v.kind != kindNull {
		set("Sid", v)
	} else if sid != "" {
		set("Sid", stringValue(sid, place{}))
	}
	effect := s.get("effect")
	if effect == nil || effect.kind == kindNull {
		effect = stringValue("Allow", place{})
	}
	set("Effect", effect)
	set("Action", s.get("actions"))
	set("NotAction", s.get("not_actions"))
	set("Resource", s.get("resources"))
	set("NotResource", s.get("not_resources"))
	set("Principal", s.get("principals"))
	set("NotPrincipal", s.get("not_principals"))
	cond := s.get("condition")
	if cond == nil {
		cond = s.get("conditions")
	}
	if cond != nil && cond.kind != kindNull {
		set("Condition", conditionObject(cond))
	}
	return st
}

// conditionObject turns condition entries ({test, variable, values}, in a
// list or a map) into the JSON shape {test: {variable: values}}.
func conditionObject(v *value) *value {
	var entries []*value
	switch v.kind {
	case kindList:
		entries = v.items
	case kindObject:
		if v.get("test") != nil {
			entries = []*value{v}
		} else {
			entries = v.fields
		}
	default:
		return v
	}
	out := &value{kind: kindObject}
	for _, e := range entries {
		if e.kind != kindObject {
			return e
		}
		test, ok1 := e.get("test").textOr()
		variable, ok2 := e.get("variable").textOr()
		if !ok1 || !ok2 {
			name := "condition"
			if h := e.firstHole(); h != nil {
				name = h.name
			}
			return unknownValue(name, iam.UnknownAny, e.at)
		}
		block := out.get(test)
		if block == nil {
			block = &value{kind: kindObject}
			out.keys = append(out.keys, test)
			out.fields = append(out.fields, block)
		}
		values := e.get("values")
		if values == nil {
			values = nullValue
		}
		if prev := block.get(variable); prev != nil {
			values = &value{kind: kindList, items: append(append([]*value{}, listItems(prev)...), listItems(values)...)}
		}
		block.keys = append(block.keys, variable)
		block.fields = append(block.fields, values)
	}
	return out
}

func listItems(v *value) []*value {
	if v.kind == kindList {
		return v.items
	}
	return []*value{v}
}

// textOr is the text of a known scalar; a nil value has none.
func (v *value) textOr() (string, bool) {
	if v == nil {
		return "", false
	}
	return v.str()
}
