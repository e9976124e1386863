package iam

import "strings"

// This file is the request contexts a statement is judged in. Whether an
// Allow pins the instance is decided by asking: is there a caller (any
// values of the keys about the caller and the request) for whom every
// instance of some kind is granted, where the kinds are an instance with
// no tags, and an instance whose every tag holds a value nobody chose (the
// same one for all its keys, equal to nothing in the policy or the
// caller's context)? A condition that lets either through does not pin.
//
// The callers worth trying are few: for each key the conditions test,
// the key absent, a value equal to nothing, each value the conditions name
// (and one that each StringLike pattern matches), true and false for Bool,
// and for tests that are not modelled (numeric, date, IP) a value that
// satisfies them and one that does not. Every combination is tried, up to
// maxContexts; past that the caller conditions are read the way that
// reports: true in the Allow, false in a Deny.

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

// tagState says which instances a context asks about.
type tagState uint8

const (
	untagged  tagState = iota // an instance with no tags
	freshTags                 // every non-reserved tag holds tokenInstance
)

// requestContext is one request: the instance's tags and the caller's
// keys.
type requestContext struct {
	tags tagState
	keys []string // lower-case caller keys
	vals []string // their values, tokenAbsent when absent
	// callerFree is set past maxContexts: conditions on caller keys are
	// not evaluated, and variables naming them read tokenCaller.
	callerFree bool
}

// lookup returns the value of a lower-case key in the request.
func (ctx *requestContext) lookup(key string) (string, bool) {
	switch kind, tag := classifyKey(key); kind {
	case keyInstanceTag:
		if ctx.tags == untagged || reservedTagKey(tag) {
			return "", false
		}
		return tokenInstance, true
	case keyEC2Tag:
		return "", false
	}
	if ctx.callerFree {
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

// universe is the contexts worth trying for a set of conditions.
type universe struct {
	keys       []string
	candidates [][]string
	callerFree bool
}

func newUniverse(conds ...[]cond) *universe {
	u := &universe{}
	byKey := map[string]int{}
	add := func(key string, vals ...string) {
		i, ok := byKey[key]
		if !ok {
			i = len(u.keys)
			byKey[key] = i
			u.keys = append(u.keys, key)
			u.candidates = append(u.candidates, []string{tokenAbsent, tokenCaller})
		}
		for _, v := range vals {
			if !contains(u.candidates[i], v) {
				u.candidates[i] = append(u.candidates[i], v)
			}
		}
	}
	for _, cs := range conds {
		for _, c := range cs {
			for _, v := range c.values {
				for _, p := range v.parts {
					if p.variable != "" && classifyKeyKind(p.variable) == keyCaller {
						add(p.variable)
					}
				}
			}
			if c.kind != keyCaller {
				continue
			}
			add(c.key)
			for _, v := range c.values {
				switch {
				case v.token != "":
					add(c.key, v.token)
				case v.hasVariable():
				case c.compare == compareLike:
					add(c.key, v.parts[0].text, likeSample(v.parts[0].text))
				case c.compare == compareBool:
					add(c.key, "true", "false")
				case c.compare == compareOpaque:
					add(c.key, v.parts[0].text, tokenSatisfies, tokenFails)
				default:
					add(c.key, v.parts[0].text)
				}
			}
		}
	}
	n := 1
	for _, c := range u.candidates {
		if n *= len(c); n > maxContexts {
			u.callerFree = true
			break
		}
	}
	return u
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

// each calls f with every context of the universe, untagged instances
// first, until f returns false.
func (u *universe) each(f func(*requestContext) bool) {
	for _, tags := range []tagState{untagged, freshTags} {
		ctx := &requestContext{tags: tags, callerFree: u.callerFree}
		if u.callerFree {
			if !f(ctx) {
				return
			}
			continue
		}
		ctx.keys = u.keys
		ctx.vals = make([]string, len(u.keys))
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
				break
			}
		}
	}
}

// snapshot copies a context, to keep one as a witness.
func (ctx *requestContext) snapshot() *requestContext {
	c := *ctx
	c.vals = append([]string(nil), ctx.vals...)
	return &c
}
