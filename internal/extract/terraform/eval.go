package terraform

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hclread"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
)

// Evaluation of a Terraform module, as far as it can be done without
// Terraform: variables from terraform.tfvars and *.auto.tfvars, else their
// default; locals, each once, in whatever order they refer to each other;
// path.module and path.root; the functions of tf_funcs.go. A reference to
// a resource, a data source or a module output is one specific value the
// scanner cannot see; what cannot be evaluated (a variable without a value,
// an unsupported function, a cycle) may be anything.

// Limits that keep a hostile module linear: a run of nested expressions,
// the work of one module, and the size of one value.
const (
	maxEvalDepth   = 128
	maxEvalSteps   = 1 << 20
	maxListItems   = 4096
	maxStringBytes = 1 << 20
)

type tfVariable struct {
	def *hclread.Attr // the default, if any
	val *value
}

type tfLocal struct {
	expr  hclsyntax.Expression
	val   *value
	state uint8 // 0 not yet, 1 being evaluated, 2 done
}

// tfScope is what names mean where an expression is evaluated.
type tfScope struct {
	m      *tfModule
	names  map[string]*value // each, count, for variables, iterators, template variables
	anon   map[*hclsyntax.AnonSymbolExpr]*value
	parent *tfScope
	// template is set inside templatefile(): only the template's variables
	// are in scope, and templatefile() may not be called again.
	template bool
	// unseen is the variables of a template when they cannot be seen.
	unseen *value
}

func (s *tfScope) with(names map[string]*value) *tfScope {
	return &tfScope{m: s.m, names: names, parent: s, template: s.template}
}

func (s *tfScope) lookup(name string) *value {
	for sc := s; sc != nil; sc = sc.parent {
		if v, ok := sc.names[name]; ok {
			return v
		}
	}
	return nil
}

func (s *tfScope) anonValue(e *hclsyntax.AnonSymbolExpr) *value {
	for sc := s; sc != nil; sc = sc.parent {
		if v, ok := sc.anon[e]; ok {
			return v
		}
	}
	return nil
}

// giveUp is the value of an expression that cannot be evaluated.
func (s *tfScope) giveUp(e hclsyntax.Expression) *value {
	at := s.m.rangePlace(e.Range())
	return unknownValue(at.text(), iam.UnknownAny, at)
}

// eval evaluates an expression.
func (s *tfScope) eval(e hclsyntax.Expression, depth int) *value {
	m := s.m
	m.steps++
	if depth > maxEvalDepth || m.steps > maxEvalSteps {
		m.limitWarning(e.Range(), depth > maxEvalDepth)
		return s.giveUp(e)
	}
	depth++
	at := m.rangePlace(e.Range())
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		return fromCty(e.Val, at)
	case *hclsyntax.TemplateExpr:
		return s.templateExpr(e, depth)
	case *hclsyntax.TemplateWrapExpr:
		return s.eval(e.Wrapped, depth)
	case *hclsyntax.TemplateJoinExpr:
		list := s.eval(e.Tuple, depth)
		if list.kind != kindList {
			return s.giveUp(e)
		}
		out := &value{kind: kindString, at: at}
		for _, it := range list.items {
			out.parts = append(out.parts, it.asParts(at)...)
		}
		return m.checkString(out, e)
	case *hclsyntax.ParenthesesExpr:
		return s.eval(e.Expression, depth)
	case *hclsyntax.ScopeTraversalExpr:
		return s.traversal(e.Traversal, at)
	case *hclsyntax.RelativeTraversalExpr:
		return s.traverse(s.eval(e.Source, depth), e.Traversal, at)
	case *hclsyntax.FunctionCallExpr:
		return s.call(e, at, depth)
	case *hclsyntax.ConditionalExpr:
		cond := s.eval(e.Condition, depth)
		if b, ok := cond.str(); ok && cond.kind == kindBool {
			if b == "true" {
				return s.eval(e.TrueResult, depth)
			}
			return s.eval(e.FalseResult, depth)
		}
		return &value{kind: kindEither, items: []*value{s.eval(e.TrueResult, depth), s.eval(e.FalseResult, depth)}, at: at}
	case *hclsyntax.IndexExpr:
		return s.index(s.eval(e.Collection, depth), s.eval(e.Key, depth), at)
	case *hclsyntax.TupleConsExpr:
		out := &value{kind: kindList, items: make([]*value, 0, len(e.Exprs)), at: at}
		for _, it := range e.Exprs {
			out.items = append(out.items, s.eval(it, depth))
		}
		return m.checkList(out, e)
	case *hclsyntax.ObjectConsExpr:
		out := &value{kind: kindObject, keys: make([]string, 0, len(e.Items)), fields: make([]*value, 0, len(e.Items)), at: at}
		for _, it := range e.Items {
			out.keys = append(out.keys, s.objectKey(it.KeyExpr, depth))
			out.fields = append(out.fields, s.eval(it.ValueExpr, depth))
		}
		return out
	case *hclsyntax.ObjectConsKeyExpr:
		return s.eval(e.Wrapped, depth)
	case *hclsyntax.ForExpr:
		return s.forExpr(e, at, depth)
	case *hclsyntax.SplatExpr:
		src := s.eval(e.Source, depth)
		switch src.kind {
		case kindUnknown:
			return unknownValue(at.text(), src.hole.kind, at)
		case kindNull:
			return &value{kind: kindList, at: at}
		case kindList:
		default:
			src = &value{kind: kindList, items: []*value{src}}
		}
		out := &value{kind: kindList, at: at}
		for _, it := range src.items {
			sc := &tfScope{m: m, parent: s, template: s.template, anon: map[*hclsyntax.AnonSymbolExpr]*value{e.Item: it}}
			out.items = append(out.items, sc.eval(e.Each, depth))
		}
		return out
	case *hclsyntax.AnonSymbolExpr:
		if v := s.anonValue(e); v != nil {
			return v
		}
		return s.giveUp(e)
	case *hclsyntax.BinaryOpExpr:
		return s.operation(e.Op, at, s.eval(e.LHS, depth), s.eval(e.RHS, depth))
	case *hclsyntax.UnaryOpExpr:
		return s.operation(e.Op, at, s.eval(e.Val, depth))
	}
	return s.giveUp(e)
}

