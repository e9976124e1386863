package hclread

import (
	"bytes"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// The expressions of the reader of read.go: what hclsyntax's parser
// makes of them, node for node.

// expr reads an expression; lines tells whether line breaks are ignored
// where it stands (inside brackets) or end it.
func (r *hclReader) expr(lines bool) hclsyntax.Expression {
	r.enter()
	r.skip(lines)
	start := r.pos()
	cond := r.binary(0, lines)
	r.skip(lines)
	if r.at(0) != '?' {
		r.depth--
		return cond
	}
	r.i++
	t := r.expr(lines)
	r.skip(lines)
	if r.at(0) != ':' || r.at(1) == ':' {
		r.fail()
	}
	r.i++
	f := r.expr(lines)
	r.depth--
	return &hclsyntax.ConditionalExpr{
		Condition: cond, TrueResult: t, FalseResult: f,
		SrcRange: hcl.Range{Filename: r.file, Start: start, End: f.Range().End},
	}
}

// enter counts a level of recursion; the caller counts it back out. (A
// failure unwinds past the count, which topBlock restores.)
func (r *hclReader) enter() {
	r.depth++
	if r.depth > maxReadDepth {
		r.fail()
	}
}

// operator returns the binary operator that comes next, its precedence
// (hclsyntax's levels, 0 the loosest) and its length, or nil.
func (r *hclReader) operator() (*hclsyntax.Operation, int, int) {
	c, d := r.at(0), r.at(1)
	switch {
	case c == '|' && d == '|':
		return hclsyntax.OpLogicalOr, 0, 2
	case c == '&' && d == '&':
		return hclsyntax.OpLogicalAnd, 1, 2
	case c == '=' && d == '=':
		return hclsyntax.OpEqual, 2, 2
	case c == '!' && d == '=':
		return hclsyntax.OpNotEqual, 2, 2
	case c == '<' && d == '<':
		r.fail() // a heredoc where an operator may stand
	case c == '>' && d == '=':
		return hclsyntax.OpGreaterThanOrEqual, 3, 2
	case c == '<' && d == '=':
		return hclsyntax.OpLessThanOrEqual, 3, 2
	case c == '>':
		return hclsyntax.OpGreaterThan, 3, 1
	case c == '<':
		return hclsyntax.OpLessThan, 3, 1
	case c == '+':
		return hclsyntax.OpAdd, 4, 1
	case c == '-':
		return hclsyntax.OpSubtract, 4, 1
	case c == '*':
		return hclsyntax.OpMultiply, 5, 1
	case c == '/' && d != '/' && d != '*':
		return hclsyntax.OpDivide, 5, 1
	case c == '%':
		return hclsyntax.OpModulo, 5, 1
	}
	return nil, 0, 0
}

// binary reads the operations whose operators bind at least as tightly
// as level, left to right. Precedence climbing builds the tree that
// hclsyntax's parseBinaryOps builds a level at a time.
func (r *hclReader) binary(level int, lines bool) hclsyntax.Expression {
	lhs := r.withTraversals(lines)
	for {
		r.skip(lines)
		op, opLevel, n := r.operator()
		if op == nil || opLevel < level {
			return lhs
		}
		r.i += n
		rhs := r.binary(opLevel+1, lines)
		lhs = &hclsyntax.BinaryOpExpr{LHS: lhs, Op: op, RHS: rhs, SrcRange: r.between(lhs.Range(), rhs.Range())}
	}
}

func (r *hclReader) withTraversals(lines bool) hclsyntax.Expression {
	r.enter()
	e := r.traversals(r.term(lines), lines)
	r.depth--
	return e
}

// term reads an expression without operators.
func (r *hclReader) term(lines bool) hclsyntax.Expression {
	r.skip(lines)
	switch c := r.at(0); {
	case c == '(':
		open := r.advance(1)
		inner := r.expr(true)
		r.skip(true)
		closing := r.expect(')')
		return &hclsyntax.ParenthesesExpr{Expression: inner, SrcRange: r.between(open, closing)}
	case c >= '0' && c <= '9':
		return r.number()
	case c == '"':
		return r.quoted()
	case c == '<' && r.at(1) == '<':
		return r.heredoc()
	case c == '-' || c == '!' && r.at(1) != '=':
		symbol := r.advance(1)
		op := hclsyntax.OpNegate
		if c == '!' {
			op = hclsyntax.OpLogicalNot
		}
		operand := r.withTraversals(lines)
		return &hclsyntax.UnaryOpExpr{Op: op, Val: operand, SrcRange: r.between(symbol, operand.Range()), SymbolRange: symbol}
	case c == '[' || c == '{':
		open := r.advance(1)
		r.skip(true)
		switch {
		case r.isKeyword("for") && c == '[':
			return r.forExpr(open, ']')
		case r.isKeyword("for"):
			return r.forExpr(open, '}')
		case c == '[':
			return r.tuple(open)
		}
		return r.object(open)
	}
	name, rng := r.ident()
	if name == "" {
		r.fail()
	}
	r.skip(lines)
	switch {
	case r.at(0) == '(':
		return r.call(name, rng)
	case r.at(0) == ':' && r.at(1) == ':':
		r.fail() // a namespaced function
	}
	switch name {
	case "true":
		return &hclsyntax.LiteralValueExpr{Val: cty.True, SrcRange: rng}
	case "false":
		return &hclsyntax.LiteralValueExpr{Val: cty.False, SrcRange: rng}
	case "null":
		return &hclsyntax.LiteralValueExpr{Val: cty.NullVal(cty.DynamicPseudoType), SrcRange: rng}
	}
	return newReference(name, rng)
}

// reference is the nodes of a reference, allocated together, with room
// for var.x and data.type.name.attribute.
type reference struct {
	expr  hclsyntax.ScopeTraversalExpr
	steps [4]hcl.Traverser
}

func newReference(name string, rng hcl.Range) *hclsyntax.ScopeTraversalExpr {
	n := &reference{}
	n.steps[0] = hcl.TraverseRoot{Name: name, SrcRange: rng}
	n.expr = hclsyntax.ScopeTraversalExpr{Traversal: n.steps[:1], SrcRange: rng}
	return &n.expr
}

// numberToken reads a number the way hclsyntax's lexer does: a digit,
// then digits, dots and exponents, not ending in a dot.
func (r *hclReader) numberToken() (string, hcl.Range) {
	start := r.i
	j, end := start+1, start+1
	for j < len(r.data) {
		c := r.data[j]
		switch {
		case c >= '0' && c <= '9':
			j++
			end = j
			continue
		case c == '.':
			j++
			continue
		case c == 'e' || c == 'E':
			k := j + 1
			if k < len(r.data) && (r.data[k] == '+' || r.data[k] == '-') {
				k++
			}
			if k < len(r.data) && r.data[k] >= '0' && r.data[k] <= '9' {
				j = k + 1
				end = j
				continue
			}
		}
		break
	}
	rng := r.advance(end - start)
	return string(r.data[start:end]), rng
}

func (r *hclReader) number() hclsyntax.Expression {
	text, rng := r.numberToken()
	v, err := cty.ParseNumberVal(text)
	if err != nil {
		r.fail()
	}
	return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}
}

