package iam

import (
	"fmt"
	"strings"
)

// This file is the Action/NotAction test. Action names are matched
// case-insensitively, as strings, without allocating.

// actionMatches reports whether an Action pattern matches action. An
// unknown in the pattern is a specific action the scanner cannot see
// (never a wildcard), so such a pattern matches no action we can name.
func actionMatches(p Value, action string) bool {
	return p.IsLiteral() && match(p.Text, action, true)
}

// actionMayMatch is actionMatches with every unknown read as '*': whether
// the pattern could name action, whatever the unknowns resolve to.
func actionMayMatch(p Value, action string) bool {
	if p.IsLiteral() {
		return match(p.Text, action, true)
	}
	var b strings.Builder
	at := 0
	for _, u := range p.Unknowns {
		b.WriteString(p.Text[at:u.At])
		b.WriteByte('*')
		at = u.At
	}
	b.WriteString(p.Text[at:])
	return match(b.String(), action, true)
}

// allowsAction reports whether the statement's Action or NotAction
// element covers action. An unknown NotAction entry is read as naming
// some other action, so the NotAction still grants action. A statement
// with both elements is malformed; either one granting is enough.
func allowsAction(st *Statement, action string) bool {
	for _, v := range st.Action {
		if actionMatches(v, action) {
			return true
		}
	}
	if st.NotAction == nil {
		return false
	}
	for _, v := range st.NotAction {
		if actionMatches(v, action) {
			return false
		}
	}
	return true
}

// describeAction says how a statement that allows action grants it, for
// messages: the first matching Action pattern, or the whole NotAction
// list.
func describeAction(st *Statement, action string) string {
	for _, v := range st.Action {
		if actionMatches(v, action) {
			return fmt.Sprintf("Action %q", v.Source)
		}
	}
	return "NotAction " + quoteValues(st.NotAction)
}

// deniesAction reports whether a Deny statement surely covers action. It
// errs toward "no": an unknown NotAction entry might be action itself, and
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

// maxQuoted bounds the values a message shows of one list.
const maxQuoted = 8

// quoteValues shows a list of values as the file spells them: "a" for
// one, ["a", "b"] for several, the first maxQuoted of a long list.
func quoteValues(vs Values) string {
	if len(vs) == 1 {
		return fmt.Sprintf("%q", vs[0].Source)
	}
	var parts []string
	for i, v := range vs {
		if i == maxQuoted {
			parts = append(parts, fmt.Sprintf("and %d more", len(vs)-maxQuoted))
			break
		}
		parts = append(parts, fmt.Sprintf("%q", v.Source))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
