package terraform

import (
	"errors"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hcleval"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hclread"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// .tf.json files (and .tfvars.json) are read with our JSON reader, which
// keeps exact offsets, and turned into the same blocks and expressions as
// HCL files: each JSON string is an HCL template, parsed from its decoded
// text, whose positions map back into the file.

// jsonBlockKeys are the keys that are nested blocks, not attributes, in
// the bodies the Terraform reader looks into.
var jsonBlockKeys = map[string]bool{
	"inline_policy": true, "statement": true, "condition": true, "principals": true,
	"not_principals": true, "dynamic": true, "content": true,
}

func (m *tfModule) parseJSON(f *hcleval.File) *hclread.Block {
	root, _, err := syntax.ParseJSON(f.Src)
	if err != nil {
		off := 0
		var se *syntax.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		m.Warn(hcleval.Place{File: f, Start: off}, "cannot parse: "+err.Error())
		return nil
	}
	if root.Kind != syntax.KindMap {
		m.Warn(hcleval.Place{File: f, Start: root.Start}, "a Terraform JSON file must be an object")
		return nil
	}
	top := &hclread.Block{Range: m.nodeRange(f, root)}
	if strings.HasSuffix(f.Name, ".tfvars.json") {
		m.jsonAttrs(f, top, root)
		return top
	}
	for _, fld := range root.Fields {
		switch key := fld.Key.Text; key {
		case "resource", "data":
			for _, byType := range fields(fld.Value) {
				for _, byName := range fields(byType.Value) {
					for _, body := range bodies(byName.Value) {
						top.Blocks = append(top.Blocks, m.jsonBlock(f, key, []string{byType.Key.Text, byName.Key.Text}, byName.Key, body))
					}
				}
			}
		case "module", "variable":
			for _, byName := range fields(fld.Value) {
				for _, body := range bodies(byName.Value) {
					top.Blocks = append(top.Blocks, m.jsonBlock(f, key, []string{byName.Key.Text}, byName.Key, body))
				}
			}
		case "locals":
			for _, body := range bodies(fld.Value) {
				top.Blocks = append(top.Blocks, m.jsonBlock(f, key, nil, fld.Key, body))
			}
		}
	}
	return top
}

func fields(n *syntax.Node) []syntax.Field {
	if n.Kind != syntax.KindMap {
		return nil
	}
	return n.Fields
}

// bodies are the objects of a block: one object or a list of them.
func bodies(n *syntax.Node) []*syntax.Node {
	var out []*syntax.Node
	for _, it := range n.List() {
		if it.Kind == syntax.KindMap {
			out = append(out, it)
		}
	}
	return out
}

func (m *tfModule) nodeRange(f *hcleval.File, n *syntax.Node) hcl.Range {
	return hcl.Range{Filename: f.Key, Start: hcl.Pos{Byte: n.Start}, End: hcl.Pos{Byte: n.End}}
}

// jsonBlock turns a JSON object into a block; the block starts at its
// key, where a person reads it to start.
func (m *tfModule) jsonBlock(f *hcleval.File, typ string, labels []string, key, body *syntax.Node) *hclread.Block {
	b := &hclread.Block{Type: typ, Labels: labels, Range: hcl.Range{Filename: f.Key, Start: hcl.Pos{Byte: key.Start}, End: hcl.Pos{Byte: body.End}}}
	m.jsonAttrs(f, b, body)
	return b
}

func (m *tfModule) jsonAttrs(f *hcleval.File, b *hclread.Block, body *syntax.Node) {
	for _, fld := range body.Fields {
		key := fld.Key.Text
		switch {
		case key == "//":
			if fld.Value.Kind == syntax.KindString {
				if i := strings.Index(fld.Value.Text, suppressionMarker); i >= 0 {
					c := &extract.Comment{File: f.Name, Pos: f.Src.Pos(fld.Key.Start), Text: strings.TrimSpace(fld.Value.Text[i+len(suppressionMarker):])}
					m.blockComments[b] = append(m.blockComments[b], c)
					m.allComments = append(m.allComments, c)
				}
			}
		case key == "dynamic" && b.Type != "":
			for _, byType := range fields(fld.Value) {
				for _, d := range bodies(byType.Value) {
					b.Blocks = append(b.Blocks, m.jsonBlock(f, "dynamic", []string{byType.Key.Text}, byType.Key, d))
				}
			}
		case jsonBlockKeys[key] && b.Type != "" && len(bodies(fld.Value)) > 0 && fld.Value.Kind != syntax.KindString:
			for _, d := range bodies(fld.Value) {
				b.Blocks = append(b.Blocks, m.jsonBlock(f, key, nil, d, d))
			}
		default:
			b.Attrs = append(b.Attrs, &hclread.Attr{Name: key, Expr: m.jsonExpr(f, fld.Value), Range: hcl.RangeBetween(m.nodeRange(f, fld.Key), m.nodeRange(f, fld.Value))})
		}
	}
}

// jsonExpr turns a JSON value into an expression: strings are templates.
func (m *tfModule) jsonExpr(f *hcleval.File, n *syntax.Node) hclsyntax.Expression {
	rng := m.nodeRange(f, n)
	switch n.Kind {
	case syntax.KindMap:
		e := &hclsyntax.ObjectConsExpr{SrcRange: rng, OpenRange: rng}
		for _, fld := range n.Fields {
			key := &hclsyntax.LiteralValueExpr{Val: cty.StringVal(fld.Key.Text), SrcRange: m.nodeRange(f, fld.Key)}
			e.Items = append(e.Items, hclsyntax.ObjectConsItem{KeyExpr: &hclsyntax.ObjectConsKeyExpr{Wrapped: key, ForceNonLiteral: true}, ValueExpr: m.jsonExpr(f, fld.Value)})
		}
		return e
	case syntax.KindList:
		e := &hclsyntax.TupleConsExpr{SrcRange: rng, OpenRange: rng}
		for _, it := range n.Items {
			e.Exprs = append(e.Exprs, m.jsonExpr(f, it))
		}
		return e
	case syntax.KindString:
		return m.jsonTemplate(f, n)
	case syntax.KindNumber:
		if v, err := cty.ParseNumberVal(n.Text); err == nil {
			return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}
		}
	case syntax.KindBool:
		return &hclsyntax.LiteralValueExpr{Val: cty.BoolVal(n.Text == "true"), SrcRange: rng}
	}
	return &hclsyntax.LiteralValueExpr{Val: cty.NullVal(cty.DynamicPseudoType), SrcRange: rng}
}

// jsonTemplate parses a JSON string as an HCL template, in a view of the
// decoded string that maps back into the file.
func (m *tfModule) jsonTemplate(f *hcleval.File, n *syntax.Node) hclsyntax.Expression {
	view := m.addView(f, n.Text, source.AlignOffsets(n.Text, f.Data, n.Start, n.End))
	whole := hcl.Range{Filename: view.Key, Start: hcl.Pos{Byte: 0}, End: hcl.Pos{Byte: len(n.Text)}}
	literal := &hclsyntax.LiteralValueExpr{Val: cty.StringVal(n.Text), SrcRange: whole}
	if !strings.Contains(n.Text, "${") && !strings.Contains(n.Text, "%{") {
		return literal
	}
	if m.deepTemplate(view) {
		return literal
	}
	e, diags := hclsyntax.ParseTemplate(view.Data, view.Key, hcl.InitialPos)
	if diags.HasErrors() {
		m.Warn(hcleval.Place{File: view}, "cannot parse the template: "+diags[0].Summary)
		return literal
	}
	return e
}
