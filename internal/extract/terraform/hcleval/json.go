package hcleval

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// JSON in Terraform is text that may have holes: a heredoc policy with
// ${...} interpolations, a template rendered by templatefile(). The reader
// here reads such text into values: a hole inside a JSON string is an
// unknown part of that string, a hole where a value stands is an unknown
// value, and a jsonencode() interpolated where a value stands is the value
// it encodes, with its own positions. Objects keep the place of their
// braces in the file the text came from.

// encodeJSON writes v as JSON, as jsonencode does; what is unknown stays a
// hole.
func encodeJSON(v *Value) []StringPart {
	var parts []StringPart
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			parts = append(parts, StringPart{Text: b.String()})
			b.Reset()
		}
	}
	var write func(v *Value)
	write = func(v *Value) {
		switch v.Kind {
		case KindNull:
			b.WriteString("null")
		case KindBool, KindNumber:
			b.WriteString(v.Text)
		case KindString:
			b.WriteByte('"')
			for _, p := range v.StringParts() {
				if p.Hole != nil {
					flush()
					parts = append(parts, StringPart{Hole: p.Hole})
					continue
				}
				quoted := strconv.Quote(p.Text)
				b.WriteString(quoted[1 : len(quoted)-1])
			}
			b.WriteByte('"')
		case KindList:
			b.WriteByte('[')
			for i, it := range v.Items {
				if i > 0 {
					b.WriteByte(',')
				}
				write(it)
			}
			b.WriteByte(']')
		case KindObject:
			b.WriteByte('{')
			for i, k := range v.Keys {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.Quote(k))
				b.WriteByte(':')
				write(v.Fields[i])
			}
			b.WriteByte('}')
		default:
			flush()
			parts = append(parts, StringPart{Hole: v.FirstHole()})
		}
	}
	write(v)
	flush()
	if parts == nil {
		parts = []StringPart{{}}
	}
	return parts
}

// JSONError is text that is not JSON, at a place in it.
type JSONError struct {
	At  Place
	Msg string
}

func (e *JSONError) Error() string { return e.Msg }

// DecodeJSON reads the parts of a string as one JSON value.
func DecodeJSON(parts []StringPart) (*Value, *JSONError) {
	r := &jsonReader{parts: parts, maps: make([]source.OffsetMap, len(parts))}
	v := r.value(0)
	if r.err == nil {
		r.space()
		if !r.eof() {
			r.fail("unexpected text after the JSON value")
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return v, nil
}

type jsonReader struct {
	parts []StringPart
	pi    int // the part being read
	off   int // the offset in its text
	maps  []source.OffsetMap
	err   *JSONError
}

// next moves past parts that are used up; it stops at a hole.
func (r *jsonReader) settle() {
	for r.pi < len(r.parts) && r.parts[r.pi].Hole == nil && r.off >= len(r.parts[r.pi].Text) {
		r.pi++
		r.off = 0
	}
}

func (r *jsonReader) eof() bool { r.settle(); return r.pi >= len(r.parts) }

// peek returns the next byte, or 0 at the end or at a hole.
func (r *jsonReader) peek() byte {
	r.settle()
	if r.pi >= len(r.parts) || r.parts[r.pi].Hole != nil {
		return 0
	}
	return r.parts[r.pi].Text[r.off]
}

func (r *jsonReader) atHole() bool {
	r.settle()
	return r.pi < len(r.parts) && r.parts[r.pi].Hole != nil
}

func (r *jsonReader) advance() { r.off++ }

func (r *jsonReader) space() {
	for {
		c := r.peek()
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return
		}
		r.advance()
	}
}

// here is the place of the next byte.
func (r *jsonReader) here() Place {
	r.settle()
	pi, off := r.pi, r.off
	if pi >= len(r.parts) {
		pi = len(r.parts) - 1
		if pi < 0 {
			return Place{}
		}
		off = len(r.parts[pi].Text)
	}
	return r.placeIn(pi, off)
}

// placeIn is the place of byte off of part pi: exact where the part's text
// is its source's bytes, aligned where escapes or indentation differ.
func (r *jsonReader) placeIn(pi, off int) Place {
	p := r.parts[pi]
	if !p.At.Valid() {
		return Place{}
	}
	at := p.At.Start
	switch {
	case p.Hole != nil:
	case p.At.End-p.At.Start == len(p.Text) && bytes.Equal(p.At.File.Data[p.At.Start:p.At.End], []byte(p.Text)):
		at += off
	default:
		if r.maps[pi] == nil {
			r.maps[pi] = source.AlignOffsets(p.Text, p.At.File.Data, p.At.Start, p.At.End)
		}
		at = r.maps[pi].Map(off)
	}
	return Place{File: p.At.File, Start: at, End: at}
}

func (r *jsonReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = &JSONError{At: r.here(), Msg: fmt.Sprintf(format, args...)}
	}
}

// whole returns the part the reader stands at the start of when it is a
// hole or an encoded value, and moves past it.
func (r *jsonReader) whole() (StringPart, bool) {
	r.settle()
	if r.pi >= len(r.parts) || r.off != 0 {
		return StringPart{}, false
	}
	p := r.parts[r.pi]
	if p.Hole == nil && p.Enc == nil {
		return StringPart{}, false
	}
	r.pi++
	r.off = 0
	return p, true
}

