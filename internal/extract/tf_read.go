package extract

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// hclsyntax spends most of a scan of a Terraform module lexing: a token
// of more than 100 bytes for every word, a grapheme-cluster count for
// every column. readConfig reads the HCL that Terraform files are written
// in straight into hclsyntax's own syntax tree, node for node and
// position for position what hclsyntax.ParseConfig gives for the file
// with its irrelevant blocks blanked (tf_skip.go), so the evaluator cannot
// tell the two apart. It reads only the blocks the reader looks into, and
// only text it can vouch for: ASCII outside line comments, no template
// directives (%{ }), strip markers (~), for expressions, attribute-only
// splats or namespaced functions, no syntax error. A block with anything
// else is handed to hclsyntax on its own; a file it cannot place its
// blocks in (not plain blocks, a byte-order mark, a lone carriage return,
// broken UTF-8) to hclsyntax whole. FuzzReadConfig holds the two readings equal.

// readConfig returns the blocks of the .tf file f as fillBlock makes
// them of the body hclsyntax.ParseConfig gives for the blanked file, or
// nil when hclsyntax must read the whole file.
func readConfig(f *tfFile) *tfBlock {
	data := f.data
	// hclsyntax's columns count grapheme clusters, which broken UTF-8 in a
	// comment can join across a line break.
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) || hasLoneCR(data) || !utf8.Valid(data) {
		return nil
	}
	blocks, ok := topBlocks(data)
	if !ok {
		return nil
	}
	r := &hclReader{data: data, file: f.key, tf: f, line: 1}
	if !r.moveTo(firstToken(data, blocks)) {
		return nil
	}
	start := r.pos()
	top := &tfBlock{file: f}
	for i, b := range blocks {
		if !b.keep {
			continue
		}
		if !r.moveTo(b.start) {
			return nil
		}
		blk := r.topBlock(b)
		if blk == nil || !lineEndsAfter(data, blocks, i) {
			return nil
		}
		top.blocks = append(top.blocks, blk)
	}
	if !r.moveTo(len(data)) || !commentsEnd(data, blocks) {
		return nil
	}
	top.rng = hcl.Range{Filename: f.key, Start: start, End: r.pos()}
	return top
}

// hasLoneCR finds a carriage return that does not start a line break,
// which hclsyntax reads as an invalid character.
func hasLoneCR(data []byte) bool {
	for i := 0; ; i++ {
		j := bytes.IndexByte(data[i:], '\r')
		if j < 0 {
			return false
		}
		i += j
		if i+1 >= len(data) || data[i+1] != '\n' {
			return true
		}
	}
}

// firstToken is where the first token hclsyntax's parser sees starts in
// the blanked file: white space and /* */ comments are not tokens, a
// line break (one inside a blanked block too) or a line comment that ends
// one is.
func firstToken(data []byte, blocks []topBlock) int {
	next := 0 // the next block
	for i := 0; i < len(data); {
		if next < len(blocks) && blocks[next].start == i && !blocks[next].keep {
			b := blocks[next]
			if j := bytes.IndexAny(data[b.start:b.end], "\r\n"); j >= 0 {
				return b.start + j
			}
			i, next = b.end, next+1
			continue
		}
		switch {
		case data[i] == ' ' || data[i] == '\t':
			i++
		case bytes.HasPrefix(data[i:], []byte("/*")):
			end := blockCommentEnd(data, i)
			if end < 0 {
				return i
			}
			i = end
		case (data[i] == '#' || bytes.HasPrefix(data[i:], []byte("//"))) && bytes.IndexByte(data[i:], '\n') < 0:
			return len(data) // a line comment that ends no line is no newline token
		default:
			return i
		}
	}
	return len(data)
}

