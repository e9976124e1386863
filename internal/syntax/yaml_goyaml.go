package syntax

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// goYAML reads a YAML stream with go-yaml, which builds its own tree of
// each document, and converts that tree: the reader for what ours leaves
// aside. src holds the text yamlSafe made.
func goYAML(src *source.Source, nodes *Nodes) ([]*Node, []source.Diagnostic, error) {
	c := &yamlConverter{yamlTree: yamlTree{src: src, Nodes: nodes}, memo: map[*yaml.Node]*Node{}}
	c.texts.fit(len(src.Data))
	dec := yaml.NewDecoder(bytes.NewReader(src.Data))
	var docs []*Node
	read := 0 // documents read, empty ones too
	good := 0 // warnings of the documents read
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return docs, c.warnings[:good], inDocument(c.syntaxError(err), read+1)
		}
		read++
		if len(doc.Content) == 0 {
			continue
		}
		n, err := c.convert(doc.Content[0], 0)
		if err != nil {
			return docs, c.warnings[:good], inDocument(err, read)
		}
		docs = append(docs, n)
		good = len(c.warnings)
	}
	return docs, c.warnings, nil
}

// inDocument says which document of the stream (1-based) err is in.
func inDocument(err error, doc int) error {
	var se *SyntaxError
	if errors.As(err, &se) {
		se.Document = doc
	}
	return err
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
	yamlTree
	memo map[*yaml.Node]*Node
}

func (c *yamlConverter) convert(y *yaml.Node, depth int) (*Node, error) {
	start := c.src.Offset(y.Line, y.Column)
	if depth > MaxDepth {
		return nil, c.depthError(start)
	}
	if y.Kind == yaml.AliasNode {
		return c.alias(c.memo[y.Alias], start, min(start+len("*")+len(y.Value), len(c.src.Data)))
	}
	valueStart := skipYAMLProperties(c.src.Data, start)
	n := c.node(Node{Start: start})
	switch y.Kind {
	case yaml.MappingNode:
		n.Kind = KindMap
		if len(y.Content) > 1 {
			n.Fields = make([]Field, 0, len(y.Content)/2)
		}
		var keys keyIndex
		var merges []int
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, err := c.convert(y.Content[i], depth+1)
			if err != nil {
				return nil, err
			}
			c.key(&keys, k)
			if y.Content[i].ShortTag() == "!!merge" {
				merges = append(merges, len(n.Fields))
			}
			v, err := c.convert(y.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			n.Fields = append(n.Fields, Field{Key: k, Value: v})
		}
		n.End = c.end(y, n, valueStart)
		if merges != nil {
			c.merge(n, merges)
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
		n.End = c.end(y, n, valueStart)
	default:
		n.Kind, n.Text = scalarKind(y), y.Value
		n.End = c.end(y, n, valueStart)
	}
	// The children are converted and their places known: let them go, so
	// that the reader's tree shrinks while ours grows and a large file
	// does not hold both whole at once. (An alias finds its anchor
	// through memo, by pointer, not through Content.)
	y.Content = nil
	n = c.tagged(n, y.Tag, start)
	if y.Anchor != "" {
		c.memo[y] = n
	}
	return n, nil
}

func scalarKind(y *yaml.Node) Kind {
	if y.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return KindString
	}
	return plainKind(y.ShortTag())
}

// plainKind is the kind of a plain scalar with the (short) tag tag.
func plainKind(tag string) Kind {
	switch tag {
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
		return n.Fields[len(n.Fields)-1].Value.End
	case n.Kind == KindList:
		if len(n.Items) == 0 {
			return off
		}
		return n.Items[len(n.Items)-1].End
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
