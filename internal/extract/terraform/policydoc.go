package terraform

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hclread"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
)

// data "aws_iam_policy_document": statement blocks (static or dynamic)
// with Terraform's names, merged with source and override documents by
// sid as the AWS provider merges them. The document is the JSON value of
// the policy; each statement keeps the place of its block (for a dynamic
// block, the dynamic block).

// tfDoc is one aws_iam_policy_document data source.
type tfDoc struct {
	block *hclread.Block
	val   *value
	state uint8 // 0 not yet, 1 being evaluated, 2 done
	// used is set when a policy reads the document, so that it is not
	// reported again on its own.
	used bool
	deps []*tfDoc // the documents it merges
}

// policyDocument evaluates data.aws_iam_policy_document.name; nil when
// the module has none of that name.
func (m *tfModule) policyDocument(name string) *value {
	d := m.docs[name]
	switch {
	case d == nil:
		return nil
	case d.state == 1:
		m.warnAt(m.rangePlace(d.block.Range), fmt.Sprintf("data.aws_iam_policy_document.%s merges itself; it is not evaluated", name))
		return unknownValue("data.aws_iam_policy_document."+name, iam.UnknownAny, m.rangePlace(d.block.Range))
	case d.state == 2:
		return d.val
	}
	d.state = 1
	scope := &tfScope{m: m}
	b := d.block
	var merged []*value
	sources := func(attr string, override bool) {
		a := b.Attr(attr)
		if a == nil {
			return
		}
		v := scope.eval(a.Expr, 0)
		docs := []*value{v}
		if attr == "source_policy_documents" || attr == "override_policy_documents" {
			docs = listItems(v)
		}
		for _, doc := range docs {
			merged = mergeBySid(merged, m.documentStatements(d, doc), override)
		}
	}
	sources("source_json", false)
	sources("source_policy_documents", false)
	var own []*value
	for _, st := range m.expandBlocks(b, "statement", scope) {
		own = append(own, m.statementBlock(st))
	}
	merged = mergeBySid(merged, own, true)
	sources("override_json", true)
	sources("override_policy_documents", true)
	d.val = &value{kind: kindObject, keys: []string{"Version", "Statement"},
		fields: []*value{stringValue("2012-10-17", place{}), {kind: kindList, items: merged}}, at: m.rangePlace(b.Range)}
	if m.docObjects == nil {
		m.docObjects = map[*value]*tfDoc{}
	}
	m.docObjects[d.val] = d
	d.state = 2
	return d.val
}

// documentStatements returns the statement values of a policy given to a
// document: JSON text, a document's json, or a value that cannot be seen.
func (m *tfModule) documentStatements(d *tfDoc, v *value) []*value {
	switch v.kind {
	case kindNull:
		return nil
	case kindString:
		if v.encodes != nil {
			if dep := m.docObjects[v.encodes]; dep != nil {
				d.deps = append(d.deps, dep)
			}
			return m.documentStatements(d, v.encodes)
		}
		doc, err := decodeJSON(v.stringParts())
		if err != nil {
			m.warnAt(cmpPlace(err.at, v.at), "policy is not valid JSON: "+err.msg)
			return nil
		}
		return m.documentStatements(d, doc)
	case kindObject:
		st := v.get("Statement")
		if st == nil {
			return nil
		}
		return listItems(st)
	}
	return []*value{v}
}

// mergeBySid adds statements to merged: with override, one whose sid is
// already there takes its place.
func mergeBySid(merged, stmts []*value, override bool) []*value {
	for _, s := range stmts {
		sid, _ := s.get("Sid").textOr()
		if override && sid != "" {
			replaced := false
			for i, old := range merged {
				if oldSid, _ := old.get("Sid").textOr(); oldSid == sid {
					merged[i], replaced = s, true
					break
				}
			}
			if replaced {
				continue
			}
		}
		merged = append(merged, s)
	}
	return merged
}

