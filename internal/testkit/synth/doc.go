package synth

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

// This file prints the synthetic documents of the benchmark tree as JSON
// or YAML and remembers the line on which each planted finding starts, so
// that the test of the tree knows the exact place every finding must be
// reported at without trusting the scanner to tell it.

// genObj is a map that keeps its keys in order, as templates are written.
type genObj []genField

type genField struct {
	k string
	v any
}

// genArr is a list.
type genArr []any

// genTag is a CloudFormation intrinsic: {"Fn::Sub": v} in JSON, the short
// form !Sub v in YAML.
type genTag struct {
	name string // "Ref", "Sub", "GetAtt", ...
	v    any
}

// genMark is a value at which the scanner must report rules; the printer
// records the line where the value starts.
type genMark struct {
	rules []string
	v     any
}

// genPlace is where a planted finding starts.
type genPlace struct {
	line  int
	rules []string
}

// genPrinter writes one document and counts lines as it goes.
type genPrinter struct {
	buf    bytes.Buffer
	line   int
	indent string // one level: "  " or " " as CDK writes
	marks  []genPlace
}

func newGenPrinter(indent string) *genPrinter {
	return &genPrinter{line: 1, indent: indent}
}

func (p *genPrinter) nl(depth int) {
	p.buf.WriteByte('\n')
	p.line++
	for range depth {
		p.buf.WriteString(p.indent)
	}
}

func (p *genPrinter) mark(m genMark) {
	p.marks = append(p.marks, genPlace{line: p.line, rules: m.rules})
}

// jsonQuote quotes a printable ASCII string; Go and JSON agree on it.
func jsonQuote(s string) string { return strconv.Quote(s) }

// json writes v at depth as pretty-printed JSON.
func (p *genPrinter) json(v any, depth int) {
	switch v := v.(type) {
	case genMark:
		p.mark(v)
		p.json(v.v, depth)
	case genTag:
		name := v.name
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		p.json(genObj{{name, v.v}}, depth)
	case genObj:
		if len(v) == 0 {
			p.buf.WriteString("{}")
			return
		}
		p.buf.WriteByte('{')
		for i, f := range v {
			if i > 0 {
				p.buf.WriteByte(',')
			}
			p.nl(depth + 1)
			p.buf.WriteString(jsonQuote(f.k))
			p.buf.WriteString(": ")
			p.json(f.v, depth+1)
		}
		p.nl(depth)
		p.buf.WriteByte('}')
	case genArr:
		if len(v) == 0 {
			p.buf.WriteString("[]")
			return
		}
		p.buf.WriteByte('[')
		for i, item := range v {
			if i > 0 {
				p.buf.WriteByte(',')
			}
			p.nl(depth + 1)
			p.json(item, depth+1)
		}
		p.nl(depth)
		p.buf.WriteByte(']')
	default:
		p.scalar(v, jsonQuote)
	}
}

func (p *genPrinter) scalar(v any, quote func(string) string) {
	switch v := v.(type) {
	case string:
		p.buf.WriteString(quote(v))
	case int:
		p.buf.WriteString(strconv.Itoa(v))
	case bool:
		p.buf.WriteString(strconv.FormatBool(v))
	case nil:
		p.buf.WriteString("null")
	default:
		panic("genPrinter: unsupported value")
	}
}

var yamlPlain = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9:/._-]*$`)

// yamlQuote leaves a string plain when YAML reads it back as the same
// string, and double-quotes it otherwise.
func yamlQuote(s string) string {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return strconv.Quote(s)
	}
	if yamlPlain.MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}

// yaml writes the value of a key (or of a document, at depth 0 with no
// key) in block style. It is called after "key:" or "- " has been
// written; block collections start on the next line.
func (p *genPrinter) yaml(v any, depth int, inItem bool) {
	switch v := v.(type) {
	case genMark:
		// A map that is a key's value starts on the next line; one that
		// is a list item starts on the line of its dash.
		line := p.line
		if m, isMap := v.v.(genObj); isMap && len(m) > 0 && !inItem {
			line++
		}
		p.marks = append(p.marks, genPlace{line: line, rules: v.rules})
		p.yaml(v.v, depth, inItem)
	case genTag:
		p.buf.WriteString("!" + v.name + " ")
		p.flow(v.v)
	case genObj:
		if len(v) == 0 {
			p.buf.WriteString("{}")
			return
		}
		for i, f := range v {
			if i > 0 || !inItem {
				p.nl(depth)
			}
			p.buf.WriteString(yamlQuote(f.k))
			p.buf.WriteByte(':')
			p.yamlValue(f.v, depth)
		}
	case genArr:
		if len(v) == 0 {
			p.buf.WriteString("[]")
			return
		}
		for _, item := range v {
			p.nl(depth)
			p.buf.WriteString("- ")
			p.yaml(item, depth+1, true)
		}
	default:
		p.scalar(v, yamlQuote)
	}
}

// yamlValue writes what follows "key:".
func (p *genPrinter) yamlValue(v any, depth int) {
	inner := v
	if m, ok := v.(genMark); ok {
		inner = m.v
	}
	switch c := inner.(type) {
	case genObj:
		if len(c) > 0 {
			p.yaml(v, depth+1, false)
			return
		}
	case genArr:
		if len(c) > 0 {
			p.yaml(v, depth+1, false)
			return
		}
	}
	p.buf.WriteByte(' ')
	p.yaml(v, depth+1, false)
}

// flow writes v on one line in YAML flow style, for the argument of a
// short-form tag.
func (p *genPrinter) flow(v any) {
	switch v := v.(type) {
	case genTag:
		p.buf.WriteString("!" + v.name + " ")
		p.flow(v.v)
	case genObj:
		p.buf.WriteByte('{')
		for i, f := range v {
			if i > 0 {
				p.buf.WriteString(", ")
			}
			p.buf.WriteString(strconv.Quote(f.k) + ": ")
			p.flow(f.v)
		}
		p.buf.WriteByte('}')
	case genArr:
		p.buf.WriteByte('[')
		for i, item := range v {
			if i > 0 {
				p.buf.WriteString(", ")
			}
			p.flow(item)
		}
		p.buf.WriteByte(']')
	default:
		p.scalar(v, strconv.Quote)
	}
}

// genJSON prints v as a JSON file.
func genJSON(v any, indent string) ([]byte, []genPlace) {
	p := newGenPrinter(indent)
	p.json(v, 0)
	p.buf.WriteByte('\n')
	return p.buf.Bytes(), p.marks
}

// genYAML prints a map as a YAML file.
func genYAML(v genObj) ([]byte, []genPlace) {
	p := newGenPrinter("  ")
	for i, f := range v {
		if i > 0 {
			p.nl(0)
		}
		p.buf.WriteString(yamlQuote(f.k) + ":")
		p.yamlValue(f.v, 0)
	}
	p.buf.WriteByte('\n')
	return p.buf.Bytes(), p.marks
}
