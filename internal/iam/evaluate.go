package iam

import (
	"fmt"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam/instances"
)

// This file is the IAM question both guardrails ask: does an Allow grant
// an action on every instance with nothing that pins the instance?
// action.go matches actions, package instances decides which instances a
// set of resource patterns covers, condition.go and context.go in which
// requests the conditions hold, why.go says why, and unknown.go what a
// value that could not be evaluated does to the verdict.

// Exposure is an Allow statement that grants an action on every instance
// of at least one family with no condition that pins the instance.
type Exposure struct {
	Statement int // index into Policy.Statements
	// Ineffective marks a note, not a finding: the statement grants
	// nothing because it is conditioned on ec2:ResourceTag with a positive
	// operator, which SSM never evaluates.
	Ineffective bool
	Action      string           // how the action is granted, e.g. `Action "ssm:*"` or `NotAction "ec2:*"`
	Resource    string           // how all instances are covered, e.g. `Resource "*"` or `NotResource "arn:aws:ec2:*:*:instance/*"`
	Families    instances.Family // families left open, after the credit of Deny statements
	// Why says why nothing pins the instance: "no Condition", or the
	// condition that fails to, e.g. "StringLike value '*' on
	// ssm:resourceTag/env only requires the tag key to exist".
	Why string
	// Unresolved names the values that could not be evaluated (unknowns
	// of kind UnknownAny) when the exposure hangs on them: it holds if they
	// are as broad as they could be, and not if they are as narrow. Such an
	// exposure is a note, not a finding.
	Unresolved []string
}

// Evaluate returns the statements of p that grant action (such as
// "ssm:SendCommand") on every instance of some family without a condition
// that pins the instance, in statement order.
//
// Statements with Principal or NotPrincipal are not identity grants and
// are ignored. A Deny never produces an Exposure, but one in the same
// policy takes back what it surely covers (see package instances and
// context.go): it counts only where it holds in every reading of its
// place. A policy that IAM rejects (see Malformed) grants nothing. Of the
// readings of one place (Reading) the first that grants is returned.
//
// Where the policy holds values that could not be evaluated at all
// (UnknownAny), it is judged twice, with each such value as broad and as
// narrow as it could be; see unknown.go.
func Evaluate(p *Policy, action string) []Exposure {
	return (*Judge)(nil).Evaluate(p, action)
}

// Evaluate is the package's Evaluate, with what j remembers from the
// policies it judged before (judge.go).
func (j *Judge) Evaluate(p *Policy, action string) []Exposure {
	if p == nil || !mayAllow(p, action) {
		return nil
	}
	if !hasAnyUnknown(p) {
		return evaluate(p, action, j)
	}
	return evaluateBothWays(p, action, j)
}

// mayAllow reports whether some statement of p could allow action,
// whatever its unknowns stand for (see allowsAction): most policies grant
// nothing of it, and need no more.
func mayAllow(p *Policy, action string) bool {
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != "Allow" || st.HasPrincipal {
			continue
		}
		if st.NotAction != nil {
			return true
		}
		for _, v := range st.Action {
			if !v.IsLiteral() || match(v.Text, action, true) {
				return true
			}
		}
	}
	return false
}

// evaluation is one policy judged for one action.
type evaluation struct {
	p      *Policy
	action string
	denies []denyPlace
	ctx    requestContext // reused for every request tried
	budget int            // work left to the automata (see instances.WorkBudget)
	judge  *Judge
}

// denyPlace is the readings of one Deny place that covers the action.
type denyPlace struct {
	readings []denyStatement
}

type denyStatement struct {
	st    *Statement
	conds []cond
}

func evaluate(p *Policy, action string, j *Judge) []Exposure {
	malformed := malformedStatements(p)
	for i := range p.Statements {
		if isMalformed(malformed, i) && p.Statements[i].Reading.Place == 0 {
			return nil
		}
	}
	e := &evaluation{p: p, action: action, budget: instances.WorkBudget, judge: j}
	e.collectDenies(malformed)
	var out []Exposure
	var reported map[int]bool // places already reported
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != "Allow" || st.HasPrincipal || isMalformed(malformed, i) || reported[st.Reading.Place] {
			continue
		}
		if !allowsAction(st, action) {
			continue
		}
		if x, ok := e.exposure(i); ok {
			out = append(out, x)
			if st.Reading.Place != 0 {
				if reported == nil {
					reported = map[int]bool{}
				}
				reported[st.Reading.Place] = true
			}
		}
	}
	return out
}