// markUsed marks a document read by a policy, and the documents it
// merges.
func (m *tfModule) markUsed(v *value) {
	var mark func(d *tfDoc)
	mark = func(d *tfDoc) {
		if d.used {
			return
		}
		d.used = true
		for _, dep := range d.deps {
			mark(dep)
		}
	}
	if d := m.docObjects[v]; d != nil {
		mark(d)
	}
}

// statementBlock reads a statement block into the JSON shape.
func (m *tfModule) statementBlock(x expanded) *value {
	n := len(x.block.Attrs) + 3 // and principals, not_principals, condition
	s := &value{kind: kindObject, keys: make([]string, 0, n), fields: make([]*value, 0, n), at: x.at}
	set := func(key string, v *value) {
		s.keys = append(s.keys, key)
		s.fields = append(s.fields, v)
	}
	for _, a := range x.block.Attrs {
		set(a.Name, x.scope.eval(a.Expr, 0))
	}
	for _, typ := range []string{"principals", "not_principals"} {
		if ps := m.expandBlocks(x.block, typ, x.scope); len(ps) > 0 {
			set(typ, &value{kind: kindObject})
		}
	}
	var conds []*value
	for _, c := range m.expandBlocks(x.block, "condition", x.scope) {
		obj := &value{kind: kindObject, keys: make([]string, 0, len(c.block.Attrs)), fields: make([]*value, 0, len(c.block.Attrs)), at: c.at}
		for _, a := range c.block.Attrs {
			obj.keys = append(obj.keys, a.Name)
			obj.fields = append(obj.fields, c.scope.eval(a.Expr, 0))
		}
		conds = append(conds, obj)
	}
	if conds != nil {
		set("condition", &value{kind: kindList, items: conds})
	}
	return statementObject(s, "")
}

// expanded is one block of a type, written as is or made by a dynamic
// block, with the scope its attributes are evaluated in.
type expanded struct {
	block *hclread.Block
	scope *tfScope
	at    place // the block, or the dynamic block that makes it
}

// expandBlocks returns the blocks of type typ inside b, dynamic ones
// expanded over their for_each. A dynamic block over a collection that
// cannot be seen is read once, with its iterator unknown.
func (m *tfModule) expandBlocks(b *hclread.Block, typ string, scope *tfScope) []expanded {
	var out []expanded
	for _, c := range b.Blocks {
		if c.Type == typ {
			out = append(out, expanded{block: c, scope: scope, at: m.rangePlace(c.Range)})
			continue
		}
		if c.Type != "dynamic" || len(c.Labels) != 1 || c.Labels[0] != typ {
			continue
		}
		var content *hclread.Block
		for _, cc := range c.Blocks {
			if cc.Type == "content" {
				content = cc
			}
		}
		if content == nil {
			continue
		}
		iter := typ
		if a := c.Attr("iterator"); a != nil {
			if name := hcl.ExprAsKeyword(a.Expr); name != "" {
				iter = name
			}
		}
		at := m.rangePlace(c.Range)
		each := func(k, v *value) {
			it := &value{kind: kindObject, keys: []string{"key", "value"}, fields: []*value{k, v}}
			out = append(out, expanded{block: content, scope: scope.with(map[string]*value{iter: it}), at: at})
		}
		var coll *value
		if a := c.Attr("for_each"); a != nil {
			coll = scope.eval(a.Expr, 0)
		} else {
			coll = nullValue
		}
		switch coll.kind {
		case kindList:
			for i, v := range coll.items {
				each(&value{kind: kindNumber, text: fmt.Sprint(i)}, v)
			}
		case kindObject:
			for _, i := range coll.keyOrder() {
				each(stringValue(coll.keys[i], place{}), coll.fields[i])
			}
		case kindNull:
		default:
			h := coll.firstHole()
			if h == nil {
				continue
			}
			u := &value{kind: kindUnknown, hole: h, at: coll.at}
			each(u, u)
		}
	}
	return out
}