// template evaluates a string template: literal parts keep their places.
func (s *tfScope) templateExpr(e *hclsyntax.TemplateExpr, depth int) *value {
	out := newString(len(e.Parts), s.m.rangePlace(e.SrcRange))
	for _, part := range e.Parts {
		at := s.m.rangePlace(part.Range())
		if lit, ok := part.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() {
			out.parts = append(out.parts, strPart{text: lit.Val.AsString(), at: at})
			continue
		}
		out.parts = append(out.parts, s.eval(part, depth).asParts(at)...)
	}
	if len(out.parts) == 0 {
		out.parts = []strPart{{at: out.at}}
	}
	return s.m.checkString(out, e)
}

// objectKey is an object constructor's key: a bare name is itself.
func (s *tfScope) objectKey(e hclsyntax.Expression, depth int) string {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok && !k.ForceNonLiteral {
		if name := hcl.ExprAsKeyword(k.Wrapped); name != "" {
			return name
		}
	}
	v := s.eval(e, depth)
	if text, ok := v.str(); ok {
		return text
	}
	return iamValue(v).Source
}

// forExpr evaluates [for ...] and {for ...}. Over a collection that cannot
// be seen, a list comprehension yields its body once, with the element
// unknown: a statement written there is still judged where it is written.
func (s *tfScope) forExpr(e *hclsyntax.ForExpr, at place, depth int) *value {
	coll := s.eval(e.CollExpr, depth)
	type pair struct{ k, v *value }
	var pairs []pair
	switch coll.kind {
	case kindList:
		for i, it := range coll.items {
			pairs = append(pairs, pair{&value{kind: kindNumber, text: fmt.Sprint(i)}, it})
		}
	case kindObject:
		for _, i := range coll.keyOrder() {
			pairs = append(pairs, pair{stringValue(coll.keys[i], place{}), coll.fields[i]})
		}
	case kindNull:
	default:
		h := coll.firstHole()
		if h == nil {
			h = &hole{name: truncateName(s.m.rangePlace(e.CollExpr.Range()).text()), kind: iam.UnknownAny}
		}
		if e.KeyExpr != nil {
			return &value{kind: kindUnknown, hole: h, at: at}
		}
		el := &value{kind: kindUnknown, hole: h, at: coll.at}
		pairs = []pair{{el, el}}
	}
	out := &value{kind: kindList, at: at}
	if e.KeyExpr != nil {
		out.kind = kindObject
	}
	for _, p := range pairs {
		names := map[string]*value{e.ValVar: p.v}
		if e.KeyVar != "" {
			names[e.KeyVar] = p.k
		}
		sc := s.with(names)
		if e.CondExpr != nil {
			if c := sc.eval(e.CondExpr, depth); c.kind == kindBool && c.text == "false" {
				continue
			}
		}
		v := sc.eval(e.ValExpr, depth)
		if e.KeyExpr == nil {
			out.items = append(out.items, v)
			continue
		}
		key := sc.eval(e.KeyExpr, depth)
		name, ok := key.str()
		if !ok {
			return unknownValue(iamValue(key).Source, iam.UnknownAny, at)
		}
		if e.Group {
			if g := out.get(name); g != nil {
				g.items = append(g.items, v)
				continue
			}
			v = &value{kind: kindList, items: []*value{v}}
		}
		out.keys = append(out.keys, name)
		out.fields = append(out.fields, v)
	}
	if out.kind == kindList {
		return s.m.checkList(out, e)
	}
	return out
}

