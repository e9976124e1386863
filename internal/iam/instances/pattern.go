package instances

import (
	"strings"
	"unicode/utf8"
)

// This file compiles a resource pattern into units, once, for the
// automaton of cover.go.

// Pattern is a compiled resource pattern.
type Pattern []unit

// Unknown is a value the scanner cannot see in a pattern: its name, at
// byte offset At of the pattern's text.
type Unknown struct {
	At   int
	Name string
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

// Compile reads an IAM resource pattern: '*' matches any run of
// characters, '?' one character, and ${*}, ${?} and ${$} are the
// characters themselves. An unknown (in order of At), or a policy variable
// such as ${aws:username} or a template's ${account_id}, is an opaque
// unit: one value the scanner cannot see. With unknownAsStar it is read as
// '*' instead, the most it could stand for.
func Compile(text string, unknowns []Unknown, unknownAsStar bool) Pattern {
	out := make(Pattern, 0, len(text)+len(unknowns))
	opaque := func(name string) unit {
		if unknownAsStar {
			return unit{kind: unitStar}
		}
		return unit{kind: unitOpaque, ref: name}
	}
	at := 0
	for _, u := range unknowns {
		out = appendUnits(out, text[at:u.At], opaque)
		at = u.At
		out = append(out, opaque(u.Name))
	}
	return appendUnits(out, text[at:], opaque)
}

// appendUnits appends the units of literal pattern text.
func appendUnits(out Pattern, s string, variable func(string) unit) Pattern {
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

// allStars reports whether a pattern is made only of '*': it matches
// every ARN.
func allStars(p Pattern) bool {
	for _, u := range p {
		if u.kind != unitStar {
			return false
		}
	}
	return len(p) > 0
}
