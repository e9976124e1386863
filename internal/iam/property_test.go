package iam_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam/instances"
)

// TestAgainstBruteForce checks Evaluate on random policies against a
// reference written here from the rules alone: it enumerates a finite
// universe of places, instance IDs, instance tags and callers, and asks
// of each Allow whether some caller and some kind of freely chosen
// instance get every instance of some place granted and not every one
// taken back by the Denies. The vocabulary is chosen so that the finite
// universe tells apart everything its patterns and conditions can: any
// other region, account, partition, ID or tag value behaves like one in
// it.
func TestAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2024))
	for n := range 2500 {
		p := randomPolicy(rng)
		for _, action := range []string{"ssm:SendCommand", "ssm:StartSession"} {
			want := reference(p, action)
			got := map[int]outcome{}
			for _, x := range iam.Evaluate(p, action) {
				got[x.Statement] = outcome{fams: x.Families, ineffective: x.Ineffective}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("policy %d, %s:\n%s\nEvaluate: %v\nreference: %v", n, action, describePolicy(p), got, want)
			}
		}
	}
}

type outcome struct {
	fams        instances.Family
	ineffective bool
}

// The vocabulary. In resources, {P} {R} {A} stand for the pseudo
// parameters AWS::Partition, AWS::Region and AWS::AccountId.
var (
	vocabActions = []string{"ssm:SendCommand", "ssm:StartSession", "ssm:*", "ssm:Send*", "*", "SSM:startsession", "ec2:*", "ssm:Get*", "ssm:*Session"}

	vocabResources = []string{
		"*", "arn:aws:ec2:*:*:instance/*", "arn:*:ec2:*:*:instance/*", "arn:aws-cn:ec2:*:*:instance/*",
		"arn:aws:ec2:us-east-1:*:instance/*", "arn:aws:ec2:*:111122223333:instance/*",
		"arn:aws:ec2:*:*:instance/i-0*", "arn:aws:ec2:*:*:instance/i-a*", "arn:*:ec2:*:*:instance/*0",
		"arn:aws:ec2:*:*:instance/i-????????", "arn:aws:ec2:*:*:instance/i-?????????????????",
		"arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
		"arn:aws:ssm:*:*:managed-instance/*", "arn:*:ssm:*:*:managed-instance/mi-0*", "arn:aws:ssm:*:*:*",
		"arn:aws:*", "arn:aws:ssm:*::document/AWS-RunShellScript", "arn:aws:ec2:*", "arn:aws:*:eu-*:*:*",
		"arn:{P}:ec2:{R}:{A}:instance/*", "arn:aws:ec2:{R}:*:instance/*", "arn:{P}:ssm:*:*:managed-instance/*",
		"arn:aws:EC2:*:*:instance/*", "arn:aws:ec2:*:*:instance/I-*",
	}

	vocabConditions = [][3]string{
		{"StringEquals", "ssm:resourceTag/env", "prod"},
		{"StringLike", "ssm:resourceTag/env", "*"},
		{"StringLike", "aws:ResourceTag/env", "prod-*"},
		{"StringNotEquals", "ssm:resourceTag/env", "prod"},
		{"StringNotEquals", "ssm:resourceTag/env", "*"},
		{"StringNotLike", "ssm:resourceTag/env", "*"},
		{"StringEqualsIfExists", "ssm:resourceTag/env", "prod"},
		{"ForAllValues:StringEquals", "ssm:resourceTag/env", "prod"},
		{"ForAllValues:StringNotEquals", "aws:ResourceTag/env", "prod"},
		{"ForAnyValue:StringEquals", "ssm:resourceTag/env", "prod"},
		{"Null", "ssm:resourceTag/env", "true"},
		{"Null", "ssm:resourceTag/env", "false"},
		{"StringEquals", "ssm:resourceTag/team", "${aws:PrincipalTag/team}"},
		{"StringEquals", "ssm:resourceTag/team", "${ssm:resourceTag/team}"},
		{"StringEquals", "aws:ResourceTag/env", "${aws:ResourceTag/team}"},
		{"StringEquals", "aws:PrincipalTag/team", "${ssm:resourceTag/team}"},
		{"StringNotEquals", "ssm:resourceTag/team", "${aws:PrincipalTag/team}"},
		{"StringEquals", "ec2:ResourceTag/env", "prod"},
		{"StringNotEquals", "ec2:ResourceTag/env", "prod"},
		{"Bool", "aws:MultiFactorAuthPresent", "true"},
		{"Bool", "aws:MultiFactorAuthPresent", "false"},
		{"BoolIfExists", "aws:MultiFactorAuthPresent", "false"},
		{"StringEquals", "aws:PrincipalTag/team", "ops"},
		{"StringLike", "ssm:resourceTag/aws:cloudformation:stack-name", "*"},
		{"StringEqual", "ssm:resourceTag/env", "prod"}, // unknown: the policy is malformed
	}
)

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// pseudo turns a vocabulary resource into a value, with its pseudo
// parameters as unknowns.
func pseudo(s string) iam.Value {
	v := iam.Value{Source: s}
	names := map[byte]string{'P': "AWS::Partition", 'R': "AWS::Region", 'A': "AWS::AccountId"}
	for i := 0; i < len(s); i++ {
		if s[i] == '{' {
			v.Unknowns = append(v.Unknowns, iam.Unknown{At: len(v.Text), Name: names[s[i+1]], Kind: iam.UnknownPlace})
			i += 2
			continue
		}
		v.Text += string(s[i])
	}
	return v
}

