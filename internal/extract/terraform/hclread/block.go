// Package hclread reads a Terraform file (.tf, .tfvars, terragrunt's
// .hcl) into its blocks and attributes, with hclsyntax's expression nodes
// and positions. It reads only the blocks the Terraform reader looks into
// (skip.go), with a reader of its own where it can vouch for the text
// (read.go) and with hclsyntax where it cannot, and refuses text nested
// too deeply for hclsyntax (nesting.go). It needs a file's name and bytes
// only: which module a file belongs to, and what its blocks mean, is
// package terraform's business.
package hclread

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Block is a block of HCL, or a whole file, in either syntax (package
// terraform makes them of .tf.json files too). Its ranges carry the name
// the file was read under.
type Block struct {
	Type   string
	Labels []string
	Attrs  []*Attr // in the order they are written
	Blocks []*Block
	Range  hcl.Range
}

// Attr is an attribute of a block.
type Attr struct {
	Name  string
	Expr  hclsyntax.Expression
	Range hcl.Range
}

// Attr returns the attribute of b named name, or nil.
func (b *Block) Attr(name string) *Attr {
	for _, a := range b.Attrs {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// SyntaxError is the first error hclsyntax reports in a file, at a byte
// offset of it.
type SyntaxError struct {
	Offset  int
	Summary string
	Detail  string
}

func (e *SyntaxError) Error() string {
	if e.Detail == "" {
		return e.Summary
	}
	return e.Summary + ": " + e.Detail
}

// Read reads the file data, named name in every range, into a block that
// holds its top-level blocks and attributes. A file nested too deeply is
// not read (ErrTooDeep). On a syntax error the block is what hclsyntax
// recovered, and the error is the first one.
func Read(name string, data []byte) (*Block, error) {
	if err := CheckDepth(data); err != nil {
		return nil, err
	}
	if top := readConfig(name, data); top != nil {
		return top, nil
	}
	file, diags := hclsyntax.ParseConfig(blankIrrelevantBlocks(data), name, hcl.InitialPos)
	var err error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		off := 0
		if d.Subject != nil {
			off = d.Subject.Start.Byte
		}
		err = &SyntaxError{Offset: off, Summary: d.Summary, Detail: d.Detail}
		break
	}
	body, _ := file.Body.(*hclsyntax.Body)
	if body == nil {
		return nil, err
	}
	top := &Block{Range: body.SrcRange}
	fillBlock(top, body)
	return top, err
}

// nativeBlock is the block hclsyntax parsed as b.
func nativeBlock(b *hclsyntax.Block) *Block {
	tb := &Block{Type: b.Type, Labels: b.Labels, Range: hcl.RangeBetween(b.TypeRange, b.CloseBraceRange)}
	fillBlock(tb, b.Body)
	return tb
}

// fillBlock gives tb the attributes and blocks of body. hclsyntax keeps
// attributes in a map; they are put back in the order they are written.
func fillBlock(tb *Block, body *hclsyntax.Body) {
	if len(body.Attributes) > 0 {
		attrs := make([]Attr, 0, len(body.Attributes))
		for _, a := range body.Attributes {
			attrs = append(attrs, Attr{Name: a.Name, Expr: a.Expr, Range: a.SrcRange})
		}
		slices.SortFunc(attrs, func(a, b Attr) int { return a.Range.Start.Byte - b.Range.Start.Byte })
		tb.Attrs = make([]*Attr, len(attrs))
		for i := range attrs {
			tb.Attrs[i] = &attrs[i]
		}
	}
	if len(body.Blocks) > 0 {
		tb.Blocks = make([]*Block, len(body.Blocks))
		for i, b := range body.Blocks {
			tb.Blocks[i] = nativeBlock(b)
		}
	}
}