// lineEndsAfter reports whether, in the blanked file, the line goes on
// after the kept block i only with white space and comments, as
// hclsyntax requires after a block.
func lineEndsAfter(data []byte, blocks []topBlock, i int) bool {
	j := blocks[i].end
	for j < len(data) {
		if i+1 < len(blocks) && blocks[i+1].start == j && !blocks[i+1].keep {
			i++
			j = blocks[i].end
			continue
		}
		switch c := data[j]; {
		case c == ' ' || c == '\t':
			j++
		case c == '\n' || c == '\r' || c == '#' || bytes.HasPrefix(data[j:], []byte("//")):
			return true
		case bytes.HasPrefix(data[j:], []byte("/*")):
			if j = blockCommentEnd(data, j); j < 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// commentsEnd reports whether every comment after the last block ends: a
// /* that does not is the end of the file to topBlocks, and an error to
// hclsyntax.
func commentsEnd(data []byte, blocks []topBlock) bool {
	i := 0
	if len(blocks) > 0 {
		i = blocks[len(blocks)-1].end
	}
	for i < len(data) {
		switch {
		case data[i] == '#' || bytes.HasPrefix(data[i:], []byte("//")):
			j := bytes.IndexByte(data[i:], '\n')
			if j < 0 {
				return true
			}
			i += j + 1
		case bytes.HasPrefix(data[i:], []byte("/*")):
			if i = blockCommentEnd(data, i); i < 0 {
				return false
			}
		default:
			i++
		}
	}
	return true
}

// blockCommentEnd returns the offset just past the /* */ comment that
// starts at i, or -1 when it does not end.
func blockCommentEnd(data []byte, i int) int {
	j := bytes.Index(data[i+2:], []byte("*/"))
	if j < 0 {
		return -1
	}
	return i + 2 + j + 2
}

// hclReader reads one top-level block. Positions are byte offsets; lines
// are counted as the reader passes them, and a column is a count of bytes
// from the line's start, which is hclsyntax's count on ASCII text.
type hclReader struct {
	data      []byte
	file      string
	tf        *tfFile
	i         int // the next byte
	line      int
	lineStart int
	depth     int
	// The items of the lists, objects, calls and templates being read wait
	// here, and each gets one slice of its exact size when it ends.
	exprs  []hclsyntax.Expression
	items  []hclsyntax.ObjectConsItem
	parts  []templatePart
	attrs  []tfAttr
	blocks []*tfBlock
}

// takeExprs returns the expressions waiting since mark, nil for none.
func (r *hclReader) takeExprs(mark int) []hclsyntax.Expression {
	if len(r.exprs) == mark {
		return nil
	}
	out := append([]hclsyntax.Expression(nil), r.exprs[mark:]...)
	r.exprs = r.exprs[:mark]
	return out
}

// maxReadDepth bounds the reader's recursion; deeper text is hclsyntax's
// (which tf.go has already bounded with nestingDepth).
const maxReadDepth = 512

// readFailed is what the reader panics with when it cannot vouch for the
// text; topBlock recovers it and nothing else.
type readFailed struct{}

func (r *hclReader) fail() { panic(readFailed{}) }

// moveTo moves the reader forward to offset off, counting lines, and
// reports whether the column there is hclsyntax's: the line before it is
// ASCII.
func (r *hclReader) moveTo(off int) bool {
	if n := bytes.Count(r.data[r.i:off], []byte{'\n'}); n > 0 {
		r.line += n
		r.lineStart = r.i + bytes.LastIndexByte(r.data[r.i:off], '\n') + 1
	}
	r.i = off
	for _, c := range r.data[r.lineStart:off] {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (r *hclReader) pos() hcl.Pos {
	return hcl.Pos{Line: r.line, Column: r.i - r.lineStart + 1, Byte: r.i}
}

func (r *hclReader) rangeFrom(start hcl.Pos) hcl.Range {
	return hcl.Range{Filename: r.file, Start: start, End: r.pos()}
}

func (r *hclReader) between(start, end hcl.Range) hcl.Range {
	return hcl.Range{Filename: r.file, Start: start.Start, End: end.End}
}

// at returns the byte k ahead, or 0 past the end.
func (r *hclReader) at(k int) byte {
	if r.i+k < len(r.data) {
		return r.data[r.i+k]
	}
	return 0
}

func (r *hclReader) eof() bool { return r.i >= len(r.data) }

// advance passes n bytes that hold no line break.
func (r *hclReader) advance(n int) hcl.Range {
	start := r.pos()
	r.i += n
	return r.rangeFrom(start)
}

// expect passes the one-byte token c or fails.
func (r *hclReader) expect(c byte) hcl.Range {
	if r.at(0) != c {
		r.fail()
	}
	return r.advance(1)
}

// newline passes a line break.
func (r *hclReader) newline() {
	if r.at(0) == '\r' {
		r.i++
	}
	r.i++
	r.line++
	r.lineStart = r.i
}

// atLineEnd reports whether a newline token comes next: a line break or a
// line comment (which holds its line break).
func (r *hclReader) atLineEnd() bool {
	c := r.at(0)
	return c == '\n' || c == '\r' || c == '#' || c == '/' && r.at(1) == '/'
}

// endLine passes a newline token.
func (r *hclReader) endLine() {
	if c := r.at(0); c != '\n' && c != '\r' {
		j := bytes.IndexByte(r.data[r.i:], '\n')
		if j < 0 {
			r.fail() // a comment that ends the file ends no line
		}
		r.i += j
	}
	r.newline()
}

// skip passes white space and /* */ comments, and, when lines is set
// (inside brackets, where hclsyntax ignores them), line breaks and line
// comments too.
func (r *hclReader) skip(lines bool) {
	for !r.eof() {
		switch c := r.data[r.i]; {
		case c == ' ' || c == '\t':
			r.i++
		case c == '/' && r.at(1) == '*':
			end := blockCommentEnd(r.data, r.i)
			if end < 0 {
				r.fail()
			}
			for r.i < end {
				switch c := r.data[r.i]; {
				case c == '\n':
					r.newline()
				case c >= utf8.RuneSelf:
					r.fail() // hclsyntax counts the columns after it in grapheme clusters
				default:
					r.i++
				}
			}
		case lines && r.atLineEnd():
			r.endLine()
		default:
			return
		}
	}
}

// ident reads an identifier, or returns "" when none starts here.
func (r *hclReader) ident() (string, hcl.Range) {
	start := r.i
	if c := r.at(0); !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return "", hcl.Range{}
	}
	j := start + 1
	for j < len(r.data) {
		c := r.data[j]
		if c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			j++
			continue
		}
		if c >= utf8.RuneSelf {
			r.fail() // a letter of another script may go on the name
		}
		break
	}
	rng := r.advance(j - start)
	return string(r.data[start:j]), rng
}

// isKeyword reports whether the identifier word comes next.
func (r *hclReader) isKeyword(word string) bool {
	if !bytes.HasPrefix(r.data[r.i:], []byte(word)) {
		return false
	}
	c := r.at(len(word))
	return !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf)
}

// topBlock reads the top-level block b, or has hclsyntax read it alone
// when the reader cannot; nil when neither gives the block that parsing
// the whole file would.
func (r *hclReader) topBlock(b topBlock) (blk *tfBlock) {
	saved := *r
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(readFailed); !ok {
				panic(v)
			}
			*r = saved
			blk = r.blockAlone(b)
		}
	}()
	blk = r.block(true)
	if r.i != b.end {
		return nil
	}
	return blk
}

