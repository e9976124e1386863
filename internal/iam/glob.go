package iam

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds IAM wildcard patterns: '*' matches any run of
// characters, '?' one character. Literal patterns are matched as strings,
// without allocating; a pattern holding unknowns is compiled into units
// once, for the resource automaton (cover.go).

// match reports whether the literal pattern p matches s entirely. fold
// compares letters case-insensitively (ASCII directly, other letters by
// Unicode simple folding).
func match(p, s string, fold bool) bool {
	pi, si := 0, 0
	star, resume := -1, 0 // the last '*' seen and where its run ends
	for si < len(s) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				star, resume = pi, si
				pi++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[si:])
				pi, si = pi+1, si+n
				continue
			default:
				if n, m, ok := sameRune(p[pi:], s[si:], fold); ok {
					pi, si = pi+n, si+m
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[resume:])
		resume += n
		pi, si = star+1, resume
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// sameRune compares the first characters of a and b (both non-empty) and
// returns their lengths in bytes.
func sameRune(a, b string, fold bool) (int, int, bool) {
	if ca, cb := a[0], b[0]; ca < utf8.RuneSelf && cb < utf8.RuneSelf {
		if fold {
			ca, cb = lowerASCII(ca), lowerASCII(cb)
		}
		return 1, 1, ca == cb
	}
	ra, n := utf8.DecodeRuneInString(a)
	rb, m := utf8.DecodeRuneInString(b)
	return n, m, ra == rb || fold && sameFold(ra, rb)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
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

// wildcardOnly reports whether a literal pattern is made only of '*' and
// '?' and is not empty: it matches any value (of some length).
func wildcardOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '*' && s[i] != '?' {
			return false
		}
	}
	return s != ""
}

// unit is one element of a compiled pattern: a character, a wildcard, a
// value the scanner cannot see, or the end of the pattern.
type unit struct {
	kind unitKind
	r    rune   // the character, for unitChar
	ref  string // the unknown's name, for unitOpaque
}

type unitKind uint8

const (
	unitChar   unitKind = iota
	unitStar            // '*': any run of characters and unknowns
	unitAny             // '?': one character
	unitOpaque          // one value the scanner cannot see: matches only itself
	unitEnd             // the end of a pattern, in the automaton
)

// compile turns a resource pattern into units. An unknown, or a policy
// variable such as ${aws:username} or a template's ${account_id}, is an
// opaque unit: one value the scanner cannot see. With unknownAsStar it is
// read as '*' instead, the most it could stand for.
func compile(v Value, unknownAsStar bool) []unit {
	out := make([]unit, 0, len(v.Text)+len(v.Unknowns))
	opaque := func(name string) unit {
		if unknownAsStar {
			return unit{kind: unitStar}
		}
		return unit{kind: unitOpaque, ref: name}
	}
	at := 0
	for _, u := range v.Unknowns {
		out = appendUnits(out, v.Text[at:u.At], opaque)
		at = u.At
		out = append(out, opaque(u.Name))
	}
	return appendUnits(out, v.Text[at:], opaque)
}

// appendUnits appends the units of literal pattern text.
func appendUnits(out []unit, s string, variable func(string) unit) []unit {
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "${") {
			if j := strings.IndexByte(s[i:], '}'); j > 0 {
				switch name := s[i+2 : i+j]; name {
				case "*", "?", "$":
					out = append(out, unit{kind: unitChar, r: rune(name[0])})
				default:
					out = append(out, variable(name))
				}
				i += j + 1
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch r {
		case '*':
			out = append(out, unit{kind: unitStar})
		case '?':
			out = append(out, unit{kind: unitAny})
		default:
			out = append(out, unit{kind: unitChar, r: r})
		}
	}
	return out
}
