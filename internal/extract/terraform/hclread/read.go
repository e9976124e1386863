package hclread

import (
	"bytes"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// hclsyntax spends most of a scan of a Terraform module lexing: a 96-byte
// token for every word, a grapheme-cluster count for every column.
// readConfig reads the HCL that Terraform files are written in straight
// into blocks, with hclsyntax's own nodes for expressions
// (read_expr.go, read_template.go): node for node and position for
// position what fillBlock makes of hclsyntax.ParseConfig's body for the
// file with its irrelevant blocks blanked (skip.go), so the evaluator
// cannot tell the two apart. It reads only the blocks the reader looks
// into, and only text it can vouch for: ASCII outside line comments, no
// template directives (%{ }), strip markers (~), attribute-only splats or
// namespaced functions, no syntax error. A block with anything else is
// handed to hclsyntax on its own; a file it cannot place its blocks in
// (not plain blocks, a byte-order mark, a lone carriage return, broken
// UTF-8) to hclsyntax whole. FuzzReadConfig holds the two readings equal.

// readConfig returns the blocks of the .tf file data, named name, as
// fillBlock makes them of the body hclsyntax.ParseConfig gives for the
// blanked file, or nil when hclsyntax must read the whole file.
func readConfig(name string, data []byte) *Block {
	// hclsyntax's columns count grapheme clusters, which broken UTF-8 in a
	// comment can join across a line break.
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) || hasLoneCR(data) || !utf8.Valid(data) {
		return nil
	}
	blocks, ok := topBlocks(data)
	if !ok {
		return nil
	}
	r := &hclReader{data: data, file: name, line: 1}
	if !r.moveTo(firstToken(data, blocks)) {
		return nil
	}
	start := r.pos()
	top := &Block{}
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
		top.Blocks = append(top.Blocks, blk)
	}
	if !r.moveTo(len(data)) || !commentsEnd(data, blocks) {
		return nil
	}
	top.Range = hcl.Range{Filename: name, Start: start, End: r.pos()}
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
	i         int // the next byte
	line      int
	lineStart int
	depth     int
	// The items of the lists, objects, calls and templates being read wait
	// here, and each gets one slice of its exact size when it ends.
	exprs  []hclsyntax.Expression
	items  []hclsyntax.ObjectConsItem
	parts  []templatePart
	attrs  []Attr
	blocks []*Block
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
// (which Read has already bounded with CheckDepth).
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
func (r *hclReader) topBlock(b topBlock) (blk *Block) {
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
func (r *hclReader) blockAlone(b topBlock) *Block {
	f, diags := hclsyntax.ParseConfig(r.data[b.start:b.end], r.file, r.pos())
	body, ok := f.Body.(*hclsyntax.Body)
	if diags.HasErrors() || !ok || len(body.Blocks) != 1 || len(body.Attributes) != 0 {
		return nil
	}
	blk := body.Blocks[0]
	if blk.CloseBraceRange.End.Byte != b.end || !r.moveTo(b.end) {
		return nil
	}
	return nativeBlock(blk)
}

// block reads a block from its type to its closing brace and, unless it
// is at the top (whose line end readConfig checks in the blanked file),
// the line break after it.
func (r *hclReader) block(top bool) *Block {
	typ, typeRange := r.ident()
	blk := &Block{Type: typ}
	for {
		r.skip(false)
		if r.at(0) == '{' {
			break
		}
		if r.at(0) == '"' {
			blk.Labels = append(blk.Labels, r.label())
			continue
		}
		label, _ := r.ident()
		if label == "" {
			r.fail()
		}
		blk.Labels = append(blk.Labels, label)
	}
	r.i++ // the opening brace
	r.skip(false)
	if r.eof() || r.atLineEnd() || r.at(0) == '}' {
		r.body(blk)
	} else {
		r.oneLineBody(blk)
	}
	closing := r.advance(1)
	blk.Range = r.between(typeRange, closing)
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
func (r *hclReader) body(blk *Block) {
	attrs, blocks := len(r.attrs), len(r.blocks)
	var names map[string]bool // for a body of many attributes
	for {
		r.skip(false)
		switch {
		case r.eof():
			r.fail()
		case r.at(0) == '}':
			blk.Attrs = r.takeAttrs(attrs)
			if len(r.blocks) > blocks {
				blk.Blocks = append([]*Block(nil), r.blocks[blocks:]...)
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
			if a.Name == name {
				return true
			}
		}
		return false
	}
	if *names == nil {
		*names = map[string]bool{}
		for _, a := range waiting {
			(*names)[a.Name] = true
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
func (r *hclReader) takeAttrs(mark int) []*Attr {
	n := len(r.attrs) - mark
	if n == 0 {
		return nil
	}
	vals := append([]Attr(nil), r.attrs[mark:]...)
	r.attrs = r.attrs[:mark]
	out := make([]*Attr, n)
	for i := range vals {
		out[i] = &vals[i]
	}
	return out
}

// oneLineBody reads a block written on one line, { name = value }, up to
// its closing brace.
func (r *hclReader) oneLineBody(blk *Block) {
	name, nameRange := r.ident()
	r.skip(false)
	if name == "" || r.at(0) != '=' || r.at(1) == '=' || r.at(1) == '>' {
		r.fail()
	}
	a := r.attribute(name, nameRange)
	blk.Attrs = []*Attr{&a}
	r.skip(false)
	if r.at(0) != '}' {
		r.fail()
	}
}

// attribute reads the rest of name = expression.
func (r *hclReader) attribute(name string, nameRange hcl.Range) Attr {
	r.i++ // the equals sign
	expr := r.expr(false)
	return Attr{Name: name, Expr: expr, Range: r.between(nameRange, expr.Range())}
}
