package syntax

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tidwall/jsonc"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// ParseJSON reads JSON, or JSON with comments and trailing commas. jsonc
// blanks comments and trailing commas without moving any byte, so every
// offset still points into the original file.
//
// Most files are plain JSON, which jsonc leaves as it is (it changes
// nothing outside strings but comments and commas before a closing
// bracket, and plain JSON has neither), so the file is first read as it
// is, without jsonc's copy; only a file that fails is read again through
// jsonc, and then everything reported comes from that second reading.
func ParseJSON(src *source.Source) (*Node, []source.Diagnostic, error) {
	return parseJSON(src, new(Nodes))
}

func parseJSON(src *source.Source, nodes *Nodes) (*Node, []source.Diagnostic, error) {
	if root, warnings, err := parseJSONData(src, src.Data, nodes); err == nil {
		return root, warnings, nil
	}
	return parseJSONData(src, jsonc.ToJSON(src.Data), nodes)
}

func parseJSONData(src *source.Source, data []byte, nodes *Nodes) (*Node, []source.Diagnostic, error) {
	p := &jsonParser{data: data, src: src, Nodes: nodes}
	p.texts.fit(len(data))
	if source.HasBOM(p.data) {
		p.pos = len(source.BOM)
	}
	p.skipSpace()
	root, err := p.value(0)
	if err != nil {
		return nil, nil, err
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		return nil, nil, p.errorf("unexpected %s after the top-level value", p.describe())
	}
	return root, p.warnings, nil
}

type jsonParser struct {
	data     []byte
	src      *source.Source
	pos      int
	warnings []source.Diagnostic
	// The tree is built with few allocations: nodes come from slabs, and
	// the fields and items of the maps and lists being read wait on
	// stacks until their map or list is complete, then get a slice of
	// exactly their size.
	*Nodes
	fields []Field
	items  []*Node
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *jsonParser) describe() string {
	if p.pos >= len(p.data) {
		return "end of file"
	}
	c := p.data[p.pos]
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (p *jsonParser) skipSpace() {
	i := p.pos
	for i < len(p.data) && source.IsSpace(p.data[i]) {
		i++
	}
	p.pos = i
}

func (p *jsonParser) value(depth int) (*Node, error) {
	if depth > MaxDepth {
		return nil, p.errorf("nesting deeper than %d levels", MaxDepth)
	}
	if p.pos >= len(p.data) {
		return nil, p.errorf("unexpected end of file, expected a value")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		start := p.pos
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return p.node(Node{Kind: KindString, Text: s, Start: start, End: p.pos}), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", KindBool)
	case c == 'f':
		return p.literal("false", KindBool)
	case c == 'n':
		return p.literal("null", KindNull)
	default:
		return nil, p.errorf("unexpected %s, expected a value", p.describe())
	}
}

func (p *jsonParser) literal(word string, kind Kind) (*Node, error) {
	start := p.pos
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return nil, p.errorf("unexpected %s, expected a value", p.describe())
	}
	p.pos += len(word)
	return p.node(Node{Kind: kind, Text: word, Start: start, End: p.pos}), nil
}

func (p *jsonParser) number() (*Node, error) {
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			break
		}
		p.pos++
	}
	text := intern(&p.texts, p.data[start:p.pos])
	if _, err := strconv.ParseFloat(text, 64); err != nil {
		p.pos = start
		return nil, p.errorf("invalid number %q", text)
	}
	return p.node(Node{Kind: KindNumber, Text: text, Start: start, End: p.pos}), nil
}

