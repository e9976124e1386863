// Package syntax reads JSON, JSON with comments and YAML into one tree of
// nodes that know their byte offsets in the file, so that every finding
// and warning can be placed exactly.
package syntax

import "github.com/ssm-guardrails/ssm-guardrails/internal/source"

// Kind is the type of a parsed node.
type Kind uint8

const (
	KindNull Kind = iota
	KindBool
	KindNumber
	KindString
	KindList
	KindMap
)

// Node is one value of a parsed JSON or YAML document. Start and End are
// byte offsets into the file (End exclusive); Source turns them into
// lines and columns only where a position is reported, which keeps the
// tree cheap to build.
type Node struct {
	Kind   Kind
	Text   string  // the scalar's value; strings are unescaped
	Items  []*Node // list items
	Fields []Field // map entries in file order
	Start  int
	End    int
	// Alias is set on a YAML alias (*name), and on a value a merge key
	// (<<: *name) brings in: the node as written at its anchor. The alias
	// node has the anchored node's content (the same Items and Fields)
	// and its own place, so a statement used through an alias is read
	// where it is used and can name its anchor.
	Alias *Node
}

// Anchored returns the node as written: n itself, or for an alias the
// node its anchor names.
func (n *Node) Anchored() *Node {
	if n.Alias != nil {
		return n.Alias
	}
	return n
}

// Field is one key/value entry of a map.
type Field struct {
	Key   *Node
	Value *Node
}

// Get returns the value of key in a map node, or nil. With duplicate keys
// the last one wins, as in most JSON and YAML readers.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != KindMap {
		return nil
	}
	for i := len(n.Fields) - 1; i >= 0; i-- {
		if n.Fields[i].Key.Text == key {
			return n.Fields[i].Value
		}
	}
	return nil
}

// IsScalar reports whether n is a string, number or bool.
func (n *Node) IsScalar() bool {
	return n != nil && (n.Kind == KindString || n.Kind == KindNumber || n.Kind == KindBool)
}

// List returns the items of a list node, or n itself as a one-item list:
// IAM lets most elements be a single value or a list of them.
func (n *Node) List() []*Node {
	switch {
	case n == nil:
		return nil
	case n.Kind == KindList:
		return n.Items
	default:
		return []*Node{n}
	}
}

// Span returns the region n covers in the file src reads.
func (n *Node) Span(src *source.Source) source.Span {
	return src.Span(n.Start, n.End)
}

// Describe names the node's kind for messages: "a list", "an object".
func (n *Node) Describe() string {
	switch n.Kind {
	case KindNull:
		return "null"
	case KindBool:
		return "a boolean"
	case KindNumber:
		return "a number"
	case KindString:
		return "a string"
	case KindList:
		return "a list"
	default:
		return "an object"
	}
}

// ScalarText returns the text of a scalar node, or "" for anything else.
func (n *Node) ScalarText() string {
	if n.IsScalar() {
		return n.Text
	}
	return ""
}
