package terraform

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

// tfFile is a text the evaluator reads with positions: a .tf file, a file
// read through file() or templatefile(), or a string of a .tf.json file,
// whose expressions hcl parses from the decoded text.
type tfFile struct {
	key  string         // the name hcl ranges carry
	name string         // the file as every output shows it
	src  *source.Source // positions in the file
	data []byte         // the text hcl ranges count in
	// offs maps offsets of data to offsets of the file when data is a
	// decoded string inside it; nil when data is the file.
	offs source.OffsetMap
}

// fileOffset is the offset in the file of byte off of data.
func (f *tfFile) fileOffset(off int) int {
	if f.offs == nil {
		return off
	}
	return f.offs.Map(off)
}

// place is where a value is written; the zero place is nowhere (a value
// computed by a function).
type place struct {
	file       *tfFile
	start, end int // offsets in file.data
}

func (p place) valid() bool { return p.file != nil }

func (p place) span() source.Span {
	start, end := p.file.fileOffset(p.start), p.file.fileOffset(p.end)
	// A range the parser recovered from a syntax error may end before it starts.
	return p.file.src.Span(start, max(start, end))
}

// text is the source text of the place, for names of unknowns.
func (p place) text() string {
	if !p.valid() || p.start < 0 || p.end > len(p.file.data) || p.start > p.end {
		return ""
	}
	return string(p.file.data[p.start:p.end])
}

type valueKind uint8

const (
	kindNull valueKind = iota
	kindBool
	kindNumber
	kindString
	kindList
	kindObject
	// kindUnknown is a whole value the scanner cannot see.
	kindUnknown
	// kindEither is one of several values: the branches of a conditional
	// whose condition is unknown. Each is judged, as every branch of a
	// CloudFormation Fn::If is.
	kindEither
)

// value is a Terraform value as the evaluator sees it.
type value struct {
	kind   valueKind
	text   string    // bool and number: as Terraform prints them
	parts  []strPart // string
	items  []*value  // list, tuple and set; either: the alternatives
	keys   []string  // object and map, in order
	fields []*value
	hole   *hole // unknown
	at     place
	// encodes is the value a string is the JSON encoding of (jsonencode, a
	// policy document's json): a policy read from it keeps its positions.
	encodes *value
}

// hole is a value or a part of a string that the scanner cannot see.
type hole struct {
	name string // the expression that could not be seen, as written
	kind iam.UnknownKind
	// failed marks an expression Terraform would reject (a missing
	// attribute, a function error): try() moves on from it.
	failed bool
	// ref is the reference to a resource, data source or module output
	// that the hole is, for what an attachment names (tf_attach.go).
	ref hcl.Traversal
}

// strPart is a piece of a string: literal text, or a hole.
type strPart struct {
	text string
	at   place // where text is written; invalid for computed text
	hole *hole
	// enc is set when text is the JSON encoding of enc (an interpolated
	// jsonencode), so that JSON read from the string keeps enc's positions.
	enc *value
}

var nullValue = &value{kind: kindNull}

func boolValue(b bool) *value {
	if b {
		return &value{kind: kindBool, text: "true"}
	}
	return &value{kind: kindBool, text: "false"}
}

func stringValue(s string, at place) *value {
	v := newString(1, at)
	v.parts = append(v.parts, strPart{text: s, at: at})
	return v
}

// newString is a string value with room for n parts. Most strings are of
// one part, which is then allocated with the value.
func newString(n int, at place) *value {
	if n == 1 {
		s := &oneString{}
		s.v = value{kind: kindString, parts: s.part[:0], at: at}
		return &s.v
	}
	return &value{kind: kindString, parts: make([]strPart, 0, n), at: at}
}

type oneString struct {
	v    value
	part [1]strPart
}

func unknownValue(name string, kind iam.UnknownKind, at place) *value {
	return &value{kind: kindUnknown, hole: &hole{name: truncateName(name), kind: kind}, at: at}
}

// truncateName keeps names of unknowns readable in messages.
func truncateName(name string) string {
	name = strings.Join(strings.Fields(name), " ")
	if len(name) > 80 {
		return name[:77] + "..."
	}
	return name
}

// isKnown reports whether v holds no unknown anywhere.
func (v *value) isKnown() bool {
	switch v.kind {
	case kindUnknown, kindEither:
		return false
	case kindString:
		for _, p := range v.stringParts() {
			if p.hole != nil {
				return false
			}
		}
	case kindList, kindObject:
		for _, it := range append(v.items, v.fields...) {
			if !it.isKnown() {
				return false
			}
		}
	}
	return true
}