func randomValues(rng *rand.Rand, vocab []string, most int, read func(string) iam.Value) iam.Values {
	vs := iam.Values{}
	for range 1 + rng.IntN(most) {
		vs = append(vs, read(pick(rng, vocab)))
	}
	return vs
}

func randomStatement(rng *rand.Rand) iam.Statement {
	st := iam.Statement{Effect: "Allow"}
	if rng.IntN(5) < 2 {
		st.Effect = "Deny"
	}
	switch {
	case rng.IntN(6) == 0:
		st.NotAction = randomValues(rng, vocabActions, 2, iam.Literal)
	case st.Effect == "Deny" && rng.IntN(2) == 0:
		st.Action = iam.Values{iam.Literal("ssm:*")} // a Deny that covers both actions, often
	default:
		st.Action = randomValues(rng, vocabActions, 2, iam.Literal)
	}
	if rng.IntN(4) == 0 {
		st.NotResource = randomValues(rng, vocabResources, 2, pseudo)
	} else {
		st.Resource = randomValues(rng, vocabResources, 3, pseudo)
	}
	for range rng.IntN(3) {
		c := pick(rng, vocabConditions)
		if c[0] == "StringEqual" && rng.IntN(4) != 0 {
			continue // keep malformed policies rare
		}
		st.Conditions = append(st.Conditions, iam.Condition{Operator: c[0], Key: c[1], Values: iam.Values{iam.Literal(c[2])}})
	}
	return st
}

// randomPolicy makes one to four statements; a Deny is sometimes one of
// two readings of its place, or a place some deployments leave out.
func randomPolicy(rng *rand.Rand) *iam.Policy {
	p := &iam.Policy{}
	for range 1 + rng.IntN(4) {
		st := randomStatement(rng)
		if st.Effect == "Deny" && rng.IntN(4) == 0 {
			place := len(p.Statements) + 1
			other := randomStatement(rng)
			other.Effect = "Deny"
			st.Reading, other.Reading = iam.Reading{Place: place}, iam.Reading{Place: place}
			p.Statements = append(p.Statements, st, other)
			continue
		}
		if st.Effect == "Deny" && rng.IntN(8) == 0 {
			st.Reading.Sometimes = true
		}
		p.Statements = append(p.Statements, st)
	}
	return p
}

func describePolicy(p *iam.Policy) string {
	var b strings.Builder
	for i, st := range p.Statements {
		fmt.Fprintf(&b, "  %d %s %+v Action=%v NotAction=%v Resource=%v NotResource=%v Conditions=%v\n", i, st.Effect, st.Reading,
			sources(st.Action), sources(st.NotAction), sources(st.Resource), sources(st.NotResource), st.Conditions)
	}
	return b.String()
}

func sources(vs iam.Values) []string {
	if vs == nil {
		return nil
	}
	out := []string{}
	for _, v := range vs {
		out = append(out, v.Source)
	}
	return out
}

