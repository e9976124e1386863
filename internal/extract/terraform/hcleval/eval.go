package hcleval

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
)

// Evaluation of a Terraform module, as far as it can be done without
// Terraform: variables from terraform.tfvars and *.auto.tfvars, else their
// default; locals, each once, in whatever order they refer to each other;
// path.module and path.root; the functions of funcs.go. A reference to
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

// giveUp is the value of an expression that cannot be evaluated.
func (s *Scope) giveUp(e hclsyntax.Expression) *Value {
	at := s.ev.module.Place(e.Range())
	return UnknownValue(at.Text(), iam.UnknownAny, at)
}

// eval evaluates an expression.
func (s *Scope) eval(e hclsyntax.Expression, depth int) *Value {
	ev := s.ev
	ev.steps++
	if depth > maxEvalDepth || ev.steps > maxEvalSteps {
		ev.limitWarning(e.Range(), depth > maxEvalDepth)
		return s.giveUp(e)
	}
	depth++
	at := ev.module.Place(e.Range())
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		return fromCty(e.Val, at)
	case *hclsyntax.TemplateExpr:
		return s.templateExpr(e, depth)
	case *hclsyntax.TemplateWrapExpr:
		return s.eval(e.Wrapped, depth)
	case *hclsyntax.TemplateJoinExpr:
		list := s.eval(e.Tuple, depth)
		if list.Kind != KindList {
			return s.giveUp(e)
		}
		out := &Value{Kind: KindString, At: at}
		for _, it := range list.Items {
			out.Parts = append(out.Parts, it.asParts(at)...)
		}
		return ev.checkString(out, e)
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
		if b, ok := cond.Str(); ok && cond.Kind == KindBool {
			if b == "true" {
				return s.eval(e.TrueResult, depth)
			}
			return s.eval(e.FalseResult, depth)
		}
		return &Value{Kind: KindEither, Items: []*Value{s.eval(e.TrueResult, depth), s.eval(e.FalseResult, depth)}, At: at}
	case *hclsyntax.IndexExpr:
		return s.index(s.eval(e.Collection, depth), s.eval(e.Key, depth), at)
	case *hclsyntax.TupleConsExpr:
		out := &Value{Kind: KindList, Items: make([]*Value, 0, len(e.Exprs)), At: at}
		for _, it := range e.Exprs {
			out.Items = append(out.Items, s.eval(it, depth))
		}
		return ev.checkList(out, e)
	case *hclsyntax.ObjectConsExpr:
		out := &Value{Kind: KindObject, Keys: make([]string, 0, len(e.Items)), Fields: make([]*Value, 0, len(e.Items)), At: at}
		for _, it := range e.Items {
			out.Keys = append(out.Keys, s.objectKey(it.KeyExpr, depth))
			out.Fields = append(out.Fields, s.eval(it.ValueExpr, depth))
		}
		return out
	case *hclsyntax.ObjectConsKeyExpr:
		return s.eval(e.Wrapped, depth)
	case *hclsyntax.ForExpr:
		return s.forExpr(e, at, depth)
	case *hclsyntax.SplatExpr:
		src := s.eval(e.Source, depth)
		switch src.Kind {
		case KindUnknown:
			return UnknownValue(at.Text(), src.Hole.Kind, at)
		case KindNull:
			return &Value{Kind: KindList, At: at}
		case KindList:
		default:
			src = &Value{Kind: KindList, Items: []*Value{src}}
		}
		out := &Value{Kind: KindList, At: at}
		for _, it := range src.Items {
			sc := &Scope{ev: ev, parent: s, template: s.template, anon: map[*hclsyntax.AnonSymbolExpr]*Value{e.Item: it}}
			out.Items = append(out.Items, sc.eval(e.Each, depth))
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
func (s *Scope) templateExpr(e *hclsyntax.TemplateExpr, depth int) *Value {
	out := newString(len(e.Parts), s.ev.module.Place(e.SrcRange))
	for _, part := range e.Parts {
		at := s.ev.module.Place(part.Range())
		if lit, ok := part.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() {
			out.Parts = append(out.Parts, StringPart{Text: lit.Val.AsString(), At: at})
			continue
		}
		out.Parts = append(out.Parts, s.eval(part, depth).asParts(at)...)
	}
	if len(out.Parts) == 0 {
		out.Parts = []StringPart{{At: out.At}}
	}
	return s.ev.checkString(out, e)
}

// objectKey is an object constructor's key: a bare name is itself.
func (s *Scope) objectKey(e hclsyntax.Expression, depth int) string {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok && !k.ForceNonLiteral {
		if name := hcl.ExprAsKeyword(k.Wrapped); name != "" {
			return name
		}
	}
	v := s.eval(e, depth)
	if text, ok := v.Str(); ok {
		return text
	}
	return IAMValue(v).Source
}

// forExpr evaluates [for ...] and {for ...}. Over a collection that cannot
// be seen, a list comprehension yields its body once, with the element
// unknown: a statement written there is still judged where it is written.
func (s *Scope) forExpr(e *hclsyntax.ForExpr, at Place, depth int) *Value {
	coll := s.eval(e.CollExpr, depth)
	type pair struct{ k, v *Value }
	var pairs []pair
	switch coll.Kind {
	case KindList:
		for i, it := range coll.Items {
			pairs = append(pairs, pair{&Value{Kind: KindNumber, Text: fmt.Sprint(i)}, it})
		}
	case KindObject:
		for _, i := range coll.KeyOrder() {
			pairs = append(pairs, pair{StringValue(coll.Keys[i], Place{}), coll.Fields[i]})
		}
	case KindNull:
	default:
		h := coll.FirstHole()
		if h == nil {
			h = &Hole{Name: TruncateName(s.ev.module.Place(e.CollExpr.Range()).Text()), Kind: iam.UnknownAny}
		}
		if e.KeyExpr != nil {
			return &Value{Kind: KindUnknown, Hole: h, At: at}
		}
		el := &Value{Kind: KindUnknown, Hole: h, At: coll.At}
		pairs = []pair{{el, el}}
	}
	out := &Value{Kind: KindList, At: at}
	if e.KeyExpr != nil {
		out.Kind = KindObject
	}
	for _, p := range pairs {
		names := map[string]*Value{e.ValVar: p.v}
		if e.KeyVar != "" {
			names[e.KeyVar] = p.k
		}
		sc := s.With(names)
		if e.CondExpr != nil {
			if c := sc.eval(e.CondExpr, depth); c.Kind == KindBool && c.Text == "false" {
				continue
			}
		}
		v := sc.eval(e.ValExpr, depth)
		if e.KeyExpr == nil {
			out.Items = append(out.Items, v)
			continue
		}
		key := sc.eval(e.KeyExpr, depth)
		name, ok := key.Str()
		if !ok {
			return UnknownValue(IAMValue(key).Source, iam.UnknownAny, at)
		}
		if e.Group {
			if g := out.Get(name); g != nil {
				g.Items = append(g.Items, v)
				continue
			}
			v = &Value{Kind: KindList, Items: []*Value{v}}
		}
		out.Keys = append(out.Keys, name)
		out.Fields = append(out.Fields, v)
	}
	if out.Kind == KindList {
		return s.ev.checkList(out, e)
	}
	return out
}

// index is collection[key].
func (s *Scope) index(coll, key *Value, at Place) *Value {
	switch {
	case coll.Kind == KindUnknown:
		return coll
	case !key.IsKnown() && coll.Kind == KindList:
		return &Value{Kind: KindEither, Items: coll.Items, At: at}
	case !key.IsKnown() && coll.Kind == KindObject:
		return &Value{Kind: KindEither, Items: coll.Fields, At: at}
	}
	k, _ := key.Str()
	switch coll.Kind {
	case KindList:
		var i int
		if _, err := fmt.Sscan(k, &i); err == nil && i >= 0 && i < len(coll.Items) {
			return coll.Items[i]
		}
	case KindObject:
		if v := coll.Get(k); v != nil {
			return v
		}
	}
	return failed(at)
}

// traverse applies the steps of a traversal to v.
func (s *Scope) traverse(v *Value, steps hcl.Traversal, at Place) *Value {
	for _, step := range steps {
		if v.Kind == KindUnknown || v.Kind == KindEither {
			return v
		}
		switch step := step.(type) {
		case hcl.TraverseAttr:
			next := v.Get(step.Name)
			if next == nil {
				return failed(at)
			}
			v = next
		case hcl.TraverseIndex:
			v = s.index(v, fromCty(step.Key, Place{}), at)
		case hcl.TraverseSplat:
			return UnknownValue(at.Text(), iam.UnknownAny, at)
		}
	}
	return v
}

// traversal resolves a reference such as var.x, local.y or
// aws_instance.web.arn.
func (s *Scope) traversal(t hcl.Traversal, at Place) *Value {
	root := t.RootName()
	if v := s.lookup(root); v != nil {
		return s.traverse(v, t[1:], at)
	}
	name := at.Text()
	if s.template {
		for sc := s; sc != nil; sc = sc.parent {
			if sc.unseen != nil {
				return UnknownValue(name, iam.UnknownAny, at)
			}
		}
		s.ev.module.Warn(at, fmt.Sprintf("templatefile: %s is not a variable of the template", TruncateName(name)))
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
	ev := s.ev
	switch root {
	case "var":
		v := ev.module.Variable(attr(1))
		if v.Kind == KindUnknown {
			return UnknownValue(name, v.Hole.Kind, at)
		}
		return s.traverse(v, t[min(2, len(t)):], at)
	case "local":
		v := ev.module.Local(attr(1), at)
		return s.traverse(v, t[min(2, len(t)):], at)
	case "path":
		if a := attr(1); a == "module" || a == "root" {
			return StringValue(".", at)
		}
	case "data":
		if attr(1) == "aws_iam_policy_document" {
			if doc := ev.module.PolicyDocument(attr(2)); doc != nil {
				switch attr(3) {
				case "json", "minified_json":
					return &Value{Kind: KindString, Encodes: doc, At: at}
				}
			}
		}
	case "each", "count", "self":
		return UnknownValue(name, iam.UnknownAny, at)
	}
	v := UnknownValue(name, iam.UnknownSpecific, at)
	v.Hole.Ref = t
	return v
}

// operation applies an operator when its operands are known.
func (s *Scope) operation(op *hclsyntax.Operation, at Place, args ...*Value) *Value {
	cargs := make([]cty.Value, len(args))
	for i, a := range args {
		if !a.IsKnown() {
			if h := a.FirstHole(); h != nil {
				return UnknownValue(h.Name, iam.UnknownAny, at)
			}
			return UnknownValue(at.Text(), iam.UnknownAny, at)
		}
		c, ok := toCty(a)
		if !ok {
			return UnknownValue(at.Text(), iam.UnknownAny, at)
		}
		cargs[i] = c
	}
	if op == hclsyntax.OpLogicalAnd || op == hclsyntax.OpLogicalOr || op == hclsyntax.OpLogicalNot {
		for i := range cargs {
			c, err := ctyConvert(cargs[i], cty.Bool)
			if err != nil {
				return UnknownValue(at.Text(), iam.UnknownAny, at)
			}
			cargs[i] = c
		}
	}
	res, err := callCty(op.Impl, cargs)
	if err != nil {
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	return fromCty(res, at)
}

// fromCty turns a known cty value into a value.
func fromCty(c cty.Value, at Place) *Value {
	if c.IsMarked() {
		c, _ = c.UnmarkDeep()
	}
	switch {
	case !c.IsKnown():
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	case c.IsNull():
		return NullValue
	}
	t := c.Type()
	switch {
	case t == cty.String:
		return StringValue(c.AsString(), at)
	case t == cty.Bool:
		return BoolValue(c.True())
	case t == cty.Number:
		return &Value{Kind: KindNumber, Text: NumberText(c.AsBigFloat()), At: at}
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		out := &Value{Kind: KindList, At: at}
		for it := c.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			out.Items = append(out.Items, fromCty(ev, Place{}))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := &Value{Kind: KindObject, At: at}
		for it := c.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			out.Keys = append(out.Keys, k.AsString())
			out.Fields = append(out.Fields, fromCty(ev, Place{}))
		}
		return out
	}
	return UnknownValue(at.Text(), iam.UnknownAny, at)
}

// NumberText is a number as Terraform prints it.
func NumberText(f *big.Float) string {
	if f.IsInt() {
		i, _ := f.Int(nil)
		return i.String()
	}
	return f.Text('g', -1)
}

// toCty turns a known value into cty, for functions and operators.
func toCty(v *Value) (cty.Value, bool) {
	switch v.Kind {
	case KindNull:
		return cty.NullVal(cty.DynamicPseudoType), true
	case KindBool:
		return cty.BoolVal(v.Text == "true"), true
	case KindNumber:
		n, err := cty.ParseNumberVal(v.Text)
		return n, err == nil
	case KindString:
		s, ok := v.Str()
		return cty.StringVal(s), ok
	case KindList:
		if len(v.Items) == 0 {
			return cty.EmptyTupleVal, true
		}
		items := make([]cty.Value, len(v.Items))
		for i, it := range v.Items {
			c, ok := toCty(it)
			if !ok {
				return cty.NilVal, false
			}
			items[i] = c
		}
		return cty.TupleVal(items), true
	case KindObject:
		attrs := make(map[string]cty.Value, len(v.Keys))
		for i, k := range v.Keys {
			c, ok := toCty(v.Fields[i])
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
func (ev *Evaluator) checkList(v *Value, e hclsyntax.Expression) *Value {
	if len(v.Items) > maxListItems {
		ev.module.Warn(v.At, fmt.Sprintf("a list of more than %d items is not evaluated", maxListItems))
		return UnknownValue(ev.module.Place(e.Range()).Text(), iam.UnknownAny, v.At)
	}
	return v
}

// checkString keeps strings within maxStringBytes.
func (ev *Evaluator) checkString(v *Value, e hclsyntax.Expression) *Value {
	n := 0
	for _, p := range v.Parts {
		n += len(p.Text)
	}
	if n > maxStringBytes {
		ev.module.Warn(v.At, fmt.Sprintf("a string of more than %d bytes is not evaluated", maxStringBytes))
		return UnknownValue(ev.module.Place(e.Range()).Text(), iam.UnknownAny, v.At)
	}
	return v
}

// limitWarning says once per module that evaluation stopped at a limit.
func (ev *Evaluator) limitWarning(r hcl.Range, depth bool) {
	if ev.limited {
		return
	}
	ev.limited = true
	msg := fmt.Sprintf("expression nested deeper than %d levels is not evaluated", maxEvalDepth)
	if !depth {
		msg = "the module takes too much work to evaluate; the rest of it is not evaluated"
	}
	ev.module.Warn(ev.module.Place(r), msg)
}
