package extract

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// selfResolver resolves the ${self:path} references of a Serverless
// Framework file within the file, as the framework does before it
// deploys: ${self:custom.arn}, ${self:provider.stage}, and with a
// quoted default, ${self:custom.arn, '*'}. Other variables (${opt:...},
// ${env:...}, ${ssm:...}, ${file(...)}) stay as they are written.
type selfResolver struct {
	root *syntax.Node
	// done holds every node resolved so far, so that a node reached again
	// (through references or aliases) costs nothing more; busy the
	// references being resolved, where a reference back is a cycle and
	// stays as it is.
	done map[*syntax.Node]*syntax.Node
	busy map[*syntax.Node]bool
}

// resolve returns n with the references below it resolved: a string that
// is one reference becomes the node it names, used at the string's place
// as an alias is; a reference inside a longer string becomes the text of
// the scalar it names. Nodes without references are returned as they are.
func (s *selfResolver) resolve(n *syntax.Node) *syntax.Node {
	if n == nil {
		return nil
	}
	if r, ok := s.done[n]; ok {
		return r
	}
	if s.done == nil {
		s.done, s.busy = map[*syntax.Node]*syntax.Node{}, map[*syntax.Node]bool{}
	}
	r := n
	switch n.Kind {
	case syntax.KindString:
		r = s.str(n)
	case syntax.KindList:
		var items []*syntax.Node
		for i, item := range n.Items {
			if v := s.resolve(item); v != item {
				if items == nil {
					items = slices.Clone(n.Items)
				}
				items[i] = v
			}
		}
		if items != nil {
			c := *n
			c.Items = items
			r = &c
		}
	case syntax.KindMap:
		var fields []syntax.Field
		for i, f := range n.Fields {
			if v := s.resolve(f.Value); v != f.Value {
				if fields == nil {
					fields = slices.Clone(n.Fields)
				}
				fields[i].Value = v
			}
		}
		if fields != nil {
			c := *n
			c.Fields = fields
			r = &c
		}
	}
	s.done[n] = r
	return r
}

const selfPrefix = "${self:"

// str resolves the references in string n.
func (s *selfResolver) str(n *syntax.Node) *syntax.Node {
	if !strings.Contains(n.Text, selfPrefix) {
		return n
	}
	if ref, ok := wholeReference(n.Text); ok {
		target, fallback, ok := s.target(ref)
		switch {
		case target != nil:
			return &syntax.Node{Kind: target.Kind, Text: target.Text, Items: target.Items, Fields: target.Fields,
				Start: n.Start, End: n.End, Alias: target.Anchored()}
		case ok:
			c := *n
			c.Text = fallback
			return &c
		}
		return n
	}
	var b strings.Builder
	rest, changed := n.Text, false
	for {
		i := strings.Index(rest, selfPrefix)
		j := strings.IndexByte(rest[max(i, 0):], '}')
		if i < 0 || j < 0 {
			break
		}
		j += i
		b.WriteString(rest[:i])
		if target, fallback, ok := s.target(rest[i+len(selfPrefix) : j]); ok && (target == nil || target.IsScalar()) {
			if target != nil {
				fallback = target.Text
			}
			b.WriteString(fallback)
			changed = true
		} else {
			b.WriteString(rest[i : j+1])
		}
		rest = rest[j+1:]
	}
	if !changed {
		return n
	}
	b.WriteString(rest)
	c := *n
	c.Text = b.String()
	return &c
}

// wholeReference returns the inside of text when text is one ${self:...}
// reference and nothing else.
func wholeReference(text string) (string, bool) {
	inner, ok := strings.CutPrefix(text, selfPrefix)
	if !ok || !strings.HasSuffix(inner, "}") || strings.Contains(inner[:len(inner)-1], "}") {
		return "", false
	}
	return inner[:len(inner)-1], true
}

// target resolves a reference, path[, 'default']: the resolved node the
// path names, or else the text of its default; ok is false when it names
// nothing.
func (s *selfResolver) target(ref string) (n *syntax.Node, fallback string, ok bool) {
	path, fallback, hasDefault := strings.Cut(ref, ",")
	path = strings.TrimSpace(path)
	if path == "" || strings.ContainsAny(path, "${") {
		return nil, "", false
	}
	n = s.root
	for _, seg := range strings.Split(path, ".") {
		if i, err := strconv.Atoi(seg); err == nil && n.Kind == syntax.KindList && i >= 0 && i < len(n.Items) {
			n = n.Items[i]
		} else {
			n = n.Get(seg)
		}
		if n == nil {
			break
		}
	}
	if n == nil {
		if !hasDefault {
			return nil, "", false
		}
		fallback, ok = quotedDefault(strings.TrimSpace(fallback))
		return nil, fallback, ok
	}
	if s.busy[n] {
		return nil, "", false // a reference back to itself
	}
	s.busy[n] = true
	r := s.resolve(n)
	delete(s.busy, n)
	return r, "", true
}

// quotedDefault reads the default of a reference, a quoted literal.
func quotedDefault(s string) (string, bool) {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1], true
	}
	return "", false
}