// traversals reads what follows a term: .name, .0, [key] and [*].
func (r *hclReader) traversals(from hclsyntax.Expression, lines bool) hclsyntax.Expression {
	ret := from
	start := from.Range().Start
	for {
		r.skip(lines)
		switch r.at(0) {
		case '.':
			if r.at(1) == '.' {
				if r.at(2) != '.' {
					r.fail()
				}
				return ret // an ellipsis: the end of a call's last argument
			}
			dot := r.advance(1)
			r.skip(lines)
			switch c := r.at(0); {
			case c >= '0' && c <= '9':
				text, num := r.numberToken()
				v, err := cty.ParseNumberVal(text)
				if err != nil || strings.Contains(text, ".") {
					r.fail()
				}
				rng := r.between(dot, num)
				ret = makeTraversal(ret, hcl.TraverseIndex{Key: v, SrcRange: rng}, rng)
			default:
				name, attr := r.ident()
				if name == "" {
					r.fail() // .* or a syntax error
				}
				rng := r.between(dot, attr)
				ret = makeTraversal(ret, hcl.TraverseAttr{Name: name, SrcRange: rng}, rng)
			}
		case '[':
			open := r.advance(1)
			r.skip(lines)
			if r.at(0) == '*' {
				r.i++
				r.skip(lines)
				closing := r.expect(']')
				marker := r.between(open, closing)
				item := &hclsyntax.AnonSymbolExpr{SrcRange: marker}
				each := r.traversals(item, lines)
				ret = &hclsyntax.SplatExpr{
					Source: ret, Each: each, Item: item,
					SrcRange:    hcl.Range{Filename: r.file, Start: start, End: each.Range().End},
					MarkerRange: marker,
				}
				continue
			}
			key := r.expr(true)
			r.skip(true)
			closing := r.expect(']')
			rng := r.between(open, closing)
			switch k := key.(type) {
			case *hclsyntax.LiteralValueExpr:
				ret = makeTraversal(ret, hcl.TraverseIndex{Key: k.Val, SrcRange: rng}, rng)
				continue
			case *hclsyntax.TemplateExpr:
				if k.IsStringLiteral() {
					v, _ := k.Value(nil)
					ret = makeTraversal(ret, hcl.TraverseIndex{Key: v, SrcRange: rng}, rng)
					continue
				}
			}
			ret = &hclsyntax.IndexExpr{
				Collection: ret, Key: key,
				SrcRange:  hcl.Range{Filename: r.file, Start: start, End: rng.End},
				OpenRange: open, BracketRange: rng,
			}
		default:
			return ret
		}
	}
}

