// Package instances decides, exactly, which instance ARNs a set of IAM
// resource patterns covers, less what Deny statements take back. It is
// pure and knows no policy type: it reads compiled patterns and answers
// with instance families.
//
// An Allow statement exposes family f when some place (a partition, a
// region and an account) has every instance ID of f granted by it and not
// every one taken back by the Deny statements that apply: the Resource
// patterns together match every ID of the place, or a NotResource leaves
// at least part of the place in. A NotResource or a Deny that removes only
// part of a place removes nothing: what is left of a fleet is still
// unscoped, and one excluded instance must not hide a grant on the rest.
//
// The question is decided on the languages themselves. The patterns are
// read together by one automaton built lazily by subset construction: a
// state is the set of pattern positions still alive after the text read
// so far. It is run in step with the shape of the family's ARNs (arn.go):
// a breadth-first search over the places, and below each place a
// depth-first pass over the instance IDs (8 or 17 lower-case hex digits)
// that tells whether the Allow side matches all of them and whether the
// Deny side does. Characters that no pattern names behave alike, so one
// stands for all of its class, which keeps the alphabet small.
//
// Cost: a step costs one pass over the patterns' live positions, and a
// budget shared by one evaluation bounds the words of state all steps
// write (WorkBudget); the states of one automaton are bounded too (a
// glob's subset automaton can grow exponentially in the number of '?'
// after a '*'), as are the pairs one search visits. Past a bound the
// answer is the reading that reports (the Allow covers and the Deny does
// not), and the families so decided are marked Undecided.
package instances

import (
	"encoding/binary"
	"math/bits"
	"strings"
)

// WorkBudget is the work one evaluation may spend: the words of state
// written by the steps of its automata.
const WorkBudget = 1 << 24

const (
	maxStates     = 1 << 13
	maxStateWords = 1 << 18 // words of state in one automaton (2 MiB)
	maxPairs      = 1 << 15
	maxUnits      = 1 << 18 // pattern units in one question (6 MiB)
)

// symbol is one letter of the alphabet the automaton reads: a character,
// or a value the scanner cannot see (ref set).
type symbol struct {
	r   rune
	ref string
	// fromPattern is set for a character some pattern names; rep is the
	// set of classes the character stands for as one no pattern names.
	fromPattern bool
	rep         [4]bool
}

// Question is what a statement's resource patterns cover, with the Deny
// places that apply to it.
type Question struct {
	Resource    []Pattern
	NotResource []Pattern
	// HasNotResource is set when the statement has a NotResource element,
	// even one whose patterns match no instance.
	HasNotResource bool
	// Denies are the Deny places that apply: each takes back what every
	// one of its readings takes back.
	Denies [][]Deny
}

// Deny is one reading of a Deny place: it takes back what one of Patterns
// matches, or with Not what none of them does (a NotResource).
type Deny struct {
	Patterns []Pattern
	Not      bool
}

// Cover is the answer to a Question.
type Cover struct {
	// Open is the families of which some place is granted whole and not
	// taken back whole.
	Open Family
	// Undecided is the families of Open whose coverage was too costly to
	// decide within a bound: they are read as open, the reading that
	// reports.
	Undecided Family
	elsewhere [FamilyEC2 | FamilyManaged + 1]string
}

// Elsewhere says, of an open family whose open places are all outside
// partition aws, how the ARNs of one begin ("arn:aws-cn:ec2:...:"); else "".
func (c *Cover) Elsewhere(f Family) string { return c.elsewhere[f] }

// Cover decides the question, charging the work to budget (see
// WorkBudget). Patterns that match no instance ARN are left out: they
// never decide it.
func (q *Question) Cover(budget *int) Cover {
	cq := &coverQuestion{hasNot: q.HasNotResource}
	units := 0
	keep := func(out []Pattern, p Pattern) ([]Pattern, Family) {
		fams := MayMatch(p)
		if fams != 0 {
			units += len(p) + 1
			out = append(out, p)
		}
		return out, fams
	}
	var reach Family // the families some Resource entry may match
	for _, p := range q.Resource {
		var fams Family
		cq.allow, fams = keep(cq.allow, p)
		reach |= fams
	}
	if cq.hasNot {
		reach = FamilyEC2 | FamilyManaged
		for _, p := range q.NotResource {
			cq.not, _ = keep(cq.not, p)
		}
	}
	if reach == 0 {
		return Cover{}
	}
	for _, place := range q.Denies {
		var group []denyReading
		for _, r := range place {
			from := len(cq.deny)
			for _, p := range r.Patterns {
				cq.deny, _ = keep(cq.deny, p)
			}
			group = append(group, denyReading{from: from, to: len(cq.deny), not: r.Not})
		}
		cq.denies = append(cq.denies, group)
	}
	if units > maxUnits {
		return Cover{Open: reach, Undecided: reach}
	}
	var c Cover
	a := newAutomaton(cq, budget)
	for _, f := range Families {
		if reach&f == 0 {
			continue
		}
		if found, elsewhere := newSearch(a, shapes[f]).place(cq.exposes); found {
			c.Open |= f
			if a.overrun {
				c.Undecided |= f
			} else {
				c.elsewhere[f] = elsewhere
			}
		}
	}
	return c
}

