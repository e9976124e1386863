package syntax

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// ParseYAML reads every document of a YAML stream. CloudFormation short
// forms (!Ref, !Sub, ...) become their long forms ({"Ref": ...},
// {"Fn::Sub": ...}); any other local tag is read the same way, so an
// unknown tag is no error.
func ParseYAML(src *source.Source) ([]*Node, []source.Diagnostic, error) {
	c := &yamlConverter{src: src.WithData(yamlSafe(src.Data)), memo: map[*yaml.Node]*Node{}}
	dec := yaml.NewDecoder(bytes.NewReader(c.src.Data))
	var docs []*Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, c.syntaxError(err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		n, err := c.convert(doc.Content[0], 0)
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, n)
	}
	return docs, c.warnings, nil
}

// yamlSafe returns data with the bytes the YAML reader refuses (invalid
// UTF-8, control characters) and the line breaks only YAML knows (NEL,
// LS, PS) replaced byte for byte, so that offsets stay those of the file
// and lines stay those every other reader counts.
func yamlSafe(data []byte) []byte {
	var out []byte
	for i := 0; i < len(data); {
		c := data[i]
		if c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		r, w := utf8.DecodeRune(data[i:])
		bad := r == utf8.RuneError && w == 1 || r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029
		if i == 0 && r == 0xfeff {
			bad = false
		}
		if bad {
			if out == nil {
				out = bytes.Clone(data)
			}
			for j := i; j < i+w; j++ {
				out[j] = ' '
			}
		}
		i += w
	}
	if out == nil {
		return data
	}
	return out
}

var yamlErrorLine = regexp.MustCompile(`line (\d+)`)

func (c *yamlConverter) syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	off := 0
	if m := yamlErrorLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		off = c.src.Offset(line, 1)
		msg = strings.TrimSpace(strings.TrimPrefix(strings.Replace(msg, m[0], "", 1), ":"))
	}
	return &SyntaxError{Offset: off, Msg: msg}
}

type yamlConverter struct {
	src      *source.Source
	warnings []source.Diagnostic
	memo     map[*yaml.Node]*Node
	sizes    map[*Node]int
	// aliasNodes counts the nodes aliases add, for MaxYAMLNodes.
	aliasNodes int
	// flowEnds remembers where each flow collection found so far ends,
	// by its opening bracket: an enclosing collection, whose end is
	// found after its children's, steps over them instead of reading
	// them again, which keeps deep nesting linear.
	flowEnds map[int]int
	nodeSlab
}

func (c *yamlConverter) convert(y *yaml.Node, depth int) (*Node, error) {
	if depth > MaxDepth {
		return nil, &SyntaxError{Offset: c.src.Offset(y.Line, y.Column), Msg: fmt.Sprintf("nesting deeper than %d levels", MaxDepth)}
	}
	if y.Kind == yaml.AliasNode {
		target := c.memo[y.Alias]
		if target == nil {
			return nil, &SyntaxError{Offset: c.src.Offset(y.Line, y.Column), Msg: "alias to an anchor that is not defined before it"}
		}
		c.aliasNodes += c.size(target)
		if c.aliasNodes > MaxYAMLNodes {
			return nil, &SyntaxError{Offset: c.src.Offset(y.Line, y.Column), Msg: fmt.Sprintf("aliases expand to more than %d nodes", MaxYAMLNodes)}
		}
		target.Shared = true
		return target, nil
	}
	start := c.src.Offset(y.Line, y.Column)
	valueStart := skipYAMLProperties(c.src.Data, start)
	n := c.node(Node{Start: start})
	switch y.Kind {
	case yaml.MappingNode:
		n.Kind = KindMap
		if len(y.Content) > 1 {
			n.Fields = make([]Field, 0, len(y.Content)/2)
		}
		var keys keyIndex
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, err := c.convert(y.Content[i], depth+1)
			if err != nil {
				return nil, err
			}
			if line, dup := keys.seen(k.Text, y.Content[i].Line); dup && k.Kind != KindMap {
				c.warnings = append(c.warnings, source.Diagnostic{Offset: k.Start,
					Msg: fmt.Sprintf("duplicate key %q (also on line %d); the last one is used", k.Text, line)})
			}
			v, err := c.convert(y.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			n.Fields = append(n.Fields, Field{Key: k, Value: v})
		}
	case yaml.SequenceNode:
		n.Kind = KindList
		if len(y.Content) > 0 {
			n.Items = make([]*Node, 0, len(y.Content))
		}
		for _, item := range y.Content {
			v, err := c.convert(item, depth+1)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, v)
		}
	default:
		n.Kind, n.Text = scalarKind(y), y.Value
	}
	n.End = c.end(y, n, valueStart)
	// The children are converted and their places known: let them go, so
	// that the reader's tree shrinks while ours grows and a large file
	// does not hold both whole at once. (An alias finds its anchor
	// through memo, by pointer, not through Content.)
	y.Content = nil
	if y.Anchor != "" {
		c.memo[y] = n
	}
	if name, ok := intrinsicTag(y.Tag); ok {
		key := c.node(Node{Kind: KindString, Text: name, Start: start, End: start + len(y.Tag)})
		n = c.node(Node{Kind: KindMap, Fields: []Field{{Key: key, Value: n}}, Start: start, End: n.End})
		if y.Anchor != "" {
			c.memo[y] = n
		}
	}
	return n, nil
}