// makeTraversal adds a step to a traversal, as hclsyntax's
// makeRelativeTraversal does: in place when expr is one already.
func makeTraversal(expr hclsyntax.Expression, step hcl.Traverser, rng hcl.Range) hclsyntax.Expression {
	switch e := expr.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		e.Traversal = append(e.Traversal, step)
		e.SrcRange = hcl.RangeBetween(e.SrcRange, rng)
		return e
	case *hclsyntax.RelativeTraversalExpr:
		e.Traversal = append(e.Traversal, step)
		e.SrcRange = hcl.RangeBetween(e.SrcRange, rng)
		return e
	}
	return &hclsyntax.RelativeTraversalExpr{Source: expr, Traversal: hcl.Traversal{step}, SrcRange: hcl.RangeBetween(expr.Range(), rng)}
}

// call reads a function call's arguments.
func (r *hclReader) call(name string, nameRange hcl.Range) hclsyntax.Expression {
	call := &hclsyntax.FunctionCallExpr{Name: name, NameRange: nameRange, OpenParenRange: r.advance(1)}
	call.Args, call.ExpandFinal = r.list(')', true)
	call.CloseParenRange = r.expect(')')
	return call
}

// tuple reads [a, b, ...] after its opening bracket.
func (r *hclReader) tuple(open hcl.Range) hclsyntax.Expression {
	tuple := &hclsyntax.TupleConsExpr{OpenRange: open}
	tuple.Exprs, _ = r.list(']', false)
	tuple.SrcRange = r.between(open, r.advance(1))
	return tuple
}

// list reads expressions separated by commas, a trailing comma allowed,
// up to closing (which it leaves to the caller). The last of a call's
// arguments may be expanded, written arg...: expanded reports it.
func (r *hclReader) list(closing byte, call bool) (exprs []hclsyntax.Expression, expanded bool) {
	mark := len(r.exprs)
	for {
		r.skip(true)
		if r.at(0) == closing {
			break
		}
		r.exprs = append(r.exprs, r.expr(true))
		r.skip(true)
		if r.at(0) == closing {
			break
		}
		if call && bytes.HasPrefix(r.data[r.i:], []byte("...")) {
			expanded = true
			r.i += 3
			r.skip(true)
			break
		}
		r.expect(',')
	}
	return r.takeExprs(mark), expanded
}

