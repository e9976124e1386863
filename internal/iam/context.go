package iam

import "strings"

// This file is the request contexts a statement is judged in. Whether an
// Allow pins the instance is decided by asking: is there a caller (any
// values of the keys about the caller and the request) for whom every
// instance of some kind is granted, where a kind of instance is which of
// the tag keys the conditions test it carries? A tag it carries holds a
// value nobody chose: the same for all its keys, equal to nothing in the
// policy or the caller's context. Reserved aws: tags, which no user can
// set, are absent. A condition that lets such instances through does not
// pin.
//
// The callers worth trying are few: for each key the conditions test,
// the key absent, a value equal to nothing, each value the conditions name
// (and one that each StringLike pattern matches), true and false for Bool
// (and only those for a key tested only by Bool), and for tests that are
// not modelled (numeric, date, IP) a value that satisfies them and one
// that does not. Every combination is tried, up to maxContexts; past that
// the caller conditions are read the way that reports (true in the Allow,
// false in a Deny), and past it again the instances are untagged or
// carry every tag.

const maxContexts = 1 << 10

// Values that stand for something rather than spell it: none can be
// written in a policy, because policy text is never empty of a NUL.
const (
	tokenInstance  = "\x00instance"  // every tag of an instance chosen freely
	tokenCaller    = "\x00caller"    // a caller value equal to nothing named
	tokenSatisfies = "\x00satisfies" // a value that passes untested comparisons
	tokenFails     = "\x00fails"     // a value that fails them
	tokenAbsent    = "\x00absent"    // the key is not in the request
)

func isToken(s string) bool { return strings.HasPrefix(s, "\x00") }

// opaqueToken stands for a value with unknowns.
func opaqueToken(v *Value) string {
	var b strings.Builder
	b.WriteString("\x00opaque\x00")
	b.WriteString(v.Text)
	for _, u := range v.Unknowns {
		b.WriteString("\x00" + u.Name)
	}
	return b.String()
}

// requestContext is one request: the instance's tags and the caller's
// keys.
type requestContext struct {
	keys []string // contextKey names
	vals []string // their values, tokenAbsent when absent
	// callerFree is set past maxContexts: conditions on caller keys are
	// not evaluated, and variables naming them read tokenCaller.
	callerFree bool
	// allTags is set when the instance tags are not enumerated: the
	// instance carries every tag.
	allTags bool
}

// lookup returns the value of a key, named by contextKey, in the request.
func (ctx *requestContext) lookup(key string) (string, bool) {
	switch kind, tag := classifyKey(key); {
	case kind == keyEC2Tag || kind == keyInstanceTag && reservedTagKey(tag):
		return "", false
	case kind == keyInstanceTag && ctx.allTags:
		return tokenInstance, true
	case kind == keyCaller && ctx.callerFree:
		return tokenCaller, true
	}
	for i, k := range ctx.keys {
		if k == key {
			if ctx.vals[i] == tokenAbsent {
				return "", false
			}
			return ctx.vals[i], true
		}
	}
	return "", false
}

// universe is the contexts worth trying for a set of conditions: the
// instance's tag keys, then the caller's keys, each with its candidates.
type universe struct {
	keys       []string
	candidates [][]string
	tags       int // keys[:tags] are instance tags
	callerFree bool
	allTags    bool
}