// blockAlone parses the block b with hclsyntax, starting at its place.
func (r *hclReader) blockAlone(b topBlock) *tfBlock {
	f, diags := hclsyntax.ParseConfig(r.data[b.start:b.end], r.file, r.pos())
	body, ok := f.Body.(*hclsyntax.Body)
	if diags.HasErrors() || !ok || len(body.Blocks) != 1 || len(body.Attributes) != 0 {
		return nil
	}
	blk := body.Blocks[0]
	if blk.CloseBraceRange.End.Byte != b.end || !r.moveTo(b.end) {
		return nil
	}
	return nativeBlock(r.tf, blk)
}

// block reads a block from its type to its closing brace and, unless it
// is at the top (whose line end readConfig checks in the blanked file),
// the line break after it.
func (r *hclReader) block(top bool) *tfBlock {
	typ, typeRange := r.ident()
	blk := &tfBlock{typ: typ, file: r.tf}
	for {
		r.skip(false)
		if r.at(0) == '{' {
			break
		}
		if r.at(0) == '"' {
			blk.labels = append(blk.labels, r.label())
			continue
		}
		label, _ := r.ident()
		if label == "" {
			r.fail()
		}
		blk.labels = append(blk.labels, label)
	}
	r.i++ // the opening brace
	r.skip(false)
	if r.eof() || r.atLineEnd() || r.at(0) == '}' {
		r.body(blk)
	} else {
		r.oneLineBody(blk)
	}
	closing := r.advance(1)
	blk.rng = r.between(typeRange, closing)
	if !top {
		r.skip(false)
		if !r.atLineEnd() {
			r.fail()
		}
		r.endLine()
	}
	return blk
}