// MayMatch returns the families of which a pattern matches some instance.
func MayMatch(p Pattern) Family {
	if allStars(p) {
		return FamilyEC2 | FamilyManaged
	}
	var out Family
	for _, f := range Families {
		if patternMayMatch(p, f) {
			out |= f
		}
	}
	return out
}

// CoversAlone reports whether one pattern covers every instance of some
// place of one of the families, exactly: a pattern whose coverage cannot
// be decided within the budget is not said to.
func CoversAlone(p Pattern, fams Family, budget *int) bool {
	if allStars(p) {
		return true
	}
	q := &coverQuestion{allow: []Pattern{p}}
	a := newAutomaton(q, budget)
	for _, f := range Families {
		if fams&f != 0 {
			if found, _ := newSearch(a, shapes[f]).place(q.exposes); found && !a.overrun {
				return true
			}
		}
	}
	return false
}

// denyReading is one reading of a Deny place, as pattern indices: it
// covers what one of patterns [from, to) matches, or with not, what none
// of them does (a NotResource).
type denyReading struct {
	from, to int
	not      bool
}

// coverQuestion is one statement's resource patterns and the Deny
// readings that apply with it, grouped by place: a group takes back what
// every one of its readings takes back.
type coverQuestion struct {
	allow  []Pattern // Resource
	not    []Pattern // NotResource
	hasNot bool
	denies [][]denyReading // indices into deny
	deny   []Pattern
}

// automaton is the lazily built subset automaton of a question's patterns.
type automaton struct {
	q      *coverQuestion
	units  []unit // every pattern's units, each followed by unitEnd
	ends   []int  // the unitEnd position of each pattern, in question order
	words  int
	alpha  []symbol
	states []uint64 // words per state
	index  map[string]int32
	next   []int32  // per state and letter; -1 until computed
	key    []byte   // scratch for state lookups
	out    []uint64 // scratch for the state a step makes
	// overrun is set when a bound was hit: the search's answer is then
	// the reading that reports.
	overrun bool
	// budget is the work left to the evaluation, shared by its automata.
	budget *int
}

func newAutomaton(q *coverQuestion, budget *int) *automaton {
	a := &automaton{q: q, index: map[string]int32{}, budget: budget}
	var pats []Pattern
	pats = append(pats, q.allow...)
	pats = append(pats, q.not...)
	pats = append(pats, q.deny...)
	n := 0
	for _, p := range pats {
		n += len(p) + 1
	}
	a.units = make([]unit, 0, n)
	for _, p := range pats {
		a.units = append(a.units, p...)
		a.ends = append(a.ends, len(a.units))
		a.units = append(a.units, unit{kind: unitEnd})
	}
	a.words = max(1, (len(a.units)+63)/64)
	a.buildAlphabet(pats)
	start := make([]uint64, a.words)
	pos := 0
	for _, p := range pats {
		start[pos/64] |= 1 << (pos % 64)
		pos += len(p) + 1
	}
	a.closure(start)
	a.add(start)
	return a
}

// shapeLetters are the characters the shapes spell out.
const shapeLetters = "arn:ec2ssm-instance/i-managed-instance/mi-" + "aws-cn-us-gov-iso-b-e-f-eusc"

// buildAlphabet collects the letters the search needs: the shapes'
// characters, the patterns' characters, for each class one character no
// pattern names, and every unknown the patterns hold.
func (a *automaton) buildAlphabet(pats []Pattern) {
	seen := map[rune]int{}
	refs := map[string]bool{}
	addChar := func(r rune, fromPattern bool) int {
		i, ok := seen[r]
		if !ok {
			i = len(a.alpha)
			seen[r] = i
			a.alpha = append(a.alpha, symbol{r: r})
		}
		a.alpha[i].fromPattern = a.alpha[i].fromPattern || fromPattern
		return i
	}
	for _, r := range shapeLetters {
		addChar(r, false)
	}
	for _, p := range pats {
		for _, u := range p {
			switch u.kind {
			case unitChar:
				addChar(u.r, true)
			case unitOpaque:
				if !refs[u.ref] {
					refs[u.ref] = true
					a.alpha = append(a.alpha, symbol{ref: u.ref})
				}
			}
		}
	}
	for _, c := range []charClass{classRegion, classDigit, classHex} {
		for _, r := range c.members() {
			if i, ok := seen[r]; !ok || !a.alpha[i].fromPattern {
				a.alpha[addChar(r, false)].rep[c] = true
				break
			}
		}
	}
}

