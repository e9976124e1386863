package terraform

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
func encodeJSON(v *value) []strPart {
	var parts []strPart
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			parts = append(parts, strPart{text: b.String()})
			b.Reset()
		}
	}
	var write func(v *value)
	write = func(v *value) {
		switch v.kind {
		case kindNull:
			b.WriteString("null")
		case kindBool, kindNumber:
			b.WriteString(v.text)
		case kindString:
			b.WriteByte('"')
			for _, p := range v.stringParts() {
				if p.hole != nil {
					flush()
					parts = append(parts, strPart{hole: p.hole})
					continue
				}
				quoted := strconv.Quote(p.text)
				b.WriteString(quoted[1 : len(quoted)-1])
			}
			b.WriteByte('"')
		case kindList:
			b.WriteByte('[')
			for i, it := range v.items {
				if i > 0 {
					b.WriteByte(',')
				}
				write(it)
			}
			b.WriteByte(']')
		case kindObject:
			b.WriteByte('{')
			for i, k := range v.keys {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.Quote(k))
				b.WriteByte(':')
				write(v.fields[i])
			}
			b.WriteByte('}')
		default:
			flush()
			parts = append(parts, strPart{hole: v.firstHole()})
		}
	}
	write(v)
	flush()
	if parts == nil {
		parts = []strPart{{}}
	}
	return parts
}

// jsonError is text that is not JSON, at a place in it.
type jsonError struct {
	at  place
	msg string
}

func (e *jsonError) Error() string { return e.msg }

// decodeJSON reads the parts of a string as one JSON value.
func decodeJSON(parts []strPart) (*value, *jsonError) {
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
	parts []strPart
	pi    int // the part being read
	off   int // the offset in its text
	maps  []source.OffsetMap
	err   *jsonError
}

// next moves past parts that are used up; it stops at a hole.
func (r *jsonReader) settle() {
	for r.pi < len(r.parts) && r.parts[r.pi].hole == nil && r.off >= len(r.parts[r.pi].text) {
		r.pi++
		r.off = 0
	}
}

func (r *jsonReader) eof() bool { r.settle(); return r.pi >= len(r.parts) }

// peek returns the next byte, or 0 at the end or at a hole.
func (r *jsonReader) peek() byte {
	r.settle()
	if r.pi >= len(r.parts) || r.parts[r.pi].hole != nil {
		return 0
	}
	return r.parts[r.pi].text[r.off]
}

func (r *jsonReader) atHole() bool {
	r.settle()
	return r.pi < len(r.parts) && r.parts[r.pi].hole != nil
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
func (r *jsonReader) here() place {
	r.settle()
	pi, off := r.pi, r.off
	if pi >= len(r.parts) {
		pi = len(r.parts) - 1
		if pi < 0 {
			return place{}
		}
		off = len(r.parts[pi].text)
	}
	return r.placeIn(pi, off)
}

// placeIn is the place of byte off of part pi: exact where the part's text
// is its source's bytes, aligned where escapes or indentation differ.
func (r *jsonReader) placeIn(pi, off int) place {
	p := r.parts[pi]
	if !p.at.valid() {
		return place{}
	}
	at := p.at.start
	switch {
	case p.hole != nil:
	case p.at.end-p.at.start == len(p.text) && bytes.Equal(p.at.file.data[p.at.start:p.at.end], []byte(p.text)):
		at += off
	default:
		if r.maps[pi] == nil {
			r.maps[pi] = source.AlignOffsets(p.text, p.at.file.data, p.at.start, p.at.end)
		}
		at = r.maps[pi].Map(off)
	}
	return place{file: p.at.file, start: at, end: at}
}

func (r *jsonReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = &jsonError{at: r.here(), msg: fmt.Sprintf(format, args...)}
	}
}

// whole returns the part the reader stands at the start of when it is a
// hole or an encoded value, and moves past it.
func (r *jsonReader) whole() (strPart, bool) {
	r.settle()
	if r.pi >= len(r.parts) || r.off != 0 {
		return strPart{}, false
	}
	p := r.parts[r.pi]
	if p.hole == nil && p.enc == nil {
		return strPart{}, false
	}
	r.pi++
	r.off = 0
	return p, true
}

func (r *jsonReader) value(depth int) *value {
	if depth > syntax.MaxDepth {
		r.fail("nested deeper than %d levels", syntax.MaxDepth)
		return nil
	}
	r.space()
	if p, ok := r.whole(); ok {
		if p.hole != nil {
			return &value{kind: kindUnknown, hole: p.hole, at: p.at}
		}
		return p.enc
	}
	start := r.here()
	switch c := r.peek(); {
	case c == '{':
		return r.object(start, depth)
	case c == '[':
		r.advance()
		v := &value{kind: kindList, at: start}
		if r.space(); r.peek() == ']' {
			r.advance()
			return v
		}
		for r.err == nil {
			v.items = append(v.items, r.value(depth+1))
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
		return &value{kind: kindNumber, text: b.String(), at: start}
	default:
		for _, word := range []string{"true", "false", "null"} {
			if r.literal(word) {
				if word == "null" {
					return nullValue
				}
				return boolValue(word == "true")
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
	if r.pi >= len(r.parts) || r.parts[r.pi].hole != nil || !strings.HasPrefix(r.parts[r.pi].text[r.off:], word) {
		return false
	}
	r.off += len(word)
	return true
}

func (r *jsonReader) object(start place, depth int) *value {
	r.advance() // {
	v := &value{kind: kindObject, at: start}
	finish := func() *value {
		end := r.here()
		r.advance()
		if end.file == start.file {
			v.at.end = end.start + 1
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
		name, _ := key.str()
		if h := key.firstHole(); h != nil {
			name = iamValue(key).Source
		}
		v.keys = append(v.keys, name)
		v.fields = append(v.fields, val)
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
func (r *jsonReader) stringValue(start place) *value {
	r.advance() // "
	if !r.atHole() && !r.eof() {
		// Most strings end in the text they start in, with no escape: they
		// are that text.
		p := r.parts[r.pi].text
		if j := plainJSONRun(p, r.off); j < len(p) && p[j] == '"' {
			v := newString(1, start)
			v.parts = append(v.parts, strPart{text: p[r.off:j]})
			r.off = j
			r.advance()
			return v
		}
	}
	v := &value{kind: kindString, at: start}
	var b strings.Builder
	for r.err == nil {
		if r.atHole() {
			if b.Len() > 0 {
				v.parts = append(v.parts, strPart{text: b.String()})
				b.Reset()
			}
			v.parts = append(v.parts, strPart{hole: r.parts[r.pi].hole, at: r.parts[r.pi].at})
			r.pi++
			r.off = 0
			continue
		}
		if r.eof() {
			r.fail("unterminated string")
			return nil
		}
		p := r.parts[r.pi].text
		c := p[r.off]
		switch {
		case c == '"':
			r.advance()
			if b.Len() > 0 || v.parts == nil {
				v.parts = append(v.parts, strPart{text: b.String()})
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