// body reads the items of a block up to its closing brace.
func (r *hclReader) body(blk *tfBlock) {
	attrs, blocks := len(r.attrs), len(r.blocks)
	var names map[string]bool // for a body of many attributes
	for {
		r.skip(false)
		switch {
		case r.eof():
			r.fail()
		case r.at(0) == '}':
			blk.attrs = r.takeAttrs(attrs)
			if len(r.blocks) > blocks {
				blk.blocks = append([]*tfBlock(nil), r.blocks[blocks:]...)
				r.blocks = r.blocks[:blocks]
			}
			return
		case r.atLineEnd():
			r.endLine()
			continue
		}
		mark := *r
		name, nameRange := r.ident()
		if name == "" {
			r.fail()
		}
		r.skip(false)
		switch c := r.at(0); {
		case c == '=' && r.at(1) != '=' && r.at(1) != '>':
			if r.defined(attrs, name, &names) {
				r.fail() // hclsyntax reports the redefinition
			}
			r.attrs = append(r.attrs, r.attribute(name, nameRange))
			r.skip(false)
			if !r.atLineEnd() {
				r.fail()
			}
			r.endLine()
		case c == '"' || c == '{' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			*r = mark
			r.blocks = append(r.blocks, r.block(false))
		default:
			r.fail()
		}
	}
}

// defined reports whether the body whose attributes wait since mark has
// one named name already; names is kept for a body of many.
func (r *hclReader) defined(mark int, name string, names *map[string]bool) bool {
	waiting := r.attrs[mark:]
	if *names == nil && len(waiting) < 16 {
		for _, a := range waiting {
			if a.name == name {
				return true
			}
		}
		return false
	}
	if *names == nil {
		*names = map[string]bool{}
		for _, a := range waiting {
			(*names)[a.name] = true
		}
	}
	if (*names)[name] {
		return true
	}
	(*names)[name] = true
	return false
}

// takeAttrs returns the attributes waiting since mark, in the order they
// are written, nil for none.
func (r *hclReader) takeAttrs(mark int) []*tfAttr {
	n := len(r.attrs) - mark
	if n == 0 {
		return nil
	}
	vals := append([]tfAttr(nil), r.attrs[mark:]...)
	r.attrs = r.attrs[:mark]
	out := make([]*tfAttr, n)
	for i := range vals {
		out[i] = &vals[i]
	}
	return out
}

// oneLineBody reads a block written on one line, { name = value }, up to
// its closing brace.
func (r *hclReader) oneLineBody(blk *tfBlock) {
	name, nameRange := r.ident()
	r.skip(false)
	if name == "" || r.at(0) != '=' || r.at(1) == '=' || r.at(1) == '>' {
		r.fail()
	}
	a := r.attribute(name, nameRange)
	blk.attrs = []*tfAttr{&a}
	r.skip(false)
	if r.at(0) != '}' {
		r.fail()
	}
}

// attribute reads the rest of name = expression.
func (r *hclReader) attribute(name string, nameRange hcl.Range) tfAttr {
	r.i++ // the equals sign
	expr := r.expr(false)
	return tfAttr{name: name, expr: expr, rng: r.between(nameRange, expr.Range())}
}

// label reads a quoted block label: a string without templates.
func (r *hclReader) label() string {
	r.i++ // the opening quote
	text := templatePart{from: r.i}
	for r.at(0) != '"' {
		if r.at(0) == '$' && r.at(1) == '{' || r.at(0) == '%' && r.at(1) == '{' {
			r.fail()
		}
		r.literal(&text, true)
	}
	r.i++ // the closing quote
	return string(text.text)
}

// literal reads the next piece of a string's text into p: a run of bytes
// that stand for themselves, an escape (in a quoted string), or $${ and
// %%{, which are ${ and %{. It fails on what hclsyntax would read
// otherwise or reject, and on a line break.
func (r *hclReader) literal(p *templatePart, quoted bool) {
	j := r.i
	for j < len(r.data) {
		c := r.data[j]
		if c == '"' || c == '\\' || c == '$' || c == '%' || c == '\n' || c == '\r' || c >= utf8.RuneSelf {
			break
		}
		j++
	}
	if j > r.i {
		p.addRaw(r.data, r.i, j)
		r.i = j
		return
	}
	switch c := r.at(0); {
	case r.eof() || c >= utf8.RuneSelf || c == '\n' || c == '\r':
		r.fail()
	case (c == '$' || c == '%') && r.at(1) == c && r.at(2) == '{':
		p.own()
		p.text = append(p.text, c, '{')
		r.i += 3
	case c == '\\' && quoted:
		p.own()
		p.text = r.escape(p.text)
	default: // a $ or % that starts nothing, a quote or backslash in a heredoc
		p.addRaw(r.data, r.i, r.i+1)
		r.i++
	}
}