// collectDenies groups the Deny readings by place, keeping the places
// whose every reading is a Deny of the action on resources.
func (e *evaluation) collectDenies(malformed []bool) {
	byPlace := map[int]int{}
	dropped := map[int]bool{}
	for i := range e.p.Statements {
		st := &e.p.Statements[i]
		place := st.Reading.Place
		isDeny := st.Effect == "Deny" && !st.HasPrincipal && !isMalformed(malformed, i) && !st.Reading.Sometimes &&
			deniesAction(st, e.action) && (st.Resource != nil) != (st.NotResource != nil)
		if place != 0 && dropped[place] {
			continue
		}
		if !isDeny {
			if place != 0 {
				dropped[place] = true
				if j, ok := byPlace[place]; ok {
					e.denies[j].readings = nil
				}
			}
			continue
		}
		ds := denyStatement{st: st, conds: readConds(st)}
		if j, ok := byPlace[place]; ok && place != 0 {
			e.denies[j].readings = append(e.denies[j].readings, ds)
			continue
		}
		byPlace[place] = len(e.denies)
		e.denies = append(e.denies, denyPlace{readings: []denyStatement{ds}})
	}
}

// readConds reads a statement's conditions; malformed statements are
// never read.
func readConds(st *Statement) []cond {
	out := make([]cond, 0, len(st.Conditions))
	for i := range st.Conditions {
		op, _ := parseOperator(st.Conditions[i].Operator)
		out = append(out, readCond(&st.Conditions[i], op))
	}
	return out
}

func allHold(conds []cond, ctx *requestContext, s side) bool {
	for i := range conds {
		if !conds[i].holds(ctx, s) {
			return false
		}
	}
	return true
}

// exposure judges one Allow statement that grants the action.
func (e *evaluation) exposure(i int) (Exposure, bool) {
	st := &e.p.Statements[i]
	conds := readConds(st)
	open, desc, witness := e.reach(st, conds)
	if open != 0 {
		return Exposure{Statement: i, Action: describeAction(st, e.action), Resource: desc, Families: open, Why: reason(conds, witness)}, true
	}
	// A positive test of ec2:ResourceTag never holds for SSM: if the
	// statement would be open without it, say so in a note.
	var kept []cond
	var never *cond
	for j := range conds {
		if conds[j].kind == keyEC2Tag && !conds[j].holds(&requestContext{}, allowSide) {
			if never == nil {
				never = &conds[j]
			}
			continue
		}
		kept = append(kept, conds[j])
	}
	if never == nil {
		return Exposure{}, false
	}
	if open, desc, _ := e.reach(st, kept); open != 0 {
		return Exposure{Statement: i, Ineffective: true, Action: describeAction(st, e.action), Resource: desc, Families: open, Why: never.neverWhy()}, true
	}
	return Exposure{}, false
}

// reach returns the families that the statement, read with conds, grants
// whole in some request and place after the Denies that apply there; how
// it covers them, for messages; and a request in which it does.
func (e *evaluation) reach(st *Statement, conds []cond) (instances.Family, string, *requestContext) {
	all := [][]cond{conds}
	for _, d := range e.denies {
		for _, r := range d.readings {
			all = append(all, r.conds)
		}
	}
	u := newUniverse(all...)
	var open instances.Family
	var witness *requestContext
	var notes familyNotes
	type result struct {
		firing string
		coverResult
	}
	var results []result // by which Denies fire: few
	var firing []byte
	u.each(&e.ctx, func(ctx *requestContext) bool {
		if !allHold(conds, ctx, allowSide) {
			return true
		}
		firing = firing[:0]
		for _, d := range e.denies {
			on := len(d.readings) > 0
			for _, r := range d.readings {
				on = on && allHold(r.conds, ctx, denySide)
			}
			firing = append(firing, boolByte(on))
		}
		var res coverResult
		found := false
		for _, r := range results {
			if r.firing == string(firing) {
				res, found = r.coverResult, true
			}
		}
		if !found {
			res = e.cover(st, firing)
			results = append(results, result{string(firing), res})
		}
		if res.open&^open != 0 {
			if witness == nil {
				witness = ctx.snapshot()
			}
			for _, f := range instances.Families {
				if res.open&f != 0 && open&f == 0 {
					notes[f] = res.notes[f]
				}
			}
			open |= res.open
		}
		return open != instances.FamilyEC2|instances.FamilyManaged
	})
	if open == 0 {
		return 0, "", nil
	}
	return open, e.judge.describe(st, open, notes), witness
}

