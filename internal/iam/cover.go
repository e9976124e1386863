package iam

import (
	"encoding/binary"
	"math/bits"
	"strings"
)

// This file decides, exactly, what a set of resource patterns covers.
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
// Cost: every step is linear in the patterns' length, and the number of
// automaton states is bounded by maxStates (a glob's subset automaton can
// grow exponentially in the number of '?' after a '*'). Past the bound
// the answer is the reading that reports: the Allow covers and the Deny
// does not.

// maxStates bounds the states of one automaton and maxPairs the pairs of
// shape state and automaton state one search visits.
const (
	maxStates = 1 << 12
	maxPairs  = 1 << 16
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
	allow  [][]unit // Resource
	not    [][]unit // NotResource
	hasNot bool
	denies [][]denyReading // indices into deny
	deny   [][]unit
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
	next   []int32 // per state and letter; -1 until computed
	key    []byte  // scratch for state lookups
	// overrun is set when a bound was hit: the search's answer is then
	// the reading that reports.
	overrun bool
}

func newAutomaton(q *coverQuestion) *automaton {
	a := &automaton{q: q, index: map[string]int32{}}
	var pats [][]unit
	pats = append(pats, q.allow...)
	pats = append(pats, q.not...)
	pats = append(pats, q.deny...)
	for _, p := range pats {
		a.units = append(a.units, p...)
		a.ends = append(a.ends, len(a.units))
		a.units = append(a.units, unit{kind: unitEnd})
	}
	a.words = (len(a.units) + 63) / 64
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
func (a *automaton) buildAlphabet(pats [][]unit) {
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
	if len(a.states)/a.words >= maxStates {
		a.overrun = true
		return -1
	}
	sym := a.alpha[l]
	out := make([]uint64, a.words)
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

// letters returns the letters an edge of the shape reads: its literal
// character; the characters of its class that patterns name, and the one
// that stands for the rest; or every unknown.
func (a *automaton) letters(e shapeEdge, out []int) []int {
	for i, s := range a.alpha {
		switch {
		case e.symbol:
			if s.ref != "" {
				out = append(out, i)
			}
		case s.ref != "":
		case e.class != classNone:
			if e.class.has(s.r) && (s.fromPattern || s.rep[e.class]) {
				out = append(out, i)
			}
		case s.r == e.r:
			out = append(out, i)
		}
	}
	return out
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

// search walks one shape in step with the automaton.
type search struct {
	a       *automaton
	sh      *shape
	letters [][]int // per shape state: pairs of letter and next shape state
	memo    map[uint64]verdict
	pairs   int
}

func newSearch(a *automaton, sh *shape) *search {
	s := &search{a: a, sh: sh, memo: map[uint64]verdict{}, letters: make([][]int, len(sh.edges))}
	var buf []int
	for st, edges := range sh.edges {
		for _, e := range edges {
			buf = a.letters(e, buf[:0])
			for _, l := range buf {
				s.letters[st] = append(s.letters[st], l, e.to)
			}
		}
	}
	return s
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
	for i := 0; i < len(s.letters[st]) && !s.a.overrun && s.pairs < maxPairs; i += 2 {
		next := s.a.step(q, s.letters[st][i])
		if next < 0 {
			break
		}
		v = v.and(s.idsFrom(s.letters[st][i+1], next))
	}
	if s.pairs >= maxPairs {
		s.a.overrun = true
	}
	s.memo[key] = v
	return v
}

// place finds a place whose verdict satisfies ok, breadth first, and
// returns how its ARNs begin ("arn:aws-cn:ec2:x:000000000000:"). found is
// also true when a bound was hit.
func (s *search) place(ok func(verdict) bool) (found bool, prefix string) {
	type node struct {
		st     int
		q      int32
		parent int32
		letter int32
	}
	nodes := []node{{st: 0, q: 0, parent: -1, letter: -1}}
	seen := map[uint64]bool{pairKey(0, 0): true}
	for i := 0; i < len(nodes); i++ {
		n := nodes[i]
		if n.st == s.sh.place {
			if ok(s.idsFrom(n.st, n.q)) || s.a.overrun {
				var path []int32
				for j := int32(i); nodes[j].letter >= 0; j = nodes[j].parent {
					path = append(path, nodes[j].letter)
				}
				return true, s.spell(path)
			}
			continue
		}
		for k := 0; k < len(s.letters[n.st]); k += 2 {
			next := s.a.step(n.q, s.letters[n.st][k])
			if next < 0 || len(nodes) >= maxPairs {
				s.a.overrun = true
				return true, ""
			}
			key := pairKey(s.letters[n.st][k+1], next)
			if !seen[key] {
				seen[key] = true
				nodes = append(nodes, node{st: s.letters[n.st][k+1], q: next, parent: int32(i), letter: int32(s.letters[n.st][k])})
			}
		}
	}
	return false, ""
}

// spell writes the letters of a path, given from its end back.
func (s *search) spell(letters []int32) string {
	var b strings.Builder
	for i := len(letters) - 1; i >= 0; i-- {
		if sym := s.a.alpha[letters[i]]; sym.ref != "" {
			b.WriteString("${" + sym.ref + "}")
		} else {
			b.WriteRune(sym.r)
		}
	}
	return b.String()
}

// mayMatch reports whether some instance ARN of the shape is matched by
// the question's first Allow pattern: a breadth-first search through the
// whole shape.
func (s *search) mayMatch() bool {
	seen := map[uint64]bool{pairKey(0, 0): true}
	queue := []uint64{pairKey(0, 0)}
	for len(queue) > 0 {
		st, q := int(queue[0]>>32), int32(uint32(queue[0]))
		queue = queue[1:]
		if s.sh.accepting[st] && s.a.accepts(q, 0) {
			return true
		}
		for k := 0; k < len(s.letters[st]); k += 2 {
			next := s.a.step(q, s.letters[st][k])
			if next < 0 || len(seen) >= maxPairs {
				return true
			}
			key := pairKey(s.letters[st][k+1], next)
			if !seen[key] {
				seen[key] = true
				queue = append(queue, key)
			}
		}
	}
	return false
}
