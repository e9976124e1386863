package hclread

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Strings, heredocs and their templates, for the reader of read.go.

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
		num, err := strconv.ParseUint(string(hex), 16, 32)
		if err != nil {
			r.fail() // not all hex digits: hclsyntax takes fewer digits, and rejects them
		}
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
