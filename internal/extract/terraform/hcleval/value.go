package hcleval

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// The Terraform evaluator works on its own values rather than cty's: a
// string may be partly known ("arn:aws:ec2:${data.x.region}:...:instance/*"
// keeps its literal parts and names the part it cannot see), and a value
// remembers where it is written, so that a statement built by an object
// constructor, read from a heredoc or from a file is reported where it
// stands.

// File is a text the evaluator reads with positions: a .tf file, a file
// read through file() or templatefile(), or a string of a .tf.json file,
// whose expressions hcl parses from the decoded text.
type File struct {
	Key  string         // the name hcl ranges carry
	Name string         // the file as every output shows it
	Src  *source.Source // positions in the file
	Data []byte         // the text hcl ranges count in
	// Offs maps offsets of Data to offsets of the file when Data is a
	// decoded string inside it; nil when Data is the file.
	Offs source.OffsetMap
}

// FileOffset is the offset in the file of byte off of Data.
func (f *File) FileOffset(off int) int {
	if f.Offs == nil {
		return off
	}
	return f.Offs.Map(off)
}

// Place is where a value is written; the zero Place is nowhere (a value
// computed by a function).
type Place struct {
	File       *File
	Start, End int // offsets in File.Data
}

// Valid reports whether p is somewhere.
func (p Place) Valid() bool { return p.File != nil }

// Span is p in the positions of its file.
func (p Place) Span() source.Span {
	start, end := p.File.FileOffset(p.Start), p.File.FileOffset(p.End)
	// A range the parser recovered from a syntax error may end before it starts.
	return p.File.Src.Span(start, max(start, end))
}

// Text is the source text of the place, for names of unknowns.
func (p Place) Text() string {
	if !p.Valid() || p.Start < 0 || p.End > len(p.File.Data) || p.Start > p.End {
		return ""
	}
	return string(p.File.Data[p.Start:p.End])
}

// Or is p if it is somewhere, else fallback.
func (p Place) Or(fallback Place) Place {
	if p.Valid() {
		return p
	}
	return fallback
}

// Within reports whether p is written inside r, a range of file f.
func (p Place) Within(f *File, r hcl.Range) bool {
	return p.Valid() && f != nil && p.File.Name == f.Name &&
		p.File.FileOffset(p.Start) >= r.Start.Byte && p.File.FileOffset(p.End) <= r.End.Byte
}

// Kind is what a Value is.
type Kind uint8

const (
	KindNull Kind = iota
	KindBool
	KindNumber
	KindString
	KindList
	KindObject
	// KindUnknown is a whole value the scanner cannot see.
	KindUnknown
	// KindEither is one of several values: the branches of a conditional
	// whose condition is unknown. Each is judged, as every branch of a
	// CloudFormation Fn::If is.
	KindEither
)

// Value is a Terraform value as the evaluator sees it.
type Value struct {
	Kind   Kind
	Text   string       // bool and number: as Terraform prints them
	Parts  []StringPart // string
	Items  []*Value     // list, tuple and set; either: the alternatives
	Keys   []string     // object and map, in order
	Fields []*Value
	Hole   *Hole // unknown
	At     Place
	// Encodes is the value a string is the JSON encoding of (jsonencode,
	// a policy document's json): a policy read from it keeps its
	// positions.
	Encodes *Value
}

// Hole is a value or a part of a string that the scanner cannot see.
type Hole struct {
	Name string // the expression that could not be seen, as written
	Kind iam.UnknownKind
	// Failed marks an expression Terraform would reject (a missing
	// attribute, a function error): try() moves on from it.
	Failed bool
	// Ref is the reference to a resource, data source or module output
	// that the hole is, for what an attachment names (package
	// terraform's attach.go).
	Ref hcl.Traversal
}

// StringPart is a piece of a string: literal text, or a hole.
type StringPart struct {
	Text string
	At   Place // where Text is written; invalid for computed text
	Hole *Hole
	// Enc is set when Text is the JSON encoding of Enc (an interpolated
	// jsonencode), so that JSON read from the string keeps Enc's
	// positions.
	Enc *Value
}

// NullValue is null.
var NullValue = &Value{Kind: KindNull}

// BoolValue is true or false.
func BoolValue(b bool) *Value {
	if b {
		return &Value{Kind: KindBool, Text: "true"}
	}
	return &Value{Kind: KindBool, Text: "false"}
}

// StringValue is the known string s, written at at.
func StringValue(s string, at Place) *Value {
	v := newString(1, at)
	v.Parts = append(v.Parts, StringPart{Text: s, At: at})
	return v
}

// newString is a string value with room for n parts. Most strings are of
// one part, which is then allocated with the value.
func newString(n int, at Place) *Value {
	if n == 1 {
		s := &oneString{}
		s.v = Value{Kind: KindString, Parts: s.part[:0], At: at}
		return &s.v
	}
	return &Value{Kind: KindString, Parts: make([]StringPart, 0, n), At: at}
}

type oneString struct {
	v    Value
	part [1]StringPart
}

// UnknownValue is a value the scanner cannot see, named by the
// expression that gives it.
func UnknownValue(name string, kind iam.UnknownKind, at Place) *Value {
	return &Value{Kind: KindUnknown, Hole: &Hole{Name: TruncateName(name), Kind: kind}, At: at}
}