// size counts the nodes below n, once per node however often it is
// reached through aliases.
func (c *yamlConverter) size(n *Node) int {
	if c.sizes == nil {
		c.sizes = map[*Node]int{}
	}
	if s, ok := c.sizes[n]; ok {
		return s
	}
	s := 1
	for _, item := range n.Items {
		s += c.size(item)
	}
	for _, f := range n.Fields {
		s += c.size(f.Key) + c.size(f.Value)
	}
	c.sizes[n] = s
	return s
}

// intrinsicTag maps a CloudFormation short-form tag to its long name.
func intrinsicTag(tag string) (string, bool) {
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") {
		return "", false
	}
	switch name := tag[1:]; name {
	case "Ref", "Condition":
		return name, true
	case "":
		return "", false
	default:
		return "Fn::" + name, true
	}
}

func scalarKind(y *yaml.Node) Kind {
	if y.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return KindString
	}
	switch y.ShortTag() {
	case "!!int", "!!float":
		return KindNumber
	case "!!bool":
		return KindBool
	case "!!null":
		return KindNull
	default: // !!str, !!timestamp (Version: 2012-10-17), !!binary, local tags
		return KindString
	}
}

// skipYAMLProperties moves past a node's tag and anchor, which the YAML
// reader counts as the node's start, to the value itself.
func skipYAMLProperties(data []byte, off int) int {
	for off < len(data) && (data[off] == '!' || data[off] == '&') {
		for off < len(data) && !source.IsSpace(data[off]) {
			off++
		}
		for off < len(data) && source.IsSpace(data[off]) {
			off++
		}
	}
	return off
}

// end finds where a node's text ends. The YAML reader reports only
// starts, so the end is found from the source: the last child for block
// collections, the closing bracket or quote, the last line of a block
// scalar, or the scalar's own text.
func (c *yamlConverter) end(y *yaml.Node, n *Node, off int) int {
	data := c.src.Data
	switch {
	case y.Style&yaml.FlowStyle != 0 && (n.Kind == KindMap || n.Kind == KindList):
		return c.flowEnd(off)
	case n.Kind == KindMap:
		if len(n.Fields) == 0 {
			return off
		}
		return c.childEnd(y.Content[2*len(n.Fields)-1], n.Fields[len(n.Fields)-1].Value)
	case n.Kind == KindList:
		if len(n.Items) == 0 {
			return off
		}
		return c.childEnd(y.Content[len(n.Items)-1], n.Items[len(n.Items)-1])
	case y.Style&yaml.DoubleQuotedStyle != 0:
		return quotedEnd(data, off, '"')
	case y.Style&yaml.SingleQuotedStyle != 0:
		return quotedEnd(data, off, '\'')
	case y.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return blockScalarEnd(data, off)
	default:
		return plainEnd(data, off, y.Value)
	}
}

