package extract

import (
	"fmt"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// This file reads one policy statement. A statement can be read more than
// one way: each CloudFormation Fn::If around it, or around its Effect,
// Action, Resource, Condition (or an entry of them), takes one branch per
// deployment, and of duplicate keys IAM's parser takes one. Every
// combination is a reading (iam.Reading): the Allow side is judged in each,
// a Deny counts only for what it takes back in all of them. The branches
// of one condition name are taken together, as a deployment takes them.

// maxReadings bounds the readings of one statement. Past it the statement
// is read once, the way that grants the most, and a Deny so read takes
// nothing back.
const maxReadings = 64

// choice is one reading's pick at each place where the statement forks.
// A nil choice is the one broad reading used past maxReadings.
type choice struct {
	conditions map[string]bool                 // Fn::If condition name: true takes the first branch
	duplicates map[*syntax.Node]map[string]int // map node, key: which of its fields with that key
}

// forks are the places where a statement can be read more than one way.
type forks struct {
	conditions []string
	duplicates []duplicate
	// nested is set when an Fn::If sits inside another function (a
	// Fn::Sub or Fn::Join): the resolver reads both branches there, so no
	// reading of the statement holds in every deployment.
	nested bool
}

type duplicate struct {
	in     *syntax.Node
	key    string
	fields []syntax.Field
}

// appendStatements appends the readings of statement n to dst.
func (e *extractor) appendStatements(dst []iam.Statement, n *syntax.Node) []iam.Statement {
	f := &forks{}
	f.collect(n, 0)
	total := 1 << len(f.conditions)
	for _, d := range f.duplicates {
		total *= len(d.fields)
	}
	start := len(dst)
	if len(f.conditions) > 10 || total > maxReadings {
		dst, _ = e.reading(dst, n, nil)
		for i := start; i < len(dst); i++ {
			dst[i].Reading.Sometimes = true
		}
		return dst
	}
	if total == 1 {
		dst, _ = e.reading(dst, n, &noForks)
		for i := start; i < len(dst); i++ {
			dst[i].Reading.Sometimes = f.nested
		}
		return dst
	}
	e.places++
	sometimes := f.nested
	for i := range total {
		ch, note := f.choice(i, e)
		from := len(dst)
		var absent bool
		dst, absent = e.reading(dst, n, ch)
		sometimes = sometimes || absent
		for j := from; j < len(dst); j++ {
			dst[j].Reading = iam.Reading{Place: e.places, Duplicate: note}
		}
	}
	for i := start; i < len(dst); i++ {
		dst[i].Reading.Sometimes = sometimes
	}
	return dst
}

// noForks is the one reading of a statement that has no forks. It is
// never changed, so every worker shares it.
var noForks choice

// choice returns the i-th combination of the forks, and how it reads the
// duplicate keys, for messages.
func (f *forks) choice(i int, e *extractor) (*choice, string) {
	ch := &choice{conditions: map[string]bool{}, duplicates: map[*syntax.Node]map[string]int{}}
	for _, name := range f.conditions {
		ch.conditions[name] = i%2 == 0
		i /= 2
	}
	var notes []string
	for _, d := range f.duplicates {
		k := i % len(d.fields)
		i /= len(d.fields)
		if ch.duplicates[d.in] == nil {
			ch.duplicates[d.in] = map[string]int{}
		}
		ch.duplicates[d.in][d.key] = k
		notes = append(notes, fmt.Sprintf("%q on line %d", d.key, e.src.Pos(d.fields[k].Key.Start).Line))
	}
	return ch, strings.Join(notes, ", ")
}

// collect finds the forks of a statement: the Fn::If condition names and
// duplicate keys wherever the reading below takes branches or fields.
func (f *forks) collect(n *syntax.Node, depth int) {
	if n == nil || depth > syntax.MaxDepth {
		return
	}
	if name, arg, ok := intrinsic(n); ok && name == "Fn::If" {
		if arg.Kind == syntax.KindList && len(arg.Items) == 3 {
			f.condition(arg.Items[0])
			f.collect(arg.Items[1], depth+1)
			f.collect(arg.Items[2], depth+1)
		}
		return
	}
	switch n.Kind {
	case syntax.KindList:
		for _, item := range n.Items {
			f.collect(item, depth+1)
		}
	case syntax.KindMap:
		if _, _, ok := intrinsic(n); ok {
			// Another function: the resolver reads it whole.
			f.nested = f.nested || containsIf(n, depth)
			return
		}
		f.duplicatesOf(n)
		for _, field := range n.Fields {
			f.collect(field.Value, depth+1)
		}
	}
}

func containsIf(n *syntax.Node, depth int) bool {
	if n == nil || depth > syntax.MaxDepth {
		return false
	}
	if isIf(n) {
		return true
	}
	for _, item := range n.Items {
		if containsIf(item, depth+1) {
			return true
		}
	}
	for _, field := range n.Fields {
		if containsIf(field.Value, depth+1) {
			return true
		}
	}
	return false
}

func (f *forks) condition(name *syntax.Node) {
	text := name.ScalarText()
	if text == "" {
		text = fmt.Sprintf("#%d", name.Start) // not a name: a fork of its own
	}
	for _, c := range f.conditions {
		if c == text {
			return
		}
	}
	f.conditions = append(f.conditions, text)
}

// duplicatesOf records the keys of map n that appear more than once, in
// the order of their first appearance. Small maps are compared pairwise;
// large ones through an index, so that no map costs quadratic time.
func (f *forks) duplicatesOf(n *syntax.Node) {
	var counts map[string]int
	if len(n.Fields) > 16 {
		counts = make(map[string]int, len(n.Fields))
		for _, field := range n.Fields {
			counts[field.Key.Text]++
		}
	}
	for i, field := range n.Fields {
		key := field.Key.Text
		if counts != nil {
			if counts[key] < 2 {
				continue
			}
			counts[key] = 0 // recorded at its first appearance
		} else if !firstOfSeveral(n.Fields, i) {
			continue
		}
		var fields []syntax.Field
		for _, other := range n.Fields {
			if other.Key.Text == key {
				fields = append(fields, other)
			}
		}
		f.duplicates = append(f.duplicates, duplicate{in: n, key: key, fields: fields})
	}
}

// firstOfSeveral reports whether fields[i] is the first of two or more
// fields with its key.
func firstOfSeveral(fields []syntax.Field, i int) bool {
	more := false
	for j, other := range fields {
		if other.Key.Text == fields[i].Key.Text && j != i {
			if j < i {
				return false
			}
			more = true
		}
	}
	return more
}

// pick follows the Fn::If branches ch takes from n. absent is set when it
// ends in AWS::NoValue; a nil node with absent unset means n is missing.
func (ch *choice) pick(n *syntax.Node) (out *syntax.Node, absent bool) {
	for {
		name, arg, ok := intrinsic(n)
		switch {
		case !ok:
			return n, false
		case name == "Ref" && arg.Text == "AWS::NoValue":
			return nil, true
		case name != "Fn::If" || arg.Kind != syntax.KindList || len(arg.Items) != 3 || ch == nil:
			return n, false
		}
		branch := 2
		if ch.conditions[ifName(arg.Items[0])] {
			branch = 1
		}
		n = arg.Items[branch]
	}
}

func ifName(n *syntax.Node) string {
	if text := n.ScalarText(); text != "" {
		return text
	}
	return fmt.Sprintf("#%d", n.Start)
}

// isIf reports whether n is an Fn::If, which the broad reading takes as
// both branches.
func isIf(n *syntax.Node) bool {
	name, _, ok := intrinsic(n)
	return ok && name == "Fn::If"
}

// get returns the value of key in map n as ch reads duplicate keys (the
// last one when ch does not choose).
func (ch *choice) get(n *syntax.Node, key string) *syntax.Node {
	if ch != nil {
		if k, ok := ch.duplicates[n][key]; ok {
			for _, field := range n.Fields {
				if field.Key.Text == key {
					if k == 0 {
						return field.Value
					}
					k--
				}
			}
		}
	}
	return n.Get(key)
}

// fields returns the fields of map n as ch reads duplicate keys: n's own
// list when it reads them all (a map without duplicate keys), which the
// caller must not change.
func (ch *choice) fields(n *syntax.Node) []syntax.Field {
	for i, field := range n.Fields {
		if ch.get(n, field.Key.Text) != field.Value {
			out := append([]syntax.Field(nil), n.Fields[:i]...)
			for _, field := range n.Fields[i+1:] {
				if ch.get(n, field.Key.Text) == field.Value {
					out = append(out, field)
				}
			}
			return out
		}
	}
	return n.Fields
}

// reading appends the statement n as ch reads it to dst. absent is set
// when the reading has no statement (AWS::NoValue). With a nil ch, each
// Fn::If around a statement yields both, and one elsewhere is read the
// way that grants the most.
func (e *extractor) reading(dst []iam.Statement, n *syntax.Node, ch *choice) (out []iam.Statement, absent bool) {
	n, absent = ch.pick(n)
	if absent {
		return dst, true
	}
	if name, arg, ok := intrinsic(n); ok && name == "Fn::If" && arg.Kind == syntax.KindList && len(arg.Items) == 3 {
		var first, second bool
		dst, first = e.reading(dst, arg.Items[1], ch)
		dst, second = e.reading(dst, arg.Items[2], ch)
		return dst, first || second
	}
	if n.Kind != syntax.KindMap {
		e.warn(n, "a statement must be an object, not %s", n.Describe())
		return dst, false
	}
	effect := e.effect(ch, ch.get(n, "Effect"))
	s := iam.Statement{
		Sid:          ch.get(n, "Sid").ScalarText(),
		Effect:       effect,
		Action:       e.values(ch, n, "Action", effect),
		NotAction:    e.values(ch, n, "NotAction", effect),
		Resource:     e.values(ch, n, "Resource", effect),
		NotResource:  e.values(ch, n, "NotResource", effect),
		HasPrincipal: ch.get(n, "Principal") != nil || ch.get(n, "NotPrincipal") != nil,
		Span:         e.usedAt(n).Span(e.src),
		Anchor:       e.anchor(n),
	}
	if cond := ch.get(n, "Condition"); cond != nil {
		s.Conditions = e.conditions(ch, cond, effect)
	}
	return append(dst, s), false
}

// values reads the element key of statement n, which may be absent:
// absent gives nil, present gives a non-nil list even when every value
// drops out.
func (e *extractor) values(ch *choice, stmt *syntax.Node, key, effect string) iam.Values {
	return e.elementValues(ch, ch.get(stmt, key), e.elementResolver(effect, key))
}

// elementValues reads an element's node n with r.
func (e *extractor) elementValues(ch *choice, n *syntax.Node, r resolver) iam.Values {
	if n == nil {
		return nil
	}
	n, absent := ch.pick(n)
	if absent {
		return iam.Values{}
	}
	split := false
	for _, item := range n.List() {
		split = split || ch != nil && isIf(item)
	}
	if !split {
		if out := r.values(n); out != nil {
			return out
		}
		return iam.Values{}
	}
	out := iam.Values{}
	for _, item := range n.List() {
		if item, absent = ch.pick(item); !absent {
			out = append(out, r.values(item)...)
		}
	}
	return out
}

// conditions flattens a Condition block into operator/key pairs. The
// broad reading (nil ch) leaves out a block or value that is an Fn::If:
// a condition restricts what an Allow grants.
func (e *extractor) conditions(ch *choice, n *syntax.Node, effect string) []iam.Condition {
	n, absent := ch.pick(n)
	if absent || ch == nil && isIf(n) {
		return nil
	}
	if n.Kind != syntax.KindMap {
		e.warn(n, "Condition must be an object, not %s", n.Describe())
		return nil
	}
	var out []iam.Condition
	for _, op := range ch.fields(n) {
		block, absent := ch.pick(op.Value)
		if absent || ch == nil && isIf(block) {
			continue
		}
		if block.Kind != syntax.KindMap {
			e.warn(block, "condition operator %s must map keys to values, not %s", op.Key.Text, block.Describe())
			continue
		}
		for _, kv := range ch.fields(block) {
			if ch == nil && isIf(kv.Value) {
				continue
			}
			out = append(out, iam.Condition{
				Operator: op.Key.Text,
				Key:      kv.Key.Text,
				Values:   e.elementValues(ch, kv.Value, e.elementResolver(effect, "Condition")),
				At:       op.Key.Start,
			})
		}
	}
	return out
}

// effect reads Effect; an intrinsic that may yield Allow counts as Allow.
func (e *extractor) effect(ch *choice, n *syntax.Node) string {
	n, _ = ch.pick(n)
	if n == nil {
		return ""
	}
	if n.IsScalar() {
		return n.Text
	}
	first := ""
	for _, v := range e.resolver().resolve(n) {
		if v.is("Allow") {
			return "Allow"
		}
		if first == "" {
			first = v.text
		}
	}
	return first
}
