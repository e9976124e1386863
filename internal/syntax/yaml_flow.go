package syntax

// The flow collections of the YAML reader: [a, b] and {k: v}, on one
// line or many. Entries without a value ({a}), pairs in lists ([a: b]),
// "?" keys and keys that are not scalars are left to go-yaml.

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}

// flowSpace steps over white space, line breaks and comments inside a
// flow collection.
func (r *yamlReader) flowSpace() {
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; {
		case c == ' ' || c == '\t':
			r.pos++
		case c == '#' && (r.pos == r.lineStart || r.data[r.pos-1] == ' ' || r.data[r.pos-1] == '\t'):
			r.pos = lineEnd(r.data, r.pos)
		case r.lineBreak():
			if r.atMarker() {
				r.leave()
			}
		default:
			return
		}
	}
}

// flowCollection reads the flow list or map that opens at pos.
func (r *yamlReader) flowCollection(depth int) *Node {
	if depth > MaxDepth {
		r.leave()
	}
	start := r.pos
	isMap := r.data[r.pos] == '{'
	closing := byte(']')
	if isMap {
		closing = '}'
	}
	r.pos++
	var keys keyIndex
	var merges []int
	base, itemBase := len(r.fields), len(r.items)
	for {
		r.flowSpace()
		if r.at(r.pos) == closing {
			r.pos++
			break
		}
		if isMap {
			k, merge := r.flowKey(depth + 1)
			r.key(&keys, k)
			if merge {
				merges = append(merges, len(r.fields)-base)
			}
			r.pos++ // the ':'
			r.flowSpace()
			if c := r.at(r.pos); c == ',' || c == closing {
				r.leave() // a key without a value
			}
			r.fields = append(r.fields, Field{Key: k, Value: r.flowNode(depth + 1)})
		} else {
			entry, entryLine := r.pos, r.lineStart
			item := r.flowNode(depth + 1)
			r.flowSpace()
			oneLine := r.lineStart == entryLine // the ':' of a pair too
			if r.at(r.pos) == ':' {
				item = r.flowPair(item, entry, oneLine, depth+1)
			}
			r.items = append(r.items, item)
		}
		r.flowSpace()
		switch r.at(r.pos) {
		case ',':
			r.pos++
		case closing:
		default:
			r.leave() // a missing ',', the end of the file
		}
	}
	n := r.node(Node{Kind: KindList, Start: start, End: r.flowEnd(start)})
	if isMap {
		n.Kind = KindMap
		n.Fields = r.fieldSlab.copyOf(r.fields[base:])
		r.fields = r.fields[:base]
		if merges != nil {
			r.merge(n, merges)
		}
	} else {
		n.Items = r.itemSlab.copyOf(r.items[itemBase:])
		r.items = r.items[:itemBase]
	}
	return n
}

// flowPair reads a map of one entry written in a flow list ([a, k: v]),
// whose key k, read from entry, is at pos, and pos at the ':' after it.
func (r *yamlReader) flowPair(k *Node, entry int, oneLine bool, depth int) *Node {
	c := r.data[entry]
	if !oneLine || c == '!' || c == '&' || c == '*' || c == '[' || c == '{' || depth+1 > MaxDepth {
		r.leave() // a key that is not a scalar on one line
	}
	merge := k.Text == mergeKey && c == '<'
	r.pos++ // the ':'
	r.flowSpace()
	if c := r.at(r.pos); c == ',' || c == ']' {
		r.leave() // a key without a value
	}
	v := r.flowNode(depth + 1)
	n := r.node(Node{Kind: KindMap, Fields: r.fieldSlab.copyOf([]Field{{Key: k, Value: v}}), Start: k.Start, End: r.flowEnd(k.Start)})
	if merge {
		r.merge(n, []int{0})
	}
	return n
}

// flowKey reads the key of a flow map entry, a scalar on one line, up to
// the ':' after it; merge says it is the merge key.
func (r *yamlReader) flowKey(depth int) (*Node, bool) {
	n, multiline, merge := r.keyScalar(depth, true)
	keyLine := r.lineStart
	r.flowSpace()
	if multiline || r.at(r.pos) != ':' || r.lineStart != keyLine {
		r.leave() // a key on more than one line, or its ':' on another
	}
	return n, merge
}

// flowNode reads an entry of a flow collection.
func (r *yamlReader) flowNode(depth int) *Node {
	if depth > MaxDepth {
		r.leave()
	}
	start := r.pos
	anchor, tag := r.properties()
	var n *Node
	switch c := r.at(r.pos); {
	case c == '*' && anchor == "" && tag == "":
		return r.alias()
	case c == '[' || c == '{':
		n = r.flowCollection(depth)
	case c == '"' || c == '\'':
		n, _ = r.quoted()
	case r.plainStart(true):
		n, _ = r.plain(-1, true)
		if tag != "" {
			n.Kind = plainKind(tag)
		}
	default:
		r.leave()
	}
	if anchor == "" && tag == "" {
		return n
	}
	return r.finish(n, start, anchor, tag)
}