// TruncateName keeps names of unknowns readable in messages.
func TruncateName(name string) string {
	name = strings.Join(strings.Fields(name), " ")
	if len(name) > 80 {
		return name[:77] + "..."
	}
	return name
}

// IsKnown reports whether v holds no unknown anywhere.
func (v *Value) IsKnown() bool {
	switch v.Kind {
	case KindUnknown, KindEither:
		return false
	case KindString:
		for _, p := range v.StringParts() {
			if p.Hole != nil {
				return false
			}
		}
	case KindList, KindObject:
		for _, it := range append(v.Items, v.Fields...) {
			if !it.IsKnown() {
				return false
			}
		}
	}
	return true
}

// FirstHole returns the first unknown in v, for the name of a result that
// depends on it.
func (v *Value) FirstHole() *Hole {
	switch v.Kind {
	case KindUnknown:
		return v.Hole
	case KindString:
		for _, p := range v.StringParts() {
			if p.Hole != nil {
				return p.Hole
			}
		}
	case KindList, KindObject, KindEither:
		for _, it := range append(v.Items, v.Fields...) {
			if h := it.FirstHole(); h != nil {
				return h
			}
		}
	}
	return nil
}

// StringParts returns the parts of a string, writing out the JSON
// encoding of a string made by jsonencode on first use.
func (v *Value) StringParts() []StringPart {
	if v.Parts == nil && v.Encodes != nil {
		v.Parts = encodeJSON(v.Encodes)
	}
	return v.Parts
}

// Str returns the text of a known string, number or bool; a nil value
// (a field an object does not have) has none.
func (v *Value) Str() (string, bool) {
	if v == nil {
		return "", false
	}
	switch v.Kind {
	case KindBool, KindNumber:
		return v.Text, true
	case KindString:
		parts := v.StringParts()
		if len(parts) == 1 && parts[0].Hole == nil {
			return parts[0].Text, true
		}
		var b strings.Builder
		for _, p := range parts {
			if p.Hole != nil {
				return "", false
			}
			b.WriteString(p.Text)
		}
		return b.String(), true
	}
	return "", false
}

// Get returns the field named key of an object, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != KindObject {
		return nil
	}
	for i := len(v.Keys) - 1; i >= 0; i-- {
		if v.Keys[i] == key {
			return v.Fields[i]
		}
	}
	return nil
}

// asParts turns a value interpolated into a template into string parts.
func (v *Value) asParts(at Place) []StringPart {
	switch v.Kind {
	case KindString:
		parts := v.StringParts()
		if v.Encodes != nil {
			// Keep what the text encodes, for JSON read from the template.
			var b strings.Builder
			known := true
			for _, p := range parts {
				known = known && p.Hole == nil
				b.WriteString(p.Text)
			}
			if known {
				return []StringPart{{Text: b.String(), At: at, Enc: v.Encodes}}
			}
		}
		return parts
	case KindBool, KindNumber:
		return []StringPart{{Text: v.Text, At: at}}
	case KindNull:
		return nil
	}
	h := v.FirstHole()
	if h == nil || v.Kind != KindUnknown && v.Kind != KindEither {
		h = &Hole{Name: TruncateName(at.Text()), Kind: iam.UnknownAny}
	}
	return []StringPart{{Hole: h, At: at}}
}

// IAMValues turns a policy element (a string or a list of them) into the
// values the evaluator matches. An element the scanner cannot see is one
// value that is all unknown.
func IAMValues(v *Value) iam.Values {
	out := iam.Values{}
	var add func(v *Value)
	add = func(v *Value) {
		switch v.Kind {
		case KindNull:
		case KindList, KindEither:
			for _, it := range v.Items {
				add(it)
			}
		case KindObject:
			out = append(out, iam.Value{Unknowns: []iam.Unknown{{Name: "object", Kind: iam.UnknownSpecific}}, Source: "${object}"})
		case KindUnknown:
			out = append(out, iam.Value{Unknowns: []iam.Unknown{{Name: v.Hole.Name, Kind: v.Hole.Kind}}, Source: "${" + v.Hole.Name + "}"})
		default:
			out = append(out, IAMValue(v))
		}
	}
	add(v)
	return out
}

// IAMValue turns a string, number or bool into one value.
func IAMValue(v *Value) iam.Value {
	if v.Kind != KindString {
		return iam.Literal(v.Text)
	}
	if parts := v.StringParts(); len(parts) == 1 && parts[0].Hole == nil {
		return iam.Literal(parts[0].Text)
	}
	var text, src strings.Builder
	var unknowns []iam.Unknown
	for _, p := range v.StringParts() {
		if p.Hole != nil {
			unknowns = append(unknowns, iam.Unknown{At: text.Len(), Name: p.Hole.Name, Kind: p.Hole.Kind})
			src.WriteString("${" + p.Hole.Name + "}")
			continue
		}
		text.WriteString(p.Text)
		src.WriteString(p.Text)
	}
	return iam.Value{Text: text.String(), Unknowns: unknowns, Source: src.String()}
}

// KeyOrder is the order Terraform iterates an object or map in: by key.
func (v *Value) KeyOrder() []int {
	order := make([]int, len(v.Keys))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return v.Keys[order[a]] < v.Keys[order[b]] })
	return order
}