func (r *jsonReader) value(depth int) *Value {
	if depth > syntax.MaxDepth {
		r.fail("nested deeper than %d levels", syntax.MaxDepth)
		return nil
	}
	r.space()
	if p, ok := r.whole(); ok {
		if p.Hole != nil {
			return &Value{Kind: KindUnknown, Hole: p.Hole, At: p.At}
		}
		return p.Enc
	}
	start := r.here()
	switch c := r.peek(); {
	case c == '{':
		return r.object(start, depth)
	case c == '[':
		r.advance()
		v := &Value{Kind: KindList, At: start}
		if r.space(); r.peek() == ']' {
			r.advance()
			return v
		}
		for r.err == nil {
			v.Items = append(v.Items, r.value(depth+1))
			r.space()
			switch r.peek() {
			case ',':
				r.advance()
				continue
			case ']':
				r.advance()
				return v
			}
			r.fail("expected , or ] in a list")
		}
		return nil
	case c == '"':
		return r.stringValue(start)
	case c == '-' || c >= '0' && c <= '9':
		var b strings.Builder
		for c := r.peek(); c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c >= '0' && c <= '9'; c = r.peek() {
			b.WriteByte(c)
			r.advance()
		}
		if _, err := strconv.ParseFloat(b.String(), 64); err != nil {
			r.fail("invalid number %q", b.String())
		}
		return &Value{Kind: KindNumber, Text: b.String(), At: start}
	default:
		for _, word := range []string{"true", "false", "null"} {
			if r.literal(word) {
				if word == "null" {
					return NullValue
				}
				return BoolValue(word == "true")
			}
		}
	}
	if r.atHole() {
		r.fail("a value cannot be read here")
	} else {
		r.fail("unexpected character %q", r.peek())
	}
	return nil
}

func (r *jsonReader) literal(word string) bool {
	r.settle()
	if r.pi >= len(r.parts) || r.parts[r.pi].Hole != nil || !strings.HasPrefix(r.parts[r.pi].Text[r.off:], word) {
		return false
	}
	r.off += len(word)
	return true
}

func (r *jsonReader) object(start Place, depth int) *Value {
	r.advance() // {
	v := &Value{Kind: KindObject, At: start}
	finish := func() *Value {
		end := r.here()
		r.advance()
		if end.File == start.File {
			v.At.End = end.Start + 1
		}
		return v
	}
	if r.space(); r.peek() == '}' {
		return finish()
	}
	for r.err == nil {
		r.space()
		if r.peek() != '"' {
			r.fail("expected a string key in an object")
			return nil
		}
		key := r.stringValue(r.here())
		r.space()
		if r.peek() != ':' {
			r.fail("expected : after an object key")
			return nil
		}
		r.advance()
		val := r.value(depth + 1)
		if r.err != nil {
			return nil
		}
		name, _ := key.Str()
		if h := key.FirstHole(); h != nil {
			name = IAMValue(key).Source
		}
		v.Keys = append(v.Keys, name)
		v.Fields = append(v.Fields, val)
		r.space()
		switch r.peek() {
		case ',':
			r.advance()
			continue
		case '}':
			return finish()
		}
		r.fail("expected , or } in an object")
	}
	return nil
}

// stringValue reads a JSON string; holes inside it are unknown parts.
func (r *jsonReader) stringValue(start Place) *Value {
	r.advance() // "
	if !r.atHole() && !r.eof() {
		// Most strings end in the text they start in, with no escape: they
		// are that text.
		p := r.parts[r.pi].Text
		if j := plainJSONRun(p, r.off); j < len(p) && p[j] == '"' {
			v := newString(1, start)
			v.Parts = append(v.Parts, StringPart{Text: p[r.off:j]})
			r.off = j
			r.advance()
			return v
		}
	}
	v := &Value{Kind: KindString, At: start}
	var b strings.Builder
	for r.err == nil {
		if r.atHole() {
			if b.Len() > 0 {
				v.Parts = append(v.Parts, StringPart{Text: b.String()})
				b.Reset()
			}
			v.Parts = append(v.Parts, StringPart{Hole: r.parts[r.pi].Hole, At: r.parts[r.pi].At})
			r.pi++
			r.off = 0
			continue
		}
		if r.eof() {
			r.fail("unterminated string")
			return nil
		}
		p := r.parts[r.pi].Text
		c := p[r.off]
		switch {
		case c == '"':
			r.advance()
			if b.Len() > 0 || v.Parts == nil {
				v.Parts = append(v.Parts, StringPart{Text: b.String()})
			}
			return v
		case c == '\\':
			r.advance()
			r.escape(&b)
		case c < 0x20:
			r.fail("control character in a string")
		default:
			j := plainJSONRun(p, r.off)
			b.WriteString(p[r.off:j])
			r.off = j
		}
	}
	return nil
}

// plainJSONRun returns where the run of a JSON string's bytes that stand
// for themselves, from i, ends: at a quote, a backslash, a control
// character or the end of p.
func plainJSONRun(p string, i int) int {
	for i < len(p) && p[i] != '"' && p[i] != '\\' && p[i] >= 0x20 {
		i++
	}
	return i
}

func (r *jsonReader) escape(b *strings.Builder) {
	c := r.peek()
	r.advance()
	switch c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		ru := r.hex4()
		if utf16.IsSurrogate(ru) && r.literal(`\u`) {
			ru = utf16.DecodeRune(ru, r.hex4())
		}
		b.WriteRune(ru)
	default:
		r.fail("invalid escape \\%c", c)
	}
}

func (r *jsonReader) hex4() rune {
	var n rune
	for range 4 {
		c := r.peek()
		r.advance()
		d, ok := hexValue(c)
		if !ok {
			r.fail("invalid \\u escape")
			return utf8.RuneError
		}
		n = n<<4 | rune(d)
	}
	return n
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
