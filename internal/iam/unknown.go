package iam

// A value that could not be evaluated (UnknownAny) may be anything. The
// policy is judged with every such value as broad as it could be (what
// grants most: a wildcard in an Allow's Action, Resource and condition
// values, a specific value in its NotAction and NotResource and in a
// Deny) and as narrow (the reverse). An exposure found both ways is
// proven by what is known; one found only the broad way hangs on the
// unknowns, and is returned with their names in Unresolved.

// hasAnyUnknown spells out forEachElement's elements: a closure call per
// element was a measurable share of judging a policy.
func hasAnyUnknown(p *Policy) bool {
	for i := range p.Statements {
		st := &p.Statements[i]
		if anyHasAny(st.Action) || anyHasAny(st.Resource) || anyHasAny(st.NotAction) || anyHasAny(st.NotResource) {
			return true
		}
		for _, c := range st.Conditions {
			if anyHasAny(c.Values) {
				return true
			}
		}
	}
	return false
}

func anyHasAny(vs Values) bool {
	for _, v := range vs {
		if hasAny(v) {
			return true
		}
	}
	return false
}

func evaluateBothWays(p *Policy, action string, j *Judge) []Exposure {
	broad := evaluate(settleAny(p, true), action, j)
	narrow := evaluate(settleAny(p, false), action, j)
	// Exposures are matched by place: the two readings may pick different
	// readings of one place.
	place := func(i int) int {
		if pl := p.Statements[i].Reading.Place; pl != 0 {
			return -pl
		}
		return i
	}
	proven := make(map[int]bool, len(narrow))
	for _, x := range narrow {
		proven[place(x.Statement)] = true
	}
	for i := range broad {
		if !proven[place(broad[i].Statement)] {
			broad[i].Unresolved = anyUnknownNames(p, broad[i].Statement)
		}
	}
	return broad
}

// elementRole says which way a value widens a grant.
type elementRole uint8

const (
	widens    elementRole = iota // a broader value grants more: Action, Resource
	narrows                      // a broader value grants less: NotAction, NotResource
	condition                    // a condition value
)

// forEachElement calls f with each element of a statement and its role.
func forEachElement(st *Statement, f func(elementRole, Values)) {
	f(widens, st.Action)
	f(widens, st.Resource)
	f(narrows, st.NotAction)
	f(narrows, st.NotResource)
	for _, c := range st.Conditions {
		f(condition, c.Values)
	}
}

// settleAny returns a copy of p with every UnknownAny read one way: broad
// is the reading that grants the most.
func settleAny(p *Policy, broad bool) *Policy {
	out := &Policy{Statements: make([]Statement, len(p.Statements))}
	for i, st := range p.Statements {
		// In a Deny every role turns around: a broader Deny grants less.
		grant := broad == (st.Effect != "Deny")
		st.Action = settleValues(st.Action, widens, grant)
		st.Resource = settleValues(st.Resource, widens, grant)
		st.NotAction = settleValues(st.NotAction, narrows, grant)
		st.NotResource = settleValues(st.NotResource, narrows, grant)
		if len(st.Conditions) > 0 {
			cs := make([]Condition, len(st.Conditions))
			for j, c := range st.Conditions {
				c.Values = settleValues(c.Values, condition, grant)
				cs[j] = c
			}
			st.Conditions = cs
		}
		out.Statements[i] = st
	}
	return out
}

// settleValues reads the UnknownAny of vs as wide as they could be (a
// '*' written in their place) when that grants more in their role and
// grant is set, and as one specific value otherwise. A condition value
// read wide is the literal "*", which a StringLike reads as pinning
// nothing.
func settleValues(vs Values, role elementRole, grant bool) Values {
	wide := grant == (role != narrows)
	var out Values
	for i, v := range vs {
		if !hasAny(v) {
			continue
		}
		if out == nil {
			out = append(Values{}, vs...)
		}
		if wide && role == condition {
			out[i] = Value{Text: "*", Source: v.Source}
			continue
		}
		settled := Value{Source: v.Source}
		at := 0
		for _, u := range v.Unknowns {
			settled.Text += v.Text[at:u.At]
			at = u.At
			switch {
			case u.Kind != UnknownAny:
			case wide:
				settled.Text += "*"
				continue
			default:
				u.Kind = UnknownSpecific
			}
			u.At = len(settled.Text)
			settled.Unknowns = append(settled.Unknowns, u)
		}
		settled.Text += v.Text[at:]
		out[i] = settled
	}
	if out == nil {
		return vs
	}
	return out
}

func hasAny(v Value) bool {
	for _, u := range v.Unknowns {
		if u.Kind == UnknownAny {
			return true
		}
	}
	return false
}

// anyUnknownNames names the unevaluated values an exposure of statement i
// may hang on: its own, then those of the policy's Deny statements.
func anyUnknownNames(p *Policy, i int) []string {
	var names []string
	seen := map[string]bool{}
	add := func(st *Statement) {
		forEachElement(st, func(_ elementRole, vs Values) {
			for _, v := range vs {
				for _, u := range v.Unknowns {
					if u.Kind == UnknownAny && !seen[u.Name] {
						seen[u.Name] = true
						names = append(names, u.Name)
					}
				}
			}
		})
	}
	add(&p.Statements[i])
	for j := range p.Statements {
		if p.Statements[j].Effect == "Deny" {
			add(&p.Statements[j])
		}
	}
	return names
}