// escape decodes a backslash escape of a quoted string.
func (r *hclReader) escape(text []byte) []byte {
	switch r.at(1) {
	case 'n':
		text = append(text, '\n')
	case 'r':
		text = append(text, '\r')
	case 't':
		text = append(text, '\t')
	case '"':
		text = append(text, '"')
	case '\\':
		text = append(text, '\\')
	case 'u', 'U':
		n := 4
		if r.at(1) == 'U' {
			n = 8
		}
		if r.i+2+n > len(r.data) {
			r.fail()
		}
		hex := r.data[r.i+2 : r.i+2+n]
		for _, h := range hex {
			if !isHexDigit(h) {
				r.fail() // hclsyntax takes fewer digits, and rejects them
			}
		}
		num, _ := strconv.ParseUint(string(hex), 16, 32)
		if utf8.RuneLen(rune(num)) < 0 {
			r.fail()
		}
		text = utf8.AppendRune(text, rune(num))
		r.i += 2 + n
		return text
	default:
		r.fail()
	}
	r.i += 2
	return text
}

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

// templatePart is a piece of a template: literal text or an
// interpolation. lineStart marks text that starts a heredoc's line.
type templatePart struct {
	text      []byte
	expr      hclsyntax.Expression
	rng       hcl.Range
	lineStart bool
	// from is where the text starts in the file; until owned is set, text
	// is the file's bytes from there (no escape has been decoded).
	from  int
	owned bool
}

// addRaw adds data[i:j], bytes that stand for themselves.
func (p *templatePart) addRaw(data []byte, i, j int) {
	if p.owned {
		p.text = append(p.text, data[i:j]...)
		return
	}
	p.text = data[p.from:j]
}

// own makes the text a copy of its own, for decoded bytes to go on.
func (p *templatePart) own() {
	if !p.owned {
		p.text = append([]byte(nil), p.text...)
		p.owned = true
	}
}

// interpolation reads ${ expression }.
func (r *hclReader) interpolation() templatePart {
	start := r.pos()
	if r.at(2) == '~' {
		r.fail()
	}
	r.i += 2
	e := r.expr(true)
	r.skip(true)
	if r.at(0) != '}' {
		r.fail()
	}
	r.i++
	return templatePart{expr: e, rng: r.rangeFrom(start)}
}

// quoted reads a quoted string template.
func (r *hclReader) quoted() hclsyntax.Expression {
	if e := r.plainQuoted(); e != nil {
		return e
	}
	open := r.advance(1)
	mark := len(r.parts)
	var lit *templatePart
	for r.at(0) != '"' {
		switch c := r.at(0); {
		case c == '$' && r.at(1) == '{':
			lit = nil
			r.parts = append(r.parts, r.interpolation())
			continue
		case c == '%' && r.at(1) == '{':
			r.fail() // a template directive
		}
		if lit == nil {
			r.parts = append(r.parts, templatePart{rng: hcl.Range{Filename: r.file, Start: r.pos()}, from: r.i})
			lit = &r.parts[len(r.parts)-1]
		}
		r.literal(lit, true)
		lit.rng.End = r.pos()
	}
	closing := r.advance(1)
	return r.template(mark, open, closing, closing)
}

// plainQuoted reads a quoted string of bytes that all stand for
// themselves, most strings, without the work of a template; nil for any
// other.
func (r *hclReader) plainQuoted() hclsyntax.Expression {
	j := r.i + 1
	for j < len(r.data) {
		c := r.data[j]
		if c == '"' || c == '\\' || c == '$' || c == '%' || c == '\n' || c == '\r' || c >= utf8.RuneSelf {
			break
		}
		j++
	}
	if j == r.i+1 || j >= len(r.data) || r.data[j] != '"' {
		return nil
	}
	open := r.advance(1)
	text := r.advance(j - r.i)
	closing := r.advance(1)
	n := &plainString{literal: hclsyntax.LiteralValueExpr{Val: cty.StringVal(string(r.data[text.Start.Byte:text.End.Byte])), SrcRange: text}}
	n.parts[0] = &n.literal
	n.template = hclsyntax.TemplateExpr{Parts: n.parts[:], SrcRange: r.between(open, closing)}
	return &n.template
}

// plainString is the nodes of a plain quoted string, allocated together.
type plainString struct {
	template hclsyntax.TemplateExpr
	literal  hclsyntax.LiteralValueExpr
	parts    [1]hclsyntax.Expression
}

