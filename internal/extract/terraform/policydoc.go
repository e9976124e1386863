package terraform

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hcleval"
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
	val   *hcleval.Value
	state uint8 // 0 not yet, 1 being evaluated, 2 done
	// used is set when a policy reads the document, so that it is not
	// reported again on its own.
	used bool
	deps []*tfDoc // the documents it merges
}

// PolicyDocument evaluates data.aws_iam_policy_document.name; nil when
// the module has none of that name.
func (m *tfModule) PolicyDocument(name string) *hcleval.Value {
	d := m.docs[name]
	switch {
	case d == nil:
		return nil
	case d.state == 1:
		m.Warn(m.Place(d.block.Range), fmt.Sprintf("data.aws_iam_policy_document.%s merges itself; it is not evaluated", name))
		return hcleval.UnknownValue("data.aws_iam_policy_document."+name, iam.UnknownAny, m.Place(d.block.Range))
	case d.state == 2:
		return d.val
	}
	d.state = 1
	scope := m.ev.Scope()
	b := d.block
	var merged []*hcleval.Value
	sources := func(attr string, override bool) {
		a := b.Attr(attr)
		if a == nil {
			return
		}
		v := scope.Eval(a.Expr)
		docs := []*hcleval.Value{v}
		if attr == "source_policy_documents" || attr == "override_policy_documents" {
			docs = listItems(v)
		}
		for _, doc := range docs {
			merged = mergeBySid(merged, m.documentStatements(d, doc), override)
		}
	}
	sources("source_json", false)
	sources("source_policy_documents", false)
	var own []*hcleval.Value
	for _, st := range m.expandBlocks(b, "statement", scope) {
		own = append(own, m.statementBlock(st))
	}
	merged = mergeBySid(merged, own, true)
	sources("override_json", true)
	sources("override_policy_documents", true)
	d.val = &hcleval.Value{Kind: hcleval.KindObject, Keys: []string{"Version", "Statement"},
		Fields: []*hcleval.Value{hcleval.StringValue("2012-10-17", hcleval.Place{}), {Kind: hcleval.KindList, Items: merged}}, At: m.Place(b.Range)}
	if m.docObjects == nil {
		m.docObjects = map[*hcleval.Value]*tfDoc{}
	}
	m.docObjects[d.val] = d
	d.state = 2
	return d.val
}

// documentStatements returns the statement values of a policy given to a
// document: JSON text, a document's json, or a value that cannot be seen.
func (m *tfModule) documentStatements(d *tfDoc, v *hcleval.Value) []*hcleval.Value {
	switch v.Kind {
	case hcleval.KindNull:
		return nil
	case hcleval.KindString:
		if v.Encodes != nil {
			if dep := m.docObjects[v.Encodes]; dep != nil {
				d.deps = append(d.deps, dep)
			}
			return m.documentStatements(d, v.Encodes)
		}
		doc, err := hcleval.DecodeJSON(v.StringParts())
		if err != nil {
			m.Warn(err.At.Or(v.At), "policy is not valid JSON: "+err.Msg)
			return nil
		}
		return m.documentStatements(d, doc)
	case hcleval.KindObject:
		st := v.Get("Statement")
		if st == nil {
			return nil
		}
		return listItems(st)
	}
	return []*hcleval.Value{v}
}

// mergeBySid adds statements to merged: with override, one whose sid is
// already there takes its place.
func mergeBySid(merged, stmts []*hcleval.Value, override bool) []*hcleval.Value {
	for _, s := range stmts {
		sid, _ := s.Get("Sid").Str()
		if override && sid != "" {
			replaced := false
			for i, old := range merged {
				if oldSid, _ := old.Get("Sid").Str(); oldSid == sid {
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
func (m *tfModule) markUsed(v *hcleval.Value) {
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
func (m *tfModule) statementBlock(x expanded) *hcleval.Value {
	n := len(x.block.Attrs) + 3 // and principals, not_principals, condition
	s := &hcleval.Value{Kind: hcleval.KindObject, Keys: make([]string, 0, n), Fields: make([]*hcleval.Value, 0, n), At: x.at}
	set := func(key string, v *hcleval.Value) {
		s.Keys = append(s.Keys, key)
		s.Fields = append(s.Fields, v)
	}
	for _, a := range x.block.Attrs {
		set(a.Name, x.scope.Eval(a.Expr))
	}
	for _, typ := range []string{"principals", "not_principals"} {
		if ps := m.expandBlocks(x.block, typ, x.scope); len(ps) > 0 {
			set(typ, &hcleval.Value{Kind: hcleval.KindObject})
		}
	}
	var conds []*hcleval.Value
	for _, c := range m.expandBlocks(x.block, "condition", x.scope) {
		obj := &hcleval.Value{Kind: hcleval.KindObject, Keys: make([]string, 0, len(c.block.Attrs)), Fields: make([]*hcleval.Value, 0, len(c.block.Attrs)), At: c.at}
		for _, a := range c.block.Attrs {
			obj.Keys = append(obj.Keys, a.Name)
			obj.Fields = append(obj.Fields, c.scope.Eval(a.Expr))
		}
		conds = append(conds, obj)
	}
	if conds != nil {
		set("condition", &hcleval.Value{Kind: hcleval.KindList, Items: conds})
	}
	return statementObject(s, "")
}

// expanded is one block of a type, written as is or made by a dynamic
// block, with the scope its attributes are evaluated in.
type expanded struct {
	block *hclread.Block
	scope *hcleval.Scope
	at    hcleval.Place // the block, or the dynamic block that makes it
}

// expandBlocks returns the blocks of type typ inside b, dynamic ones
// expanded over their for_each. A dynamic block over a collection that
// cannot be seen is read once, with its iterator unknown.
func (m *tfModule) expandBlocks(b *hclread.Block, typ string, scope *hcleval.Scope) []expanded {
	var out []expanded
	for _, c := range b.Blocks {
		if c.Type == typ {
			out = append(out, expanded{block: c, scope: scope, at: m.Place(c.Range)})
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
		at := m.Place(c.Range)
		each := func(k, v *hcleval.Value) {
			it := &hcleval.Value{Kind: hcleval.KindObject, Keys: []string{"key", "value"}, Fields: []*hcleval.Value{k, v}}
			out = append(out, expanded{block: content, scope: scope.With(map[string]*hcleval.Value{iter: it}), at: at})
		}
		var coll *hcleval.Value
		if a := c.Attr("for_each"); a != nil {
			coll = scope.Eval(a.Expr)
		} else {
			coll = hcleval.NullValue
		}
		switch coll.Kind {
		case hcleval.KindList:
			for i, v := range coll.Items {
				each(&hcleval.Value{Kind: hcleval.KindNumber, Text: fmt.Sprint(i)}, v)
			}
		case hcleval.KindObject:
			for _, i := range coll.KeyOrder() {
				each(hcleval.StringValue(coll.Keys[i], hcleval.Place{}), coll.Fields[i])
			}
		case hcleval.KindNull:
		default:
			h := coll.FirstHole()
			if h == nil {
				continue
			}
			u := &hcleval.Value{Kind: hcleval.KindUnknown, Hole: h, At: coll.At}
			each(u, u)
		}
	}
	return out
}
