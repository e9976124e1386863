package syntax

import (
	"fmt"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// yamlTree builds the node tree of a YAML stream the same way for both
// readers (ours and go-yaml's): aliases, merge keys, CloudFormation tags,
// duplicate keys, the limits, and where nodes end.
type yamlTree struct {
	src      *source.Source
	warnings []source.Diagnostic
	sizes    map[*Node]int
	// aliasNodes counts the nodes aliases add, for MaxYAMLNodes.
	aliasNodes int
	// flowEnds remembers where each flow collection found so far ends,
	// by its opening bracket: an enclosing collection, whose end is
	// found after its children's, steps over them instead of reading
	// them again, which keeps deep nesting linear.
	flowEnds map[int]int
	*Nodes
}

func (t *yamlTree) depthError(off int) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf("nesting deeper than %d levels", MaxDepth)}
}

// alias returns the node for an alias at start..end whose anchor names
// target (nil: no anchor of that name before it): a copy of the anchored
// node's content at the alias's own place.
func (t *yamlTree) alias(target *Node, start, end int) (*Node, error) {
	if target == nil {
		return nil, &SyntaxError{Offset: start, Msg: "alias to an anchor that is not defined before it"}
	}
	t.aliasNodes += t.size(target)
	if t.aliasNodes > MaxYAMLNodes {
		return nil, &SyntaxError{Offset: start, Msg: fmt.Sprintf("aliases expand to more than %d nodes", MaxYAMLNodes)}
	}
	return t.aliasOf(target, start, end), nil
}

// aliasOf is n used at start..end.
func (t *yamlTree) aliasOf(n *Node, start, end int) *Node {
	return t.node(Node{Kind: n.Kind, Text: n.Text, Items: n.Items, Fields: n.Fields, Start: start, End: end, Alias: n.Anchored()})
}

// size counts the nodes below n, once per node however often it is
// reached through aliases.
func (t *yamlTree) size(n *Node) int {
	if t.sizes == nil {
		t.sizes = map[*Node]int{}
	}
	if s, ok := t.sizes[n]; ok {
		return s
	}
	s := 1
	for _, item := range n.Items {
		s += t.size(item)
	}
	for _, f := range n.Fields {
		s += t.size(f.Key) + t.size(f.Value)
	}
	t.sizes[n] = s
	return s
}

// tagged applies a node's tag: a CloudFormation short form (!Ref, !Sub,
// any other local tag) becomes its long form, a map of one key.
func (t *yamlTree) tagged(n *Node, tag string, start int) *Node {
	name, ok := t.intrinsicTag(tag)
	if !ok {
		return n
	}
	key := t.node(Node{Kind: KindString, Text: name, Start: start, End: start + len(tag)})
	return t.node(Node{Kind: KindMap, Fields: t.fieldSlab.copyOf([]Field{{Key: key, Value: n}}), Start: start, End: n.End})
}

// intrinsicTag maps a CloudFormation short-form tag to its long name.
func (t *yamlTree) intrinsicTag(tag string) (string, bool) {
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") {
		return "", false
	}
	switch name := tag[1:]; name {
	case "Ref", "Condition":
		return name, true
	case "":
		return "", false
	default:
		var long [64]byte // the few long names, interned without a string each time
		return intern(&t.texts, append(append(long[:0], "Fn::"...), name...)), true
	}
}

// key records key k of a map and warns when the map had it already:
// readers differ on which one counts (the extractor judges every reading
// of a statement; elsewhere Node.Get takes the last).
func (t *yamlTree) key(keys *keyIndex, k *Node) {
	if prev, dup := keys.seen(k.Text, k.Start); dup && k.Kind != KindMap {
		t.warnings = append(t.warnings, source.Diagnostic{Offset: k.Start,
			Msg: fmt.Sprintf("duplicate key %q (also on line %d): readers differ on which one counts", k.Text, t.src.Pos(prev).Line)})
	}
}

// mergeKey is the key of a merge (<<: *defaults), as YAML 1.1 and every
// YAML reader CloudFormation users meet apply it.
const mergeKey = "<<"

// merge applies the merge keys of map n, at the indices of its fields in
// at: each is replaced by the fields of the maps it names (one map or a
// list of them) that the map does not set itself; of two merged maps
// that set a key, the first one listed wins, and of two merge keys the
// last. A value merged through an alias is used at the alias, as an
// alias is.
func (t *yamlTree) merge(n *Node, at []int) {
	last := at[len(at)-1]
	sources, ok := mergeSources(n.Fields[last].Value)
	if !ok {
		v := n.Fields[last].Value
		t.warnings = append(t.warnings, source.Diagnostic{Offset: v.Start,
			Msg: fmt.Sprintf("the merge key << takes a map or a list of maps, not %s; it is read as a plain key", v.Describe())})
		return
	}
	set := make(map[string]bool, len(n.Fields))
	for i, f := range n.Fields {
		if !isIndex(at, i) {
			set[f.Key.Text] = true
		}
	}
	var merged []Field
	for _, m := range sources {
		for j, f := range m.Fields {
			if set[f.Key.Text] || lastIndex(m, f.Key.Text) != j {
				continue // set by the map, by an earlier source, or again later in this one
			}
			if m.Alias != nil {
				f.Value = t.aliasOf(f.Value, m.Start, m.End)
			}
			merged = append(merged, f)
		}
		for _, f := range m.Fields {
			set[f.Key.Text] = true
		}
	}
	fields := make([]Field, 0, len(n.Fields)-len(at)+len(merged))
	for i, f := range n.Fields {
		switch {
		case i == last:
			fields = append(fields, merged...)
		case !isIndex(at, i):
			fields = append(fields, f)
		}
	}
	n.Fields = fields
}

// mergeSources returns the maps a merge key's value names.
func mergeSources(v *Node) ([]*Node, bool) {
	switch v.Kind {
	case KindMap:
		return []*Node{v}, true
	case KindList:
		for _, item := range v.Items {
			if item.Kind != KindMap {
				return nil, false
			}
		}
		return v.Items, true
	}
	return nil, false
}

func isIndex(at []int, i int) bool {
	for _, j := range at {
		if j == i {
			return true
		}
	}
	return false
}

// lastIndex returns the index of the last field of m with key.
func lastIndex(m *Node, key string) int {
	for i := len(m.Fields) - 1; i >= 0; i-- {
		if m.Fields[i].Key.Text == key {
			return i
		}
	}
	return -1
}