// closure lets every '*' match the empty run.
func (a *automaton) closure(set []uint64) {
	for w, word := range set {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << b
			pos := w*64 + b
			if a.units[pos].kind == unitStar {
				next := pos + 1
				set[next/64] |= 1 << (next % 64)
				if next/64 == w && next%64 > b {
					word |= 1 << (next % 64)
				}
			}
		}
	}
}

// add interns a state and returns its number.
func (a *automaton) add(set []uint64) int32 {
	a.key = a.key[:0]
	for _, w := range set {
		a.key = binary.LittleEndian.AppendUint64(a.key, w)
	}
	if i, ok := a.index[string(a.key)]; ok {
		return i
	}
	i := int32(len(a.states) / a.words)
	a.states = append(a.states, set...)
	a.index[string(a.key)] = i
	for range a.alpha {
		a.next = append(a.next, -1)
	}
	return i
}

func (a *automaton) set(q int32) []uint64 {
	return a.states[int(q)*a.words : int(q+1)*a.words]
}

// step returns the state after reading letter l in state q, or -1 when
// the bound on states is hit.
func (a *automaton) step(q int32, l int) int32 {
	k := int(q)*len(a.alpha) + l
	if n := a.next[k]; n >= 0 {
		return n
	}
	if *a.budget -= a.words; *a.budget < 0 || len(a.states)+a.words > maxStateWords || len(a.states)/a.words >= maxStates {
		a.overrun = true
		return -1
	}
	sym := a.alpha[l]
	if a.out == nil {
		a.out = make([]uint64, a.words)
	}
	out := a.out
	clear(out)
	for w, word := range a.set(q) {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << b
			pos := w*64 + b
			u := a.units[pos]
			to := -1
			switch u.kind {
			case unitStar:
				to = pos
			case unitAny:
				if sym.ref == "" {
					to = pos + 1
				}
			case unitChar:
				if sym.ref == "" && sym.r == u.r {
					to = pos + 1
				}
			case unitOpaque:
				if sym.ref == u.ref {
					to = pos + 1
				}
			}
			if to >= 0 {
				out[to/64] |= 1 << (to % 64)
			}
		}
	}
	a.closure(out)
	n := a.add(out)
	a.next[k] = n
	return n
}

func (a *automaton) accepts(q int32, pattern int) bool {
	end := a.ends[pattern]
	return a.set(q)[end/64]&(1<<(end%64)) != 0
}

// anyAccepts reports whether one of patterns [from, to) accepts in q.
func (a *automaton) anyAccepts(q int32, from, to int) bool {
	for j := from; j < to; j++ {
		if a.accepts(q, j) {
			return true
		}
	}
	return false
}

// takes reports whether the shape edge reads letter l here: a class edge
// reads only the characters patterns name and the one that stands for
// the rest of the class.
func (a *automaton) takes(e shapeEdge, l int) bool {
	sym := a.alpha[l]
	if e.class != classNone && sym.ref == "" && !sym.fromPattern && !sym.rep[e.class] {
		return false
	}
	return e.takes(sym)
}

// verdict is what holds for every instance ID of one place.
type verdict struct {
	allowAll bool // the Resource patterns match every ID
	notAll   bool // the NotResource patterns match every ID
	denyAll  bool // the Deny side takes back every ID
}

func (v verdict) and(w verdict) verdict {
	return verdict{v.allowAll && w.allowAll, v.notAll && w.notAll, v.denyAll && w.denyAll}
}

// exposes reports whether the place is granted whole and not taken back
// whole.
func (q *coverQuestion) exposes(v verdict) bool {
	return (v.allowAll || q.hasNot && !v.notAll) && !v.denyAll
}

// idVerdict evaluates the patterns at the end of one instance ARN.
func (a *automaton) idVerdict(q int32) verdict {
	nAllow, nNot := len(a.q.allow), len(a.q.not)
	v := verdict{allowAll: a.anyAccepts(q, 0, nAllow), notAll: a.anyAccepts(q, nAllow, nAllow+nNot)}
	base := nAllow + nNot
	for _, group := range a.q.denies {
		all := len(group) > 0
		for _, r := range group {
			all = all && a.anyAccepts(q, base+r.from, base+r.to) != r.not
		}
		if all {
			v.denyAll = true
			break
		}
	}
	return v
}

// search walks a family's shape in step with the automaton.
type search struct {
	a     *automaton
	sh    *shape
	memo  map[uint64]verdict
	pairs int
}

func newSearch(a *automaton, sh *shape) *search {
	return &search{a: a, sh: sh, memo: map[uint64]verdict{}}
}

func pairKey(st int, q int32) uint64 { return uint64(st)<<32 | uint64(uint32(q)) }