func newUniverse(conds ...[]cond) universe {
	empty := true
	for _, cs := range conds {
		empty = empty && len(cs) == 0
	}
	if empty {
		return universe{}
	}
	var tags, callers keySet
	addTag := func(name string) {
		if k, tag := classifyKey(name); k == keyInstanceTag && !reservedTagKey(tag) {
			tags.add(name, tokenAbsent, tokenInstance)
		}
	}
	for _, cs := range conds {
		for _, c := range cs {
			for _, v := range c.values {
				for _, p := range v.parts {
					switch classifyKeyKind(p.variable) {
					case keyInstanceTag:
						addTag(p.variable)
					case keyCaller:
						if p.variable != "" {
							callers.add(p.variable, tokenAbsent)
							callers.notBool(p.variable)
						}
					}
				}
			}
			switch c.kind {
			case keyInstanceTag:
				addTag(c.key)
				continue
			case keyEC2Tag:
				continue
			}
			callers.add(c.key, tokenAbsent)
			if c.compare != compareBool {
				callers.notBool(c.key)
			}
			for _, v := range c.values {
				switch {
				case v.token != "":
					callers.add(c.key, v.token)
				case v.hasVariable():
				case c.compare == compareLike:
					callers.add(c.key, v.parts[0].text, likeSample(v.parts[0].text))
				case c.compare == compareBool:
					callers.add(c.key, "true", "false")
				case c.compare == compareOpaque:
					callers.add(c.key, v.parts[0].text, tokenSatisfies, tokenFails)
				default:
					callers.add(c.key, v.parts[0].text)
				}
			}
		}
	}
	for i := range callers.keys {
		if !callers.onlyBool[i] {
			callers.candidates[i] = append(callers.candidates[i], tokenCaller)
		}
	}
	u := universe{tags: len(tags.keys)}
	u.keys = append(tags.keys, callers.keys...)
	u.candidates = append(tags.candidates, callers.candidates...)
	if product(u.candidates) > maxContexts {
		u.callerFree = true
		u.keys, u.candidates = u.keys[:u.tags], u.candidates[:u.tags]
		if product(u.candidates) > maxContexts {
			u.allTags = true
			u.keys, u.candidates, u.tags = nil, nil, 0
		}
	}
	return u
}

// keySet collects keys and their candidate values in order. A policy
// tests few keys, so they are looked up in order.
type keySet struct {
	keys       []string
	candidates [][]string
	onlyBool   []bool // tested only by Bool, and named in no variable
}

func (s *keySet) index(name string) int {
	for i, k := range s.keys {
		if k == name {
			return i
		}
	}
	s.keys = append(s.keys, name)
	s.candidates = append(s.candidates, nil)
	s.onlyBool = append(s.onlyBool, true)
	return len(s.keys) - 1
}

func (s *keySet) notBool(name string) { s.onlyBool[s.index(name)] = false }

func (s *keySet) add(name string, vals ...string) {
	i := s.index(name)
	for _, v := range vals {
		if !contains(s.candidates[i], v) {
			s.candidates[i] = append(s.candidates[i], v)
		}
	}
}

func product(candidates [][]string) int {
	n := 1
	for _, c := range candidates {
		if n *= len(c); n > maxContexts {
			break
		}
	}
	return n
}

func classifyKeyKind(key string) keyKind { k, _ := classifyKey(key); return k }

// likeSample is a value a StringLike pattern matches.
func likeSample(p string) string {
	return strings.ReplaceAll(strings.ReplaceAll(p, "*", ""), "?", "a")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// each calls f with every context of the universe, the first with every
// key absent, until f returns false. Past the bound on tags, it offers an
// instance without tags and one with every tag. ctx is the context to
// fill in, reused.
func (u *universe) each(ctx *requestContext, f func(*requestContext) bool) {
	*ctx = requestContext{keys: u.keys, vals: ctx.vals[:0], callerFree: u.callerFree}
	for range u.keys {
		ctx.vals = append(ctx.vals, "")
	}
	if u.allTags {
		if f(ctx) {
			ctx.allTags = true
			f(ctx)
		}
		return
	}
	digits := make([]int, len(u.keys))
	for {
		for i, d := range digits {
			ctx.vals[i] = u.candidates[i][d]
		}
		if !f(ctx) {
			return
		}
		i := 0
		for ; i < len(digits); i++ {
			if digits[i]++; digits[i] < len(u.candidates[i]) {
				break
			}
			digits[i] = 0
		}
		if i == len(digits) {
			return
		}
	}
}

// snapshot copies a context, to keep one as a witness.
func (ctx *requestContext) snapshot() *requestContext {
	c := *ctx
	c.vals = append([]string(nil), ctx.vals...)
	return &c
}