// object reads { key = value, ... } after its opening brace: line breaks
// separate items.
func (r *hclReader) object(open hcl.Range) hclsyntax.Expression {
	object := &hclsyntax.ObjectConsExpr{OpenRange: open}
	mark := len(r.items)
	for {
		r.skip(false)
		if r.atLineEnd() {
			r.endLine()
			continue
		}
		if r.at(0) == '}' {
			break
		}
		key := r.nameKey()
		if key == nil {
			force := r.at(0) == '(' // hclsyntax reads a key in parentheses as an expression
			key = &hclsyntax.ObjectConsKeyExpr{Wrapped: r.expr(false), ForceNonLiteral: force}
			r.skip(false)
			if !r.atKeySeparator() {
				r.fail()
			}
		}
		r.i++
		r.items = append(r.items, hclsyntax.ObjectConsItem{KeyExpr: key, ValueExpr: r.expr(false)})
		r.skip(false)
		if r.at(0) == '}' {
			break
		}
		if r.at(0) == ',' {
			r.i++
			continue
		}
		if !r.atLineEnd() {
			r.fail()
		}
		r.endLine()
	}
	if len(r.items) > mark {
		object.Items = append([]hclsyntax.ObjectConsItem(nil), r.items[mark:]...)
		r.items = r.items[:mark]
	}
	object.SrcRange = r.between(open, r.advance(1))
	return object
}

func (r *hclReader) atKeySeparator() bool {
	c, d := r.at(0), r.at(1)
	return c == '=' && d != '=' && d != '>' || c == ':' && d != ':'
}

// nameKey reads an object's key that is a bare name, most keys, as the
// one node hclsyntax makes of it (a reference), and leaves the reader at
// the = or : after it; nil, with the reader where it was, for any other
// key.
func (r *hclReader) nameKey() *hclsyntax.ObjectConsKeyExpr {
	saved := *r
	name, rng := r.ident()
	switch name {
	case "", "true", "false", "null":
		*r = saved
		return nil
	}
	r.skip(false)
	if !r.atKeySeparator() {
		*r = saved
		return nil
	}
	n := &keyNodes{}
	n.steps[0] = hcl.TraverseRoot{Name: name, SrcRange: rng}
	n.name = hclsyntax.ScopeTraversalExpr{Traversal: n.steps[:], SrcRange: rng}
	n.key = hclsyntax.ObjectConsKeyExpr{Wrapped: &n.name}
	return &n.key
}

// keyNodes is the nodes of an object's key that is a bare name.
type keyNodes struct {
	key   hclsyntax.ObjectConsKeyExpr
	name  hclsyntax.ScopeTraversalExpr
	steps [1]hcl.Traverser
}

// forExpr reads [for k, v in coll : value if cond] or, closing with a
// brace, {for k, v in coll : key => value... if cond}, whose line breaks
// do not count.
func (r *hclReader) forExpr(open hcl.Range, closing byte) hclsyntax.Expression {
	r.i += len("for")
	e := &hclsyntax.ForExpr{OpenRange: open}
	r.skip(true)
	e.ValVar, _ = r.ident()
	r.skip(true)
	if r.at(0) == ',' {
		r.i++
		r.skip(true)
		e.KeyVar = e.ValVar
		e.ValVar, _ = r.ident()
		r.skip(true)
	}
	if e.ValVar == "" || !r.isKeyword("in") {
		r.fail()
	}
	r.i += len("in")
	e.CollExpr = r.expr(true)
	r.skip(true)
	if r.at(0) != ':' || r.at(1) == ':' {
		r.fail()
	}
	r.i++
	e.ValExpr = r.expr(true)
	r.skip(true)
	if r.at(0) == '=' && r.at(1) == '>' {
		r.i += 2
		e.KeyExpr, e.ValExpr = e.ValExpr, r.expr(true)
		r.skip(true)
	}
	if bytes.HasPrefix(r.data[r.i:], []byte("...")) {
		r.i += 3
		e.Group = true
		r.skip(true)
	}
	if r.isKeyword("if") {
		r.i += len("if")
		e.CondExpr = r.expr(true)
		r.skip(true)
	}
	e.CloseRange = r.expect(closing)
	e.SrcRange = r.between(open, e.CloseRange)
	// hclsyntax rejects a key or a group in a list, and an object without
	// keys.
	if (closing == ']') == (e.KeyExpr != nil) || closing == ']' && e.Group {
		r.fail()
	}
	return e
}