// firstHole returns the first unknown in v, for the name of a result that
// depends on it.
func (v *value) firstHole() *hole {
	switch v.kind {
	case kindUnknown:
		return v.hole
	case kindString:
		for _, p := range v.stringParts() {
			if p.hole != nil {
				return p.hole
			}
		}
	case kindList, kindObject, kindEither:
		for _, it := range append(v.items, v.fields...) {
			if h := it.firstHole(); h != nil {
				return h
			}
		}
	}
	return nil
}

// stringParts returns the parts of a string, writing out the JSON
// encoding of a string made by jsonencode on first use.
func (v *value) stringParts() []strPart {
	if v.parts == nil && v.encodes != nil {
		v.parts = encodeJSON(v.encodes)
	}
	return v.parts
}

// str returns the text of a known string, number or bool.
func (v *value) str() (string, bool) {
	switch v.kind {
	case kindBool, kindNumber:
		return v.text, true
	case kindString:
		parts := v.stringParts()
		if len(parts) == 1 && parts[0].hole == nil {
			return parts[0].text, true
		}
		var b strings.Builder
		for _, p := range parts {
			if p.hole != nil {
				return "", false
			}
			b.WriteString(p.text)
		}
		return b.String(), true
	}
	return "", false
}

// get returns the field named key of an object, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != kindObject {
		return nil
	}
	for i := len(v.keys) - 1; i >= 0; i-- {
		if v.keys[i] == key {
			return v.fields[i]
		}
	}
	return nil
}

// asParts turns a value interpolated into a template into string parts.
func (v *value) asParts(at place) []strPart {
	switch v.kind {
	case kindString:
		parts := v.stringParts()
		if v.encodes != nil {
			// Keep what the text encodes, for JSON read from the template.
			var b strings.Builder
			known := true
			for _, p := range parts {
				known = known && p.hole == nil
				b.WriteString(p.text)
			}
			if known {
				return []strPart{{text: b.String(), at: at, enc: v.encodes}}
			}
		}
		return parts
	case kindBool, kindNumber:
		return []strPart{{text: v.text, at: at}}
	case kindNull:
		return nil
	}
	h := v.firstHole()
	if h == nil || v.kind != kindUnknown && v.kind != kindEither {
		h = &hole{name: truncateName(at.text()), kind: iam.UnknownAny}
	}
	return []strPart{{hole: h, at: at}}
}

// iamValues turns a policy element (a string or a list of them) into the
// values the evaluator matches. An element the scanner cannot see is one
// value that is all unknown.
func iamValues(v *value) iam.Values {
	out := iam.Values{}
	var add func(v *value)
	add = func(v *value) {
		switch v.kind {
		case kindNull:
		case kindList, kindEither:
			for _, it := range v.items {
				add(it)
			}
		case kindObject:
			out = append(out, iam.Value{Unknowns: []iam.Unknown{{Name: "object", Kind: iam.UnknownSpecific}}, Source: "${object}"})
		case kindUnknown:
			out = append(out, iam.Value{Unknowns: []iam.Unknown{{Name: v.hole.name, Kind: v.hole.kind}}, Source: "${" + v.hole.name + "}"})
		default:
			out = append(out, iamValue(v))
		}
	}
	add(v)
	return out
}

// iamValue turns a string, number or bool into one value.
func iamValue(v *value) iam.Value {
	if v.kind != kindString {
		return iam.Literal(v.text)
	}
	if parts := v.stringParts(); len(parts) == 1 && parts[0].hole == nil {
		return iam.Literal(parts[0].text)
	}
	var text, src strings.Builder
	var unknowns []iam.Unknown
	for _, p := range v.stringParts() {
		if p.hole != nil {
			unknowns = append(unknowns, iam.Unknown{At: text.Len(), Name: p.hole.name, Kind: p.hole.kind})
			src.WriteString("${" + p.hole.name + "}")
			continue
		}
		text.WriteString(p.text)
		src.WriteString(p.text)
	}
	return iam.Value{Text: text.String(), Unknowns: unknowns, Source: src.String()}
}

// rangePlace is the place of an hcl range, in the file it names.
func (m *tfModule) rangePlace(r hcl.Range) place {
	f := m.lastFile
	if f == nil || f.key != r.Filename {
		f = m.files[r.Filename]
		if f == nil {
			return place{}
		}
		m.lastFile = f
	}
	return place{file: f, start: r.Start.Byte, end: r.End.Byte}
}

// keyOrder is the order Terraform iterates an object or map in: by key.
func (v *value) keyOrder() []int {
	order := make([]int, len(v.keys))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return v.keys[order[a]] < v.keys[order[b]] })
	return order
}
