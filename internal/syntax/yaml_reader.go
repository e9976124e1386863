package syntax

import (
	"bytes"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// yamlReader reads the YAML that CloudFormation, SAM, Serverless and
// Kubernetes-style files are written in straight into our tree, without
// go-yaml's tree of the whole document first: block maps and lists
// (indentless lists too), flow maps and lists, plain, quoted and block
// scalars, tags (the CloudFormation short forms), anchors and aliases,
// merge keys, comments, and streams of documents.
//
// Whatever else it meets (directives, explicit "?" keys, properties or
// aliases as keys, a tab in indentation, a block scalar with an
// indentation indicator, and any error) it leaves to go-yaml, which then
// reads the whole stream: so every stream it reads is one go-yaml reads
// the same way, and every error message is go-yaml's. FuzzYAMLReader
// checks that both give the same tree.
type yamlReader struct {
	yamlTree
	data      []byte
	pos       int
	lineStart int // offset of the line pos is on
	anchors   map[string]*Node
	// The fields and items of the maps and lists being read wait on
	// stacks until their map or list is complete, then get a slice of
	// exactly their size.
	fields []Field
	items  []*Node
}

// leftToGoYAML is the panic with which the reader gives a stream up to
// go-yaml; readYAML recovers it.
type leftToGoYAML struct{}

func (r *yamlReader) leave() { panic(leftToGoYAML{}) }

// readYAML reads a stream with our reader; ok is false when it leaves
// the stream to go-yaml.
func readYAML(src *source.Source, nodes *Nodes) (docs []*Node, warnings []source.Diagnostic, ok bool) {
	if !readableYAML(src.Data) {
		return nil, nil, false
	}
	r := &yamlReader{yamlTree: yamlTree{src: src, Nodes: nodes}, data: src.Data}
	r.texts.fit(len(r.data))
	defer func() {
		if v := recover(); v != nil {
			if _, left := v.(leftToGoYAML); !left {
				panic(v)
			}
			docs, warnings, ok = nil, nil, false
		}
	}()
	return r.stream(), r.warnings, true
}

// readableYAML reports whether data holds none of the characters go-yaml
// refuses that yamlSafe leaves alone: C1 controls and U+FFFE, U+FFFF.
func readableYAML(data []byte) bool {
	// Both start with a byte an ASCII file does not hold: look at those.
	for i := 0; i < len(data); i++ {
		j := bytes.IndexByte(data[i:], 0xc2)
		if j < 0 {
			break
		}
		if i += j; i+1 < len(data) && data[i+1] >= 0x80 && data[i+1] <= 0x9f {
			return false
		}
	}
	for i := 0; i < len(data); i++ {
		j := bytes.IndexByte(data[i:], 0xef)
		if j < 0 {
			break
		}
		if i += j; i+2 < len(data) && data[i+1] == 0xbf && data[i+2] >= 0xbe {
			return false
		}
	}
	return true
}

func (r *yamlReader) stream() []*Node {
	if source.HasBOM(r.data) {
		r.pos, r.lineStart = len(source.BOM), len(source.BOM)
	}
	var docs []*Node
	r.next()
	for r.pos < len(r.data) {
		explicit := false
		if r.atMarker() {
			if r.data[r.pos] == '.' {
				r.leave() // "...": document end markers
			}
			explicit = true
			r.pos += len("---")
			r.endOfLine()
			r.next()
		}
		if r.pos >= len(r.data) || r.atMarker() {
			if !explicit {
				r.leave()
			}
			// An explicit document with nothing in it is a null, at the
			// next marker or the end of the stream.
			docs = append(docs, r.node(Node{Kind: KindNull, Start: r.pos, End: r.pos}))
			continue
		}
		n := r.blockNode(-1, 0, true, false)
		r.next()
		if r.pos < len(r.data) && !r.atMarker() {
			r.leave()
		}
		docs = append(docs, n)
	}
	return docs
}

// Characters and places.

func (r *yamlReader) at(i int) byte {
	if i < len(r.data) {
		return r.data[i]
	}
	return 0
}

// blankz reports whether offset i is a space, tab, line break or the end.
func (r *yamlReader) blankz(i int) bool {
	c := r.at(i)
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0 && i >= len(r.data)
}

func (r *yamlReader) col() int { return r.pos - r.lineStart }

// atMarker reports whether a document marker (--- or ...) starts at pos.
func (r *yamlReader) atMarker() bool {
	if r.pos != r.lineStart || r.pos+3 > len(r.data) || !r.blankz(r.pos+3) {
		return false
	}
	m := string(r.data[r.pos : r.pos+3])
	return m == "---" || m == "..."
}

// atLineEnd reports whether nothing but a comment is left on the line,
// after the spaces at pos.
func (r *yamlReader) atLineEnd() bool {
	c := r.at(r.pos)
	return r.pos >= len(r.data) || c == '\n' || c == '\r' || c == '#'
}

// spaces steps over spaces. A tab in block context is left to go-yaml,
// which allows it in some places and not in others.
func (r *yamlReader) spaces() {
	i := r.pos
	for i < len(r.data) && r.data[i] == ' ' {
		i++
	}
	if r.pos = i; i < len(r.data) && r.data[i] == '\t' {
		r.leave()
	}
}

// endOfLine requires the rest of the line to be spaces and a comment.
func (r *yamlReader) endOfLine() {
	r.spaces()
	if !r.atLineEnd() {
		r.leave()
	}
}

// lineBreak steps over the line break at pos, if there is one.
func (r *yamlReader) lineBreak() bool {
	switch r.at(r.pos) {
	case '\r':
		r.pos++
		if r.at(r.pos) == '\n' {
			r.pos++
		}
	case '\n':
		r.pos++
	default:
		return false
	}
	r.lineStart = r.pos
	return true
}

// next moves to the next token of block context: past spaces, comments
// and line breaks. A comment needs white space before it.
func (r *yamlReader) next() {
	for {
		r.spaces()
		if r.at(r.pos) == '#' && (r.pos == r.lineStart || r.data[r.pos-1] == ' ') {
			r.pos = lineEnd(r.data, r.pos)
		}
		if !r.lineBreak() {
			return
		}
	}
}

// nextLine moves to the next token after node n of block context, which
// must be on a later line than n's end.
func (r *yamlReader) nextLine(n *Node) {
	r.next()
	if r.pos < len(r.data) && n.End > r.lineStart {
		r.leave()
	}
}

// Block context.

// blockNode reads the node at pos, inside a block indented at parent
// (-1: the document). lineStart is whether the node is the first thing on
// its line, or follows "- ": only then may it be a block map or list.
// mapValue is whether it is the value of a map entry, on the key's line:
// after properties, it may be a list at the map's own column.
func (r *yamlReader) blockNode(parent, depth int, lineStart, mapValue bool) *Node {
	if depth > MaxDepth {
		r.leave()
	}
	start := r.pos
	anchor, tag := r.properties()
	if anchor == "" && tag == "" {
		return r.blockContent(parent, depth, lineStart, "")
	}
	if c := r.at(r.pos); c == '#' || c == '*' {
		r.leave() // a comment between the properties and the content; an alias with properties
	}
	if !r.atLineEnd() {
		// On the same line, a key would take the properties.
		return r.finish(r.blockContent(parent, depth, false, tag), start, anchor, tag)
	}
	// The content is on the lines below, indented deeper, or a list at
	// the column of the map it is the value of.
	r.next()
	switch {
	case r.pos >= len(r.data) || r.atMarker() || r.col() < parent || r.at(r.pos) == '*':
	case r.col() > parent:
		return r.finish(r.blockContent(parent, depth, true, tag), start, anchor, tag)
	case mapValue && r.at(r.pos) == '-' && r.blankz(r.pos+1):
		return r.finish(r.blockList(parent, depth, r.pos), start, anchor, tag)
	}
	r.leave() // a node of properties alone
	return nil
}

// finish gives a node read after its properties, which start at start,
// its start, its tag and its anchor.
func (r *yamlReader) finish(n *Node, start int, anchor, tag string) *Node {
	n.Start = start
	n = r.tagged(n, tag, start)
	if anchor != "" {
		if r.anchors == nil {
			r.anchors = map[string]*Node{}
		}
		r.anchors[anchor] = n
	}
	return n
}

// blockContent reads a node's content at pos; tag is the node's tag, if
// it has one.
func (r *yamlReader) blockContent(parent, depth int, lineStart bool, tag string) *Node {
	col := r.col()
	switch c := r.at(r.pos); {
	case c == '*':
		n := r.alias()
		r.spaces()
		if r.at(r.pos) == ':' {
			r.leave() // an alias as a key
		}
		return n
	case c == '-' && r.blankz(r.pos+1):
		if !lineStart {
			r.leave()
		}
		return r.blockList(col, depth, r.pos)
	case c == '[' || c == '{':
		n := r.flowCollection(depth)
		r.spaces()
		if r.at(r.pos) == ':' {
			r.leave() // a flow collection as a key
		}
		return n
	case c == '|' || c == '>':
		return r.blockScalar(parent)
	case c == '"' || c == '\'':
		n, multiline := r.quoted()
		return r.maybeKey(n, multiline, false, col, depth, lineStart)
	case !r.plainStart(false):
		r.leave()
	}
	n, multiline := r.plain(parent, false)
	if m := r.maybeKey(n, multiline, n.Text == mergeKey, col, depth, lineStart); m != n {
		return m // the tag is the map's
	}
	if tag != "" {
		n.Kind = plainKind(tag) // a tagged plain scalar is of its tag's kind (!!int 1)
	}
	return n
}

// maybeKey returns scalar n, or the block map it is the first key of
// when a ':' follows it.
func (r *yamlReader) maybeKey(n *Node, multiline, merge bool, col, depth int, lineStart bool) *Node {
	if !r.atValueIndicator() {
		return n
	}
	if multiline || !lineStart || n.End-n.Start > maxSimpleKey {
		r.leave()
	}
	return r.blockMap(col, depth, n, merge)
}

// maxSimpleKey is how long a key without "?" may be; YAML readers stop
// looking for its ':' after 1024 characters.
const maxSimpleKey = 1000

// atValueIndicator reports whether, after spaces, a ':' that ends a key
// follows (a ':' followed by white space or the end).
func (r *yamlReader) atValueIndicator() bool {
	r.spaces()
	return r.at(r.pos) == ':' && r.blankz(r.pos+1)
}

// blockMap reads a block map at column col whose first key has been read;
// pos is at the ':' after it.
func (r *yamlReader) blockMap(col, depth int, first *Node, merge bool) *Node {
	n := r.node(Node{Kind: KindMap, Start: first.Start})
	var keys keyIndex
	var merges []int
	base := len(r.fields)
	k := first
	for {
		r.key(&keys, k)
		if merge {
			merges = append(merges, len(r.fields)-base)
		}
		r.pos++ // the ':'
		v := r.mapValue(col, depth+1)
		r.fields = append(r.fields, Field{Key: k, Value: v})
		r.nextLine(v)
		if r.pos >= len(r.data) || r.atMarker() || r.col() < col {
			break
		}
		if r.col() > col {
			r.leave()
		}
		k, merge = r.mapKey(depth + 1)
	}
	n.Fields = r.fieldSlab.copyOf(r.fields[base:])
	r.fields = r.fields[:base]
	n.End = n.Fields[len(n.Fields)-1].Value.End
	if merges != nil {
		r.merge(n, merges)
	}
	return n
}

// mapKey reads the key of the next entry of a block map, a scalar on one
// line, up to the ':' after it; merge says it is the merge key.
func (r *yamlReader) mapKey(depth int) (*Node, bool) {
	n, multiline, merge := r.keyScalar(depth, false) // "- " in a map, "? ", properties or an alias as a key are left
	if multiline || !r.atValueIndicator() || n.End-n.Start > maxSimpleKey {
		r.leave()
	}
	return n, merge
}

// keyScalar reads a key at pos: a plain or a quoted scalar. merge says it
// is the merge key.
func (r *yamlReader) keyScalar(depth int, flow bool) (n *Node, multiline, merge bool) {
	if depth > MaxDepth {
		r.leave()
	}
	switch c := r.at(r.pos); {
	case c == '"' || c == '\'':
		n, multiline = r.quoted()
	case r.plainStart(flow):
		n, multiline = r.plain(-1, flow)
	default:
		r.leave()
	}
	return n, multiline, n.Text == mergeKey && r.data[n.Start] == '<'
}

// mapValue reads the value of a block map entry at column col, from
// after its ':'. A value on the lines below is indented deeper, or is a
// list at the map's own column; nothing there is a null at the ':'.
func (r *yamlReader) mapValue(col, depth int) *Node {
	colonEnd := r.pos
	r.spaces()
	if !r.atLineEnd() {
		return r.blockNode(col, depth, false, true)
	}
	r.next()
	switch {
	case r.pos >= len(r.data) || r.atMarker() || r.col() < col:
	case r.col() > col:
		return r.blockNode(col, depth, true, false)
	case r.at(r.pos) == '-' && r.blankz(r.pos+1):
		return r.blockList(col, depth, r.pos)
	}
	return r.node(Node{Kind: KindNull, Start: colonEnd, End: colonEnd})
}

// blockList reads the block list whose first "- " is at pos, at column
// col (the column of the map around it, for a list written at its map's
// column).
func (r *yamlReader) blockList(col, depth int, start int) *Node {
	n := r.node(Node{Kind: KindList, Start: start})
	base := len(r.items)
	for {
		r.pos++ // the '-'
		dashEnd := r.pos
		r.spaces()
		var item *Node
		if r.atLineEnd() {
			r.next()
			if r.pos >= len(r.data) || r.atMarker() || r.col() <= col {
				item = r.node(Node{Kind: KindNull, Start: dashEnd, End: dashEnd})
			} else {
				item = r.blockNode(col, depth+1, true, false)
				r.nextLine(item)
			}
		} else {
			item = r.blockNode(col, depth+1, true, false)
			r.nextLine(item)
		}
		r.items = append(r.items, item)
		if r.pos >= len(r.data) || r.atMarker() || r.col() < col {
			break
		}
		if r.col() > col {
			r.leave()
		}
		if r.at(r.pos) != '-' || !r.blankz(r.pos+1) {
			break // the next key of the map the list is written at the column of
		}
	}
	n.Items = r.itemSlab.copyOf(r.items[base:])
	r.items = r.items[:base]
	n.End = n.Items[len(n.Items)-1].End
	return n
}

// Properties and aliases.

// properties reads a node's anchor and tag, in either order, and the
// spaces after them.
func (r *yamlReader) properties() (anchor, tag string) {
	for {
		switch r.at(r.pos) {
		case '&':
			if anchor != "" {
				r.leave()
			}
			r.pos++
			anchor = r.anchorName()
		case '!':
			if tag != "" {
				r.leave()
			}
			tag = r.tag()
		default:
			return anchor, tag
		}
		if !r.blankz(r.pos) {
			r.leave()
		}
		r.spaces()
	}
}

// anchorName reads the name of an anchor or alias: letters, digits, '_'
// and '-' (what go-yaml allows).
func (r *yamlReader) anchorName() string {
	start := r.pos
	for r.pos < len(r.data) && isAnchorChar(r.data[r.pos]) {
		r.pos++
	}
	if r.pos == start {
		r.leave()
	}
	return string(r.data[start:r.pos])
}

func isAnchorChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// tag reads a tag written !name (a local tag: the CloudFormation short
// forms) or !!name (a standard one), as go-yaml reports it. Other forms
// (verbatim, named handles, escapes) are left to go-yaml.
func (r *yamlReader) tag() string {
	start := r.pos
	r.pos++
	if r.at(r.pos) == '!' {
		r.pos++
	}
	nameStart := r.pos
	for r.pos < len(r.data) && (isAnchorChar(r.data[r.pos]) || r.data[r.pos] == ':' || r.data[r.pos] == '.') {
		r.pos++
	}
	if r.pos == nameStart {
		r.leave()
	}
	return intern(&r.texts, r.data[start:r.pos])
}

// alias reads *name and returns the copy of its anchor's node.
func (r *yamlReader) alias() *Node {
	start := r.pos
	r.pos++
	name := r.anchorName()
	if !r.blankz(r.pos) && !isFlowIndicator(r.at(r.pos)) {
		r.leave()
	}
	target := r.anchors[name]
	if target == nil {
		r.leave() // go-yaml words the error
	}
	n, err := r.yamlTree.alias(target, start, r.pos)
	if err != nil {
		r.leave()
	}
	return n
}