// childEnd is where child y, converted to n, ends in the file. An alias
// ends where its *name does, not where the node it repeats (written
// earlier in the file) ends.
func (c *yamlConverter) childEnd(y *yaml.Node, n *Node) int {
	if y.Kind == yaml.AliasNode {
		return min(c.src.Offset(y.Line, y.Column)+len("*")+len(y.Value), len(c.src.Data))
	}
	return n.End
}

// flowEnd returns the offset after the bracket that closes the flow
// collection opened at off.
func (c *yamlConverter) flowEnd(off int) int {
	if c.flowEnds == nil {
		c.flowEnds = map[int]int{}
	}
	end := flowEnd(c.src.Data, off, c.flowEnds)
	c.flowEnds[off] = end
	return end
}

// flowEnd scans for the bracket that closes the collection opened at off;
// known holds the ends of collections inside it that were already found.
func flowEnd(data []byte, off int, known map[int]int) int {
	depth := 0
	for i := off; i < len(data); i++ {
		switch data[i] {
		case '[', '{':
			if end, ok := known[i]; ok && i != off {
				i = end - 1 // the whole nested collection; the depth is unchanged
				continue
			}
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"', '\'':
			i = quotedEnd(data, i, data[i]) - 1
		case '#':
			if i > 0 && source.IsSpace(data[i-1]) {
				for i < len(data) && data[i] != '\n' && data[i] != '\r' {
					i++
				}
			}
		}
	}
	return len(data)
}

// quotedEnd returns the offset after the closing quote of the string
// opened at off.
func quotedEnd(data []byte, off int, quote byte) int {
	for i := off + 1; i < len(data); i++ {
		switch {
		case quote == '"' && data[i] == '\\':
			i++
		case data[i] == quote && quote == '\'' && i+1 < len(data) && data[i+1] == '\'':
			i++
		case data[i] == quote:
			return i + 1
		}
	}
	return len(data)
}

// blockScalarEnd returns the end of the last non-blank line of the
// literal or folded block whose indicator is at off.
func blockScalarEnd(data []byte, off int) int {
	end := lineEnd(data, off)
	indent := -1
	for next := nextLine(data, end); next < len(data); next = nextLine(data, lineEnd(data, next)) {
		le := lineEnd(data, next)
		spaces := 0
		for next+spaces < le && data[next+spaces] == ' ' {
			spaces++
		}
		if next+spaces == le || strings.TrimSpace(string(data[next:le])) == "" {
			continue // blank lines belong to the block but do not end it
		}
		if indent < 0 {
			indent = spaces
		}
		if spaces < indent || indent == 0 {
			break
		}
		end = le
		for end > next && (data[end-1] == ' ' || data[end-1] == '\t') {
			end--
		}
	}
	return end
}

func lineEnd(data []byte, off int) int {
	for off < len(data) && data[off] != '\n' && data[off] != '\r' {
		off++
	}
	return off
}

func nextLine(data []byte, lineEnd int) int {
	if lineEnd < len(data) && data[lineEnd] == '\r' {
		lineEnd++
	}
	if lineEnd < len(data) && data[lineEnd] == '\n' {
		lineEnd++
	}
	return lineEnd
}

// plainEnd returns the end of a plain scalar: its text as written, or for
// a scalar folded over several lines, the last word of its value.
func plainEnd(data []byte, off int, value string) int {
	if len(value) <= len(data)-off && string(data[off:off+len(value)]) == value {
		return off + len(value)
	}
	last := value
	if i := strings.LastIndexAny(value, " \n"); i >= 0 {
		last = value[i+1:]
	}
	if last != "" {
		if i := bytes.Index(data[off:], []byte(last)); i >= 0 {
			return off + i + len(last)
		}
	}
	return lineEnd(data, off)
}