// The reference universe. A symbol (a rune of the private use area)
// stands for a pseudo parameter's value, which only '*' and the same
// parameter match.
const (
	symPartition = '\ue001'
	symRegion    = '\ue002'
	symAccount   = '\ue003'
	freshValue   = "fresh!" // a tag value nobody chose
)

var (
	refPartitions = []string{"aws", "aws-cn", "aws-us-gov", string(symPartition)}
	refRegions    = []string{"us-east-1", "eu-west-1", "ap-south-1", string(symRegion)}
	refAccounts   = []string{"111122223333", "444455556666", string(symAccount)}
	// IDs by first digit, last digit and length, and one specific ID.
	refEC2IDs     = probeIDs("i-", []int{8, 17}, "i-0123456789abcdef0")
	refManagedIDs = probeIDs("mi-", []int{17}, "mi-0123456789abcdef0")
	refTagValues  = []string{"", freshValue} // "" is absent
	refMFA        = []string{"", "true", "false"}
	refTeams      = []string{"", "ops", "dev", "zz"}
)

func probeIDs(prefix string, lengths []int, specific string) []string {
	out := []string{specific}
	for _, n := range lengths {
		for _, first := range "0a5" {
			for _, last := range "07" {
				out = append(out, prefix+string(first)+strings.Repeat("5", n-2)+string(last))
			}
		}
	}
	return out
}

type place struct{ arns [][]rune } // one ARN per probe ID

func refPlaces(f instances.Family) []place {
	service, resource, ids := "ec2", "instance/", refEC2IDs
	if f == instances.FamilyManaged {
		service, resource, ids = "ssm", "managed-instance/", refManagedIDs
	}
	var out []place
	for _, p := range refPartitions {
		for _, r := range refRegions {
			for _, a := range refAccounts {
				var pl place
				for _, id := range ids {
					pl.arns = append(pl.arns, []rune("arn:"+p+":"+service+":"+r+":"+a+":"+resource+id))
				}
				out = append(out, pl)
			}
		}
	}
	return out
}

// refPattern writes a resource value as a pattern over the universe's
// runes; with anyUnknown its unknowns are '*'.
func refPattern(v iam.Value, anyUnknown bool) string {
	syms := map[string]rune{"AWS::Partition": symPartition, "AWS::Region": symRegion, "AWS::AccountId": symAccount}
	var b strings.Builder
	at := 0
	for _, u := range v.Unknowns {
		b.WriteString(v.Text[at:u.At])
		at = u.At
		if anyUnknown {
			b.WriteByte('*')
		} else {
			b.WriteRune(syms[u.Name])
		}
	}
	b.WriteString(v.Text[at:])
	return b.String()
}

// glob matches p against s rune by rune: '*' any run, '?' one character
// that is not a symbol.
func glob(p, s []rune) bool {
	if len(p) == 0 {
		return len(s) == 0
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if glob(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return len(s) > 0 && (s[0] < 0xe000 || s[0] > 0xf8ff) && glob(p[1:], s[1:])
	}
	return len(s) > 0 && p[0] == s[0] && glob(p[1:], s[1:])
}

func refActionMatches(patterns iam.Values, action string) bool {
	for _, v := range patterns {
		if glob([]rune(strings.ToLower(v.Text)), []rune(strings.ToLower(action))) {
			return true
		}
	}
	return false
}

// grantsAction: Action names it, or NotAction is there and does not.
func grantsAction(st *iam.Statement, action string) bool {
	return refActionMatches(st.Action, action) || st.NotAction != nil && !refActionMatches(st.NotAction, action)
}

// deniesAction: one of Action and NotAction, and it covers the action.
func deniesAction(st *iam.Statement, action string) bool {
	if (st.Action == nil) == (st.NotAction == nil) {
		return false
	}
	return grantsAction(st, action)
}

type request struct {
	mfa, team string            // "" is absent
	tags      map[string]string // lower-case tag key: value
}

// lookup returns a key's value in the request, by IAM's key names.
func (r request) lookup(key string) (string, bool) {
	k := strings.ToLower(key)
	for _, prefix := range []string{"ssm:resourcetag/", "aws:resourcetag/"} {
		if tag, ok := strings.CutPrefix(k, prefix); ok {
			v := r.tags[tag]
			return v, v != ""
		}
	}
	switch k {
	case "aws:multifactorauthpresent":
		return r.mfa, r.mfa != ""
	case "aws:principaltag/team":
		return r.team, r.team != ""
	}
	return "", false // ec2:ResourceTag is never in an SSM request
}

// substitute resolves the policy variables of a condition value; ok is
// false when one names a key the request lacks.
func (r request) substitute(s string) (string, bool) {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return s, true
		}
		j := strings.IndexByte(s[i:], '}')
		v, ok := r.lookup(s[i+2 : i+j])
		if !ok {
			return "", false
		}
		s = s[:i] + v + s[i+j+1:]
	}
}