// idsFrom returns what holds for every instance ID read from shape state
// st in automaton state q: an AND over the IDs, computed once per pair.
func (s *search) idsFrom(st int, q int32) verdict {
	key := pairKey(st, q)
	if v, ok := s.memo[key]; ok {
		return v
	}
	v := verdict{true, true, true}
	if s.sh.accepting[st] {
		v = s.a.idVerdict(q)
	}
	s.pairs++
	for _, e := range s.sh.edges[st] {
		for l := range s.a.alpha {
			if s.a.overrun || s.pairs >= maxPairs {
				s.a.overrun = true
				break
			}
			if !s.a.takes(e, l) {
				continue
			}
			if next := s.a.step(q, l); next >= 0 {
				v = v.and(s.idsFrom(e.to, next))
			}
		}
	}
	s.memo[key] = v
	return v
}

// place looks for a place whose verdict satisfies ok, breadth first. It
// returns whether there is one, and if none is in partition aws (or an
// unknown partition), how the ARNs of one begin ("arn:aws-cn:ec2:...:").
// found is also true when a bound was hit.
func (s *search) place(ok func(verdict) bool) (found bool, elsewhere string) {
	nodeKey := func(n searchNode) uint64 {
		k := pairKey(n.st, n.q) << 1
		if n.home {
			k |= 1
		}
		return k
	}
	nodes := []searchNode{{parent: -1, letter: -1}}
	seen := map[uint64]bool{nodeKey(nodes[0]): true}
	for i := 0; i < len(nodes); i++ {
		n := nodes[i]
		if n.st == s.sh.place {
			if !ok(s.idsFrom(n.st, n.q)) && !s.a.overrun {
				continue
			}
			if n.home || s.a.overrun {
				return true, ""
			}
			if !found {
				found, elsewhere = true, s.spell(nodes, i)
			}
			continue
		}
		for _, e := range s.sh.edges[n.st] {
			for l := range s.a.alpha {
				if !s.a.takes(e, l) {
					continue
				}
				q := s.a.step(n.q, l)
				if q < 0 || len(nodes) >= maxPairs {
					s.a.overrun = true
					return true, ""
				}
				next := searchNode{st: e.to, q: q, home: n.home || e.home, parent: int32(i), letter: int32(l)}
				if k := nodeKey(next); !seen[k] {
					seen[k] = true
					nodes = append(nodes, next)
				}
			}
		}
	}
	return found, elsewhere
}

// searchNode is a pair of shape and automaton state reached by the
// breadth-first search, and how.
type searchNode struct {
	st     int
	q      int32
	home   bool // the partition read is aws or unknown
	parent int32
	letter int32
}

// spell writes the letters of the path to node i.
func (s *search) spell(nodes []searchNode, i int) string {
	var letters []int32
	for j := int32(i); nodes[j].letter >= 0; j = nodes[j].parent {
		letters = append(letters, nodes[j].letter)
	}
	var b strings.Builder
	for k := len(letters) - 1; k >= 0; k-- {
		if sym := s.a.alpha[letters[k]]; sym.ref != "" {
			b.WriteString("${" + sym.ref + "}")
		} else {
			b.WriteRune(sym.r)
		}
	}
	return b.String()
}

// patternMayMatch reports whether one pattern matches some instance ARN
// of family f: the product of the pattern's positions and the shape is
// searched for an accepting pair, without building an automaton. Most
// patterns are short, so the marks fit in a buffer on the stack.
func patternMayMatch(p Pattern, f Family) bool {
	sh := shapes[f]
	n := len(sh.edges)
	var seenBuf [96]uint64
	var stackBuf [64]int32
	seen := seenBuf[:]
	if words := ((len(p)+1)*n + 63) / 64; words > len(seenBuf) {
		seen = make([]uint64, words)
	}
	stack := append(stackBuf[:0], 0)
	seen[0] = 1
	for len(stack) > 0 {
		k := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		i, st := k/n, k%n
		if i == len(p) {
			if sh.accepting[st] {
				return true
			}
			continue
		}
		u := p[i]
		for j := -1; j < len(sh.edges[st]); j++ {
			next := -1
			if j < 0 {
				if u.kind == unitStar {
					next = (i+1)*n + st // the star's run ends
				}
			} else {
				e := sh.edges[st][j]
				switch {
				case u.kind == unitStar:
					next = i*n + e.to
				case u.kind == unitAny && !e.symbol,
					u.kind == unitChar && e.takes(symbol{r: u.r}),
					u.kind == unitOpaque && e.symbol:
					next = (i+1)*n + e.to
				}
			}
			if next >= 0 && seen[next/64]&(1<<(next%64)) == 0 {
				seen[next/64] |= 1 << (next % 64)
				stack = append(stack, int32(next))
			}
		}
	}
	return false
}
