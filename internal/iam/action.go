package iam

import (
	"fmt"
	"strings"
	"unicode"
)

// This file holds IAM wildcard patterns (shared by actions and resources)
// and the Action/NotAction test.

// unit is one element of a tokenized pattern or subject: a character, a
// wildcard, or an opaque reference kept whole.
type unit struct {
	kind unitKind
	r    rune   // the character, for unitChar
	ref  string // the unknown's name, for unitOpaque
}

type unitKind uint8

const (
	unitChar   unitKind = iota
	unitStar            // '*' in a pattern: any run of units
	unitAny             // '?' in a pattern: one character
	unitOpaque          // an unknown specific value
)

// tokenize splits a subject (an action name, an ARN being tested) into
// units: '*' and '?' in it are characters.
func tokenize(s string) []unit {
	return appendChars(make([]unit, 0, len(s)), s, false)
}

// pattern splits a pattern value into units: '*' and '?' are wildcards,
// a place unknown (a pseudo parameter) matches like '*', and a specific
// unknown is one opaque unit, which matches only itself.
func pattern(v Value) []unit {
	out := make([]unit, 0, len(v.Text)+len(v.Unknowns))
	at := 0
	for _, u := range v.Unknowns {
		out = appendChars(out, v.Text[at:u.At], true)
		at = u.At
		if u.Kind == UnknownPlace {
			out = append(out, unit{kind: unitStar})
		} else {
			out = append(out, unit{kind: unitOpaque, ref: u.Name})
		}
	}
	return appendChars(out, v.Text[at:], true)
}

// appendChars appends the units of literal text s; with wild, '*' and '?'
// are wildcards.
func appendChars(out []unit, s string, wild bool) []unit {
	for _, r := range s {
		switch {
		case wild && r == '*':
			out = append(out, unit{kind: unitStar})
		case wild && r == '?':
			out = append(out, unit{kind: unitAny})
		default:
			out = append(out, unit{kind: unitChar, r: r})
		}
	}
	return out
}

// opaqueAsStar returns p with every opaque reference replaced by '*': the
// most the reference could match, for tests that must not under-estimate.
func opaqueAsStar(p []unit) []unit {
	out := make([]unit, len(p))
	for i, u := range p {
		if u.kind == unitOpaque {
			u = unit{kind: unitStar}
		}
		out[i] = u
	}
	return out
}

// hasWildcard reports whether p holds '*' or '?'.
func hasWildcard(p []unit) bool {
	for _, u := range p {
		if u.kind == unitStar || u.kind == unitAny {
			return true
		}
	}
	return false
}

// globMatch reports whether pattern p matches subject s entirely. '*'
// matches any run (including ':' and '/'), '?' one character; an opaque
// reference in the pattern matches only the same reference in the subject,
// and one in the subject is matched only by '*' or that same reference.
// fold makes characters compare case-insensitively.
func globMatch(p, s []unit, fold bool) bool {
	pi, si := 0, 0
	star, resume := -1, 0 // the last '*' seen and where its run ends
	for si < len(s) {
		if pi < len(p) {
			if p[pi].kind == unitStar {
				star, resume = pi, si
				pi++
				continue
			}
			if unitMatches(p[pi], s[si], fold) {
				pi++
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		resume++
		pi, si = star+1, resume
	}
	for pi < len(p) && p[pi].kind == unitStar {
		pi++
	}
	return pi == len(p)
}

func unitMatches(p, s unit, fold bool) bool {
	switch p.kind {
	case unitAny:
		return s.kind == unitChar
	case unitChar:
		return s.kind == unitChar && (p.r == s.r || fold && sameFold(p.r, s.r))
	case unitOpaque:
		return s.kind == unitOpaque && p.ref == s.ref
	}
	return false
}

// sameFold reports whether a and b are the same letter under Unicode
// simple case folding.
func sameFold(a, b rune) bool {
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

// actionMatches reports whether an Action pattern matches action:
// case-insensitive, with '*' and '?'. An opaque reference is an unknown
// specific action, so a pattern holding one matches no real action.
func actionMatches(p Value, action string) bool {
	return globMatch(pattern(p), tokenize(action), true)
}

// actionMayMatch is actionMatches with every opaque reference read as '*':
// whether the pattern could name action, whatever the reference resolves to.
func actionMayMatch(p Value, action string) bool {
	return globMatch(opaqueAsStar(pattern(p)), tokenize(action), true)
}

// allowsAction reports whether the statement's Action or NotAction
// element covers action, and how, for messages: the first matching Action
// pattern, or the whole NotAction list. An opaque NotAction entry is read
// as naming some other action, so the NotAction still grants action.
// A statement with both elements is malformed; either one granting is
// enough.
func allowsAction(st *Statement, action string) (how string, ok bool) {
	for _, v := range st.Action {
		if actionMatches(v, action) {
			return fmt.Sprintf("Action %q", v.Source), true
		}
	}
	if st.NotAction == nil {
		return "", false
	}
	for _, v := range st.NotAction {
		if actionMatches(v, action) {
			return "", false
		}
	}
	return "NotAction " + quoteValues(st.NotAction), true
}

// deniesAction reports whether a Deny statement surely covers action. It
// errs toward "no": an opaque NotAction entry might be action itself, and
// a malformed statement with both Action and NotAction is not trusted.
func deniesAction(st *Statement, action string) bool {
	switch {
	case st.Action != nil && st.NotAction == nil:
		for _, v := range st.Action {
			if actionMatches(v, action) {
				return true
			}
		}
	case st.NotAction != nil && st.Action == nil:
		for _, v := range st.NotAction {
			if actionMayMatch(v, action) {
				return false
			}
		}
		return true
	}
	return false
}

// quoteValues shows a list of values as the file spells them: "a" for
// one, ["a", "b"] for several.
func quoteValues(vs Values) string {
	if len(vs) == 1 {
		return fmt.Sprintf("%q", vs[0].Source)
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprintf("%q", v.Source)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