// conditionHolds evaluates one condition as IAM does; known reports
// whether the operator exists.
func conditionHolds(c iam.Condition, r request) (holds, known bool) {
	op := c.Operator
	set := ""
	for _, prefix := range []string{"ForAllValues:", "ForAnyValue:"} {
		if rest, ok := strings.CutPrefix(op, prefix); ok {
			set, op = prefix, rest
		}
	}
	ifExists := false
	if rest, ok := strings.CutSuffix(op, "IfExists"); ok {
		ifExists, op = true, rest
	}
	negated := false
	if rest, ok := strings.CutPrefix(op, "StringNot"); ok {
		negated, op = true, "String"+rest
	}
	val, present := r.lookup(c.Key)
	matchOne := func(policy string) bool {
		switch op {
		case "StringEquals":
			return val == policy
		case "StringLike":
			return glob([]rune(policy), []rune(val))
		case "Bool":
			return strings.EqualFold(val, policy)
		}
		return false
	}
	if op == "Null" {
		for _, v := range c.Values {
			if v.Text == "true" && !present || v.Text == "false" && present {
				return true, true
			}
		}
		return false, true
	}
	if op != "StringEquals" && op != "StringLike" && op != "Bool" {
		return false, false
	}
	if !present {
		return set == "ForAllValues:" || set == "" && (ifExists || negated), true
	}
	any := false
	for _, v := range c.Values {
		if text, ok := r.substitute(v.Text); ok && matchOne(text) {
			any = true
		}
	}
	return any != negated, true
}

func allConditionsHold(st *iam.Statement, r request, skip func(iam.Condition) bool) bool {
	for _, c := range st.Conditions {
		if skip != nil && skip(c) {
			continue
		}
		if ok, _ := conditionHolds(c, r); !ok {
			return false
		}
	}
	return true
}

func requests(yield func(request) bool) {
	for _, mfa := range refMFA {
		for _, team := range refTeams {
			for _, env := range refTagValues {
				for _, tteam := range refTagValues {
					if !yield(request{mfa: mfa, team: team, tags: map[string]string{"env": env, "team": tteam}}) {
						return
					}
				}
			}
		}
	}
}

// malformed reports an unknown condition operator.
func malformed(st *iam.Statement) bool {
	for _, c := range st.Conditions {
		if _, known := conditionHolds(c, request{}); !known {
			return true
		}
	}
	return false
}

// reference judges every Allow of p for action. A reading of a place
// with an unknown operator is refused in the deployments that take it.
func reference(p *iam.Policy, action string) map[int]outcome {
	out := map[int]outcome{}
	for i := range p.Statements {
		if malformed(&p.Statements[i]) && p.Statements[i].Reading.Place == 0 {
			return out // IAM refuses the policy in every deployment
		}
	}
	m := newMatches(p)
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != "Allow" || !grantsAction(st, action) {
			continue
		}
		if fams := m.exposedFamilies(i, action, nil); fams != 0 {
			out[i] = outcome{fams: fams}
			continue
		}
		neverEC2 := func(c iam.Condition) bool {
			ok, _ := conditionHolds(c, request{})
			return strings.HasPrefix(strings.ToLower(c.Key), "ec2:resourcetag/") && !ok
		}
		if fams := m.exposedFamilies(i, action, neverEC2); fams != 0 {
			out[i] = outcome{fams: fams, ineffective: true}
		}
	}
	return out
}

