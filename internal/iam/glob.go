package iam

import (
	"unicode"
	"unicode/utf8"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam/instances"
)

// This file holds IAM wildcard patterns: '*' matches any run of
// characters, '?' one character. Literal patterns are matched as strings,
// without allocating; resource patterns are compiled once for the
// coverage automaton (package instances).

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

// compile turns a resource pattern into an instances.Pattern.
// With unknownAsStar an unknown, or a policy variable, is read as '*', the
// most it could stand for.
func compile(v Value, unknownAsStar bool) instances.Pattern {
	var buf [4]instances.Unknown // most values hold few: no allocation
	unknowns := buf[:0]
	for _, u := range v.Unknowns {
		unknowns = append(unknowns, instances.Unknown{At: u.At, Name: u.Name})
	}
	return instances.Compile(v.Text, unknowns, unknownAsStar)
}