// undecided is the note on a family whose coverage was too costly to
// decide exactly, and is read as covered.
const undecided = "the patterns are too intricate to decide exactly, so they are read as covering every instance"

// coverResult is the families a statement exposes under one set of
// firing Denies, with a note for those open only outside partition aws.
type coverResult struct {
	open  instances.Family
	notes familyNotes
}

// familyNotes holds a note per family, indexed by the family's bit.
type familyNotes [instances.FamilyEC2 | instances.FamilyManaged + 1]string

// cover decides which families the statement exposes when the Deny
// places marked in firing apply.
func (e *evaluation) cover(st *Statement, firing []byte) coverResult {
	anyFiring := false
	for _, on := range firing {
		anyFiring = anyFiring || on != 0
	}
	if anyFiring {
		res, _ := e.decide(st, firing, true)
		return res
	}
	return e.judge.cover(st, &e.budget, func() (coverResult, bool) { return e.decide(st, firing, false) })
}

// decide is cover, anyFiring telling whether a Deny applies. exact is
// unset when a bound was hit, and the answer is the reading that reports.
func (e *evaluation) decide(st *Statement, firing []byte, anyFiring bool) (res coverResult, exact bool) {
	if !anyFiring {
		for _, v := range st.Resource {
			if v.IsLiteral() && wildcardOnlyStars(v.Text) {
				res.open = instances.FamilyEC2 | instances.FamilyManaged
				return res, true
			}
		}
	}
	q := instances.Question{Resource: compileAll(st.Resource, false), HasNotResource: st.NotResource != nil}
	if q.HasNotResource {
		q.NotResource = compileAll(st.NotResource, false)
	}
	for j, d := range e.denies {
		if firing[j] == 0 {
			continue
		}
		place := make([]instances.Deny, 0, len(d.readings))
		for _, r := range d.readings {
			// An unknown in a Deny's Resource is one value (a Deny of
			// ${AWS::Region} takes back only the stack's own region); one
			// in its NotResource may be any value, so it is read as '*'.
			patterns := compileAll(r.st.Resource, false)
			patterns = append(patterns, compileAll(r.st.NotResource, true)...)
			place = append(place, instances.Deny{Patterns: patterns, Not: r.st.NotResource != nil})
		}
		q.Denies = append(q.Denies, place)
	}
	c := q.Cover(&e.budget)
	res.open = c.Open
	for _, f := range instances.Families {
		switch {
		case c.Undecided&f != 0:
			res.notes[f] = undecided
		case c.Open&f != 0:
			res.notes[f] = partitionNote(f, c.Elsewhere(f))
		}
	}
	return res, c.Undecided == 0
}

// compileAll compiles the patterns of a Resource or NotResource list.
func compileAll(vs Values, unknownAsStar bool) []instances.Pattern {
	out := make([]instances.Pattern, 0, len(vs))
	for _, v := range vs {
		out = append(out, compile(v, unknownAsStar))
	}
	return out
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func wildcardOnlyStars(s string) bool { return s != "" && strings.Trim(s, "*") == "" }

// partitionNote says where a family is left open when it is only outside
// partition aws, from the ARN prefix of such a place.
func partitionNote(f instances.Family, prefix string) string {
	part, _, _ := strings.Cut(strings.TrimPrefix(prefix, "arn:"), ":")
	if part == "" {
		return ""
	}
	return fmt.Sprintf("%s stay open in partition %s", f, part)
}

// describe says how a statement covers the open families: the Resource
// entries that cover every instance of a place on their own, or else
// those that together do (the ones that match some instance of an open
// family), or else its NotResource list; then where the open families are
// left, when only outside partition aws.
func describe(st *Statement, open instances.Family, notes familyNotes) string {
	var alone, together Values
	budget := instances.WorkBudget
	for _, v := range st.Resource {
		p := compile(v, false)
		if instances.MayMatch(p)&open == 0 {
			continue
		}
		together = append(together, v)
		// The entries shown are found among the first few.
		if len(together) <= 4*maxQuoted && instances.CoversAlone(p, open, &budget) {
			alone = append(alone, v)
		}
	}
	desc := "NotResource " + quoteValues(st.NotResource)
	switch {
	case len(alone) > 0:
		desc = "Resource " + quoteValues(alone)
	case len(together) > 0:
		desc = "Resource " + quoteValues(together)
	}
	shown := map[string]bool{}
	for _, f := range instances.Families {
		if n := notes[f]; n != "" && open&f != 0 && !shown[n] {
			shown[n] = true
			desc += "; " + n
		}
	}
	return desc
}