// matches holds, for each statement and each ARN of the universe,
// whether its resources take the ARN in: for an Allow, granted by its
// Resource or excluded by its NotResource; for a Deny, denied.
type matches struct {
	p      *iam.Policy
	places map[instances.Family][]place
	in     [][][][]bool // statement, family, place, ID
}

func newMatches(p *iam.Policy) *matches {
	m := &matches{p: p, places: refUniverse}
	for i := range p.Statements {
		st := &p.Statements[i]
		deny := st.Effect == "Deny"
		var pats [][]rune
		for _, v := range st.Resource {
			pats = append(pats, []rune(refPattern(v, false)))
		}
		for _, v := range st.NotResource {
			pats = append(pats, []rune(refPattern(v, deny)))
		}
		byFam := make([][][]bool, 3)
		for _, f := range []instances.Family{instances.FamilyEC2, instances.FamilyManaged} {
			for _, pl := range m.places[f] {
				row := make([]bool, len(pl.arns))
				for j, arn := range pl.arns {
					for _, pat := range pats {
						if glob(pat, arn) {
							row[j] = true
							break
						}
					}
				}
				byFam[f] = append(byFam[f], row)
			}
		}
		m.in = append(m.in, byFam)
	}
	return m
}

var refUniverse = map[instances.Family][]place{instances.FamilyEC2: refPlaces(instances.FamilyEC2), instances.FamilyManaged: refPlaces(instances.FamilyManaged)}

// exposedFamilies: the families of which some request has every
// instance of some place granted by statement i and not all taken back.
func (m *matches) exposedFamilies(i int, action string, skip func(iam.Condition) bool) instances.Family {
	st := &m.p.Statements[i]
	var fams instances.Family
	for _, f := range []instances.Family{instances.FamilyEC2, instances.FamilyManaged} {
		for r := range requests {
			if !allConditionsHold(st, r, skip) {
				continue
			}
			denies := m.denies(action, r)
			exposed := false
			for k := range m.places[f] {
				if m.coversPlace(i, f, k) && !m.deniedEverywhere(denies, f, k) {
					exposed = true
					break
				}
			}
			if exposed {
				fams |= f
				break
			}
		}
	}
	return fams
}

// coversPlace: the Resource patterns match every instance of the place,
// or a NotResource leaves at least one of them in.
func (m *matches) coversPlace(i int, f instances.Family, k int) bool {
	st := &m.p.Statements[i]
	all, someLeft := true, false
	for _, in := range m.in[i][f][k] {
		all = all && in
		someLeft = someLeft || !in
	}
	if st.Resource != nil {
		return all
	}
	return someLeft
}

// denies returns the Deny places that apply to request r, as groups of
// statement indices. A place counts only when it is there in every
// deployment and every reading of it denies.
func (m *matches) denies(action string, r request) [][]int {
	byPlace := map[int][]int{}
	var order []int
	for i := range m.p.Statements {
		key := -1 - i
		if pl := m.p.Statements[i].Reading.Place; pl != 0 {
			key = pl
		}
		if _, ok := byPlace[key]; !ok {
			order = append(order, key)
		}
		byPlace[key] = append(byPlace[key], i)
	}
	var groups [][]int
	for _, key := range order {
		ok := true
		for _, i := range byPlace[key] {
			st := &m.p.Statements[i]
			ok = ok && st.Effect == "Deny" && !st.Reading.Sometimes && !malformed(st) && deniesAction(st, action) &&
				(st.Resource == nil) != (st.NotResource == nil) && allConditionsHold(st, r, nil)
		}
		if ok {
			groups = append(groups, byPlace[key])
		}
	}
	return groups
}

// deniedEverywhere: every instance of the place is denied by a group all
// of whose readings deny it (a Resource matches, or no NotResource does).
func (m *matches) deniedEverywhere(groups [][]int, f instances.Family, k int) bool {
	for j := range m.places[f][k].arns {
		denied := false
		for _, g := range groups {
			all := true
			for _, i := range g {
				in := m.in[i][f][k][j]
				all = all && in == (m.p.Statements[i].Resource != nil)
			}
			denied = denied || all
		}
		if !denied {
			return false
		}
	}
	return true
}