// index is collection[key].
func (s *tfScope) index(coll, key *value, at place) *value {
	switch {
	case coll.kind == kindUnknown:
		return coll
	case !key.isKnown() && coll.kind == kindList:
		return &value{kind: kindEither, items: coll.items, at: at}
	case !key.isKnown() && coll.kind == kindObject:
		return &value{kind: kindEither, items: coll.fields, at: at}
	}
	k, _ := key.str()
	switch coll.kind {
	case kindList:
		var i int
		if _, err := fmt.Sscan(k, &i); err == nil && i >= 0 && i < len(coll.items) {
			return coll.items[i]
		}
	case kindObject:
		if v := coll.get(k); v != nil {
			return v
		}
	}
	return failed(at)
}

// traverse applies the steps of a traversal to v.
func (s *tfScope) traverse(v *value, steps hcl.Traversal, at place) *value {
	for _, step := range steps {
		if v.kind == kindUnknown || v.kind == kindEither {
			return v
		}
		switch step := step.(type) {
		case hcl.TraverseAttr:
			next := v.get(step.Name)
			if next == nil {
				return failed(at)
			}
			v = next
		case hcl.TraverseIndex:
			v = s.index(v, fromCty(step.Key, place{}), at)
		case hcl.TraverseSplat:
			return unknownValue(at.text(), iam.UnknownAny, at)
		}
	}
	return v
}

// traversal resolves a reference such as var.x, local.y or
// aws_instance.web.arn.
func (s *tfScope) traversal(t hcl.Traversal, at place) *value {
	root := t.RootName()
	if v := s.lookup(root); v != nil {
		return s.traverse(v, t[1:], at)
	}
	name := at.text()
	if s.template {
		for sc := s; sc != nil; sc = sc.parent {
			if sc.unseen != nil {
				return unknownValue(name, iam.UnknownAny, at)
			}
		}
		s.m.warnAt(at, fmt.Sprintf("templatefile: %s is not a variable of the template", truncateName(name)))
		return failed(at)
	}
	attr := func(i int) string {
		if i < len(t) {
			if a, ok := t[i].(hcl.TraverseAttr); ok {
				return a.Name
			}
		}
		return ""
	}
	m := s.m
	switch root {
	case "var":
		v := m.variable(attr(1))
		if v.kind == kindUnknown {
			return unknownValue(name, v.hole.kind, at)
		}
		return s.traverse(v, t[min(2, len(t)):], at)
	case "local":
		v := m.local(attr(1), at)
		return s.traverse(v, t[min(2, len(t)):], at)
	case "path":
		if a := attr(1); a == "module" || a == "root" {
			return stringValue(".", at)
		}
	case "data":
		if attr(1) == "aws_iam_policy_document" {
			if doc := m.policyDocument(attr(2)); doc != nil {
				switch attr(3) {
				case "json", "minified_json":
					return &value{kind: kindString, encodes: doc, at: at}
				}
			}
		}
	case "each", "count", "self":
		return unknownValue(name, iam.UnknownAny, at)
	}
	v := unknownValue(name, iam.UnknownSpecific, at)
	v.hole.ref = t
	return v
}

// variable is the value of var.name: from the tfvars, else its default.
func (m *tfModule) variable(name string) *value {
	v := m.variables[name]
	if v == nil {
		return unknownValue("var."+name, iam.UnknownAny, place{})
	}
	if v.val == nil {
		if tv := m.tfvars[name]; tv != nil {
			v.val = tv
		} else if v.def != nil {
			v.val = (&tfScope{m: m}).eval(v.def.Expr, 0)
		} else {
			v.val = unknownValue("var."+name, iam.UnknownAny, place{})
		}
	}
	return v.val
}

// local is the value of local.name, evaluated once; a local that refers
// to itself, through others or not, cannot be evaluated.
func (m *tfModule) local(name string, at place) *value {
	l := m.locals[name]
	switch {
	case l == nil:
		return unknownValue("local."+name, iam.UnknownAny, at)
	case l.state == 1:
		m.warnAt(m.rangePlace(l.expr.Range()), fmt.Sprintf("local.%s refers to itself; it is not evaluated", name))
		return unknownValue("local."+name, iam.UnknownAny, at)
	case l.state == 0:
		l.state = 1
		l.val = (&tfScope{m: m}).eval(l.expr, 0)
		l.state = 2
	}
	return l.val
}