// heredoc reads <<MARKER or <<-MARKER, its lines and its closing marker.
func (r *hclReader) heredoc() hclsyntax.Expression {
	start := r.pos()
	r.i += 2
	flush := r.at(0) == '-'
	if flush {
		r.i++
	}
	marker, _ := r.ident()
	if marker == "" || !r.atLineEnd() || r.at(0) == '#' || r.at(0) == '/' {
		r.fail()
	}
	r.newline()
	open := r.rangeFrom(start)
	mark := len(r.parts)
	var lit *templatePart
	lineStart := true
	for {
		if lineStart {
			end := bytes.IndexByte(r.data[r.i:], '\n')
			if end < 0 {
				r.fail()
			}
			line := r.data[r.i : r.i+end]
			if string(bytes.TrimSpace(line)) == marker {
				closing := r.advance(len(bytes.TrimSuffix(line, []byte("\r"))))
				if flush {
					flushHeredoc(r.parts[mark:])
				}
				return r.template(mark, open, closing, closing)
			}
		}
		switch c := r.at(0); {
		case c == '$' && r.at(1) == '{':
			lit, lineStart = nil, false
			r.parts = append(r.parts, r.interpolation())
			continue
		case c == '%' && r.at(1) == '{':
			r.fail()
		}
		if lit == nil || lineStart {
			r.parts = append(r.parts, templatePart{rng: hcl.Range{Filename: r.file, Start: r.pos()}, lineStart: lineStart, from: r.i})
			lit = &r.parts[len(r.parts)-1]
		}
		if r.at(0) == '\n' || r.at(0) == '\r' {
			from := r.i
			r.newline()
			lit.addRaw(r.data, from, r.i)
			lineStart = true
		} else {
			r.literal(lit, false)
			lineStart = false
		}
		lit.rng.End = r.pos()
	}
}

// flushHeredoc takes off every line of a <<- heredoc the white space that
// all its lines start with, as hclsyntax's flushHeredocTemplateParts does:
// lines of white space alone do not count, a line that starts with an
// interpolation counts as none.
func flushHeredoc(parts []templatePart) {
	least := -1
	var adjust []*templatePart
	for i := range parts {
		p := &parts[i]
		switch {
		case p.expr != nil:
			if i == 0 || parts[i-1].expr == nil && bytes.HasSuffix(parts[i-1].text, []byte("\n")) {
				least = 0
			}
			continue
		case !p.lineStart:
			continue
		}
		spaces := len(p.text) - len(bytes.TrimLeft(p.text, " \t\v\f\r\n"))
		if spaces == len(p.text) && bytes.HasSuffix(p.text, []byte("\n")) {
			continue // a blank line
		}
		adjust = append(adjust, p)
		if least < 0 || spaces < least {
			least = spaces
		}
	}
	for _, p := range adjust {
		p.text = p.text[least:]
		p.rng.Start.Column += least
		p.rng.Start.Byte += least
	}
}

// template makes the expression of the template parts waiting since
// mark, as hclsyntax's parseTemplateInner does: one interpolation alone
// is the expression itself, wrapped; no parts at all is the empty string,
// placed at the end of first (the token after the opening one).
func (r *hclReader) template(mark int, open, closing, first hcl.Range) hclsyntax.Expression {
	parts := r.parts[mark:]
	defer func() { r.parts = r.parts[:mark] }()
	rng := r.between(open, closing)
	if len(parts) == 1 && parts[0].expr != nil {
		return &hclsyntax.TemplateWrapExpr{Wrapped: parts[0].expr, SrcRange: rng}
	}
	if len(parts) == 0 {
		return &hclsyntax.TemplateExpr{Parts: []hclsyntax.Expression{&hclsyntax.LiteralValueExpr{
			Val: cty.StringVal(""), SrcRange: hcl.Range{Filename: r.file, Start: first.End, End: first.End},
		}}, SrcRange: rng}
	}
	exprs := make([]hclsyntax.Expression, 0, len(parts))
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if p.expr != nil {
			exprs = append(exprs, p.expr)
			continue
		}
		// consecutive pieces of text (lines of a heredoc) are one literal
		text := p.text
		for i+1 < len(parts) && parts[i+1].expr == nil {
			i++
			text = append(text[:len(text):len(text)], parts[i].text...)
			p.rng.End = parts[i].rng.End
		}
		exprs = append(exprs, &hclsyntax.LiteralValueExpr{Val: cty.StringVal(string(text)), SrcRange: p.rng})
	}
	return &hclsyntax.TemplateExpr{Parts: exprs, SrcRange: rng}
}