func (p *jsonParser) object(depth int) (*Node, error) {
	n := p.node(Node{Kind: KindMap, Start: p.pos})
	p.pos++ // {
	base := len(p.fields)
	defer func() { p.fields = p.fields[:base] }()
	var keys keyIndex
	for {
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == '}' && len(p.fields) == base {
			break
		}
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errorf("unexpected %s, expected a quoted key", p.describe())
		}
		keyStart := p.pos
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		key := p.node(Node{Kind: KindString, Text: k, Start: keyStart, End: p.pos})
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errorf("unexpected %s, expected ':' after key %q", p.describe(), k)
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if first, dup := keys.seen(k, keyStart); dup {
			p.warnings = append(p.warnings, source.Diagnostic{Offset: keyStart,
				Msg: fmt.Sprintf("duplicate key %q (also on line %d): readers differ on which one counts", k, p.src.Pos(first).Line)})
		}
		p.fields = append(p.fields, Field{Key: key, Value: v})
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			break
		}
		return nil, p.errorf("unexpected %s, expected ',' or '}'", p.describe())
	}
	p.pos++ // }
	n.End = p.pos
	n.Fields = p.fieldSlab.copyOf(p.fields[base:])
	return n, nil
}

func (p *jsonParser) array(depth int) (*Node, error) {
	n := p.node(Node{Kind: KindList, Start: p.pos})
	p.pos++ // [
	base := len(p.items)
	defer func() { p.items = p.items[:base] }()
	for {
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == ']' && len(p.items) == base {
			break
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, v)
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			break
		}
		return nil, p.errorf("unexpected %s, expected ',' or ']'", p.describe())
	}
	p.pos++ // ]
	n.End = p.pos
	n.Items = p.itemSlab.copyOf(p.items[base:])
	return n, nil
}

// str reads a quoted string at p.pos; keys and short strings are
// interned. Invalid UTF-8 and control bytes other than line breaks are
// kept as they are: a policy with a stray byte in a description is still
// a policy.
func (p *jsonParser) str() (string, error) {
	start := p.pos
	p.pos++ // opening quote
	if i := stringEnd(p.data, p.pos, '"'); i < len(p.data) && p.data[i] == '"' {
		s := intern(&p.texts, p.data[p.pos:i]) // no escapes: the text as it is
		p.pos = i + 1
		return s, nil
	}
	buf := make([]byte, 0, quotedEnd(p.data, start, '"')-start) // the text is no longer than as written
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch c {
		case '"':
			p.pos++
			return string(buf), nil
		case '\n', '\r':
			return "", &SyntaxError{Offset: start, Msg: "string not closed before the end of the line"}
		case '\\':
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			buf = utf8.AppendRune(buf, r)
		default:
			buf = append(buf, c)
			p.pos++
		}
	}
	return "", &SyntaxError{Offset: start, Msg: "string not closed before the end of the file"}
}

// stringEnd returns the offset of the first quote, backslash or line
// break from i (or the end), eight bytes at a time: strings hold long
// runs of none of them.
func stringEnd(data []byte, i int, quote byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zeros := func(x uint64) uint64 { return (x - ones) &^ x & highs } // the first is the first zero byte
	for ; i+8 <= len(data); i += 8 {
		w := binary.LittleEndian.Uint64(data[i:])
		if m := zeros(w^uint64(quote)*ones) | zeros(w^'\\'*ones) | zeros(w^'\n'*ones) | zeros(w^'\r'*ones); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(data); i++ {
		if c := data[i]; c == quote || c == '\\' || c == '\n' || c == '\r' {
			break
		}
	}
	return i
}

// escape decodes one backslash escape at p.pos.
func (p *jsonParser) escape() (rune, error) {
	if p.pos+1 >= len(p.data) {
		return 0, p.errorf("unfinished escape at end of file")
	}
	c := p.data[p.pos+1]
	p.pos += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, ok := p.hex4()
		if !ok {
			return 0, p.errorf("invalid \\u escape")
		}
		if utf16.IsSurrogate(r) {
			save := p.pos
			if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
				p.pos += 2
				if r2, ok := p.hex4(); ok {
					if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
						return pair, nil
					}
				}
			}
			p.pos = save
			return utf8.RuneError, nil
		}
		return r, nil
	default:
		p.pos -= 2
		return 0, p.errorf("invalid escape \\%c", c)
	}
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.pos+4 > len(p.data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(v), true
}