// operation applies an operator when its operands are known.
func (s *tfScope) operation(op *hclsyntax.Operation, at place, args ...*value) *value {
	cargs := make([]cty.Value, len(args))
	for i, a := range args {
		if !a.isKnown() {
			if h := a.firstHole(); h != nil {
				return unknownValue(h.name, iam.UnknownAny, at)
			}
			return unknownValue(at.text(), iam.UnknownAny, at)
		}
		c, ok := toCty(a)
		if !ok {
			return unknownValue(at.text(), iam.UnknownAny, at)
		}
		cargs[i] = c
	}
	if op == hclsyntax.OpLogicalAnd || op == hclsyntax.OpLogicalOr || op == hclsyntax.OpLogicalNot {
		for i := range cargs {
			c, err := ctyConvert(cargs[i], cty.Bool)
			if err != nil {
				return unknownValue(at.text(), iam.UnknownAny, at)
			}
			cargs[i] = c
		}
	}
	res, err := callCty(op.Impl, cargs)
	if err != nil {
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	return fromCty(res, at)
}

// fromCty turns a known cty value into a value.
func fromCty(c cty.Value, at place) *value {
	if c.IsMarked() {
		c, _ = c.UnmarkDeep()
	}
	switch {
	case !c.IsKnown():
		return unknownValue(at.text(), iam.UnknownAny, at)
	case c.IsNull():
		return nullValue
	}
	t := c.Type()
	switch {
	case t == cty.String:
		return stringValue(c.AsString(), at)
	case t == cty.Bool:
		return boolValue(c.True())
	case t == cty.Number:
		return &value{kind: kindNumber, text: numberText(c.AsBigFloat()), at: at}
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		out := &value{kind: kindList, at: at}
		for it := c.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			out.items = append(out.items, fromCty(ev, place{}))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := &value{kind: kindObject, at: at}
		for it := c.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			out.keys = append(out.keys, k.AsString())
			out.fields = append(out.fields, fromCty(ev, place{}))
		}
		return out
	}
	return unknownValue(at.text(), iam.UnknownAny, at)
}

func numberText(f *big.Float) string {
	if f.IsInt() {
		i, _ := f.Int(nil)
		return i.String()
	}
	return f.Text('g', -1)
}

// toCty turns a known value into cty, for functions and operators.
func toCty(v *value) (cty.Value, bool) {
	switch v.kind {
	case kindNull:
		return cty.NullVal(cty.DynamicPseudoType), true
	case kindBool:
		return cty.BoolVal(v.text == "true"), true
	case kindNumber:
		n, err := cty.ParseNumberVal(v.text)
		return n, err == nil
	case kindString:
		s, ok := v.str()
		return cty.StringVal(s), ok
	case kindList:
		if len(v.items) == 0 {
			return cty.EmptyTupleVal, true
		}
		items := make([]cty.Value, len(v.items))
		for i, it := range v.items {
			c, ok := toCty(it)
			if !ok {
				return cty.NilVal, false
			}
			items[i] = c
		}
		return cty.TupleVal(items), true
	case kindObject:
		attrs := make(map[string]cty.Value, len(v.keys))
		for i, k := range v.keys {
			c, ok := toCty(v.fields[i])
			if !ok {
				return cty.NilVal, false
			}
			attrs[k] = c
		}
		return cty.ObjectVal(attrs), true
	}
	return cty.NilVal, false
}

// checkList keeps lists within maxListItems.
func (m *tfModule) checkList(v *value, e hclsyntax.Expression) *value {
	if len(v.items) > maxListItems {
		m.warnAt(v.at, fmt.Sprintf("a list of more than %d items is not evaluated", maxListItems))
		return unknownValue(m.rangePlace(e.Range()).text(), iam.UnknownAny, v.at)
	}
	return v
}

// checkString keeps strings within maxStringBytes.
func (m *tfModule) checkString(v *value, e hclsyntax.Expression) *value {
	n := 0
	for _, p := range v.parts {
		n += len(p.text)
	}
	if n > maxStringBytes {
		m.warnAt(v.at, fmt.Sprintf("a string of more than %d bytes is not evaluated", maxStringBytes))
		return unknownValue(m.rangePlace(e.Range()).text(), iam.UnknownAny, v.at)
	}
	return v
}

// limitWarning says once per module that evaluation stopped at a limit.
func (m *tfModule) limitWarning(r hcl.Range, depth bool) {
	if m.limited {
		return
	}
	m.limited = true
	msg := fmt.Sprintf("expression nested deeper than %d levels is not evaluated", maxEvalDepth)
	if !depth {
		msg = "the module takes too much work to evaluate; the rest of it is not evaluated"
	}
	m.warnAt(m.rangePlace(r), msg)
}
