package instances

import (
	"strings"
	"testing"
)

func TestMayMatch(t *testing.T) {
	tests := []struct {
		pattern  string
		unknowns []Unknown
		f        Family
		want     bool
	}{
		{"*", nil, FamilyEC2, true},
		{"arn:aws:ec2:*:*:instance/i-0abc1234", nil, FamilyEC2, true},
		{"arn:aws:ec2:*:*:instance/i-0abc", nil, FamilyEC2, false}, // four hex digits is no instance ID
		{"arn:aws:ec2:*:*:instance/i-0abc1234", nil, FamilyManaged, false},
		{"arn:aws:ssm:*::document/*", nil, FamilyManaged, false},
		{"arn:aws:ssm:*:*:managed-instance/mi-?", nil, FamilyManaged, false},
		{"arn:aws:ssm:*:*:managed-instance/mi-?*", nil, FamilyManaged, true},
		{"arn:aws:ec2:*:*:instance/i-xyz*", nil, FamilyEC2, false},
		{"arn:aws:ec2:*:*:instance/I-*", nil, FamilyEC2, false},
		{"", []Unknown{{At: 0, Name: "Arn"}}, FamilyEC2, false},
		{"arn:aws:s3:::bucket/*", nil, FamilyEC2, false},
		{"arn:aws-cn:ec2:*", nil, FamilyEC2, true},
		{"arn:aws-xx:ec2:*", nil, FamilyEC2, false},
	}
	for _, tt := range tests {
		if got := MayMatch(Compile(tt.pattern, tt.unknowns, false))&tt.f != 0; got != tt.want {
			t.Errorf("MayMatch(%q, %v)&%v != 0 is %v, want %v", tt.pattern, tt.unknowns, tt.f, got, tt.want)
		}
	}
}

// patterns compiles literal patterns.
func patterns(texts ...string) []Pattern {
	var out []Pattern
	for _, s := range texts {
		out = append(out, Compile(s, nil, false))
	}
	return out
}

func TestCover(t *testing.T) {
	const (
		allEC2     = "arn:aws:ec2:*:*:instance/*"
		allManaged = "arn:aws:ssm:*:*:managed-instance/*"
	)
	var byFirstDigit []Pattern // no one of them covers a place
	for _, d := range "0123456789abcdef" {
		byFirstDigit = append(byFirstDigit, patterns("arn:aws:ec2:*:*:instance/i-"+string(d)+"*")...)
	}
	region := Compile("arn:aws:ec2::*:instance/*", []Unknown{{At: len("arn:aws:ec2:"), Name: "AWS::Region"}}, false)
	tests := []struct {
		name      string
		q         Question
		budget    int
		open      Family
		undecided Family
		elsewhere string // how Elsewhere(FamilyEC2) begins
	}{
		{name: "star", q: Question{Resource: patterns("*")}, open: FamilyEC2 | FamilyManaged},
		{name: "one family", q: Question{Resource: patterns(allEC2)}, open: FamilyEC2},
		{name: "no instance", q: Question{Resource: patterns("arn:aws:ssm:*::document/*")}},
		{name: "one instance", q: Question{Resource: patterns("arn:aws:ec2:*:*:instance/i-0abc1234")}},
		{name: "together", q: Question{Resource: byFirstDigit}, open: FamilyEC2},
		{name: "all but one together", q: Question{Resource: byFirstDigit[1:]}},
		{name: "an unknown region", q: Question{Resource: []Pattern{region}}, open: FamilyEC2},
		{name: "NotResource of no instance", q: Question{NotResource: patterns("arn:aws:s3:::*"), HasNotResource: true},
			open: FamilyEC2 | FamilyManaged},
		{name: "NotResource of one family", q: Question{NotResource: patterns("arn:*:ec2:*:*:instance/*"), HasNotResource: true},
			open: FamilyManaged},
		{name: "empty NotResource", q: Question{HasNotResource: true}, open: FamilyEC2 | FamilyManaged},
		{name: "denied whole", q: Question{Resource: patterns(allEC2, allManaged),
			Denies: [][]Deny{{{Patterns: patterns(allEC2)}}}}, open: FamilyManaged},
		{name: "denied in part", q: Question{Resource: patterns(allEC2),
			Denies: [][]Deny{{{Patterns: patterns("arn:aws:ec2:us-east-1:*:instance/*")}}}}, open: FamilyEC2},
		{name: "denied by NotResource", q: Question{Resource: patterns("*"),
			Denies: [][]Deny{{{Patterns: patterns(allManaged), Not: true}}}}, open: FamilyManaged},
		{name: "one reading of a place denies", q: Question{Resource: patterns(allEC2),
			Denies: [][]Deny{{{Patterns: patterns(allEC2)}, {Patterns: patterns(allManaged)}}}}, open: FamilyEC2},
		{name: "every reading of a place denies", q: Question{Resource: patterns(allEC2),
			Denies: [][]Deny{{{Patterns: patterns(allEC2)}, {Patterns: patterns("arn:aws:ec2:*")}}}}},
		{name: "elsewhere", q: Question{Resource: patterns("arn:aws-cn:ec2:*:*:instance/*")},
			open: FamilyEC2, elsewhere: "arn:aws-cn:ec2:"},
		{name: "out of budget", q: Question{Resource: patterns(allEC2)}, budget: 1,
			open: FamilyEC2, undecided: FamilyEC2},
	}
	for _, tt := range tests {
		budget := WorkBudget
		if tt.budget != 0 {
			budget = tt.budget
		}
		c := tt.q.Cover(&budget)
		if c.Open != tt.open || c.Undecided != tt.undecided {
			t.Errorf("%s: Open %v, Undecided %v; want %v, %v", tt.name, c.Open, c.Undecided, tt.open, tt.undecided)
		}
		if got := c.Elsewhere(FamilyEC2); !strings.HasPrefix(got, tt.elsewhere) || (got == "") != (tt.elsewhere == "") {
			t.Errorf("%s: Elsewhere(FamilyEC2) = %q, want it to begin %q", tt.name, got, tt.elsewhere)
		}
	}
}

func TestCoversAlone(t *testing.T) {
	tests := []struct {
		pattern string
		fams    Family
		budget  int
		want    bool
	}{
		{"*", FamilyEC2, WorkBudget, true},
		{"arn:aws:ec2:*:*:instance/*", FamilyEC2, WorkBudget, true},
		{"arn:aws:ec2:*:*:instance/*", FamilyManaged, WorkBudget, false},
		{"arn:aws:ec2:*:*:instance/i-0*", FamilyEC2, WorkBudget, false},
		{"arn:aws:ec2:*:*:instance/*", FamilyEC2, 1, false}, // undecided is not covered
	}
	for _, tt := range tests {
		budget := tt.budget
		if got := CoversAlone(Compile(tt.pattern, nil, false), tt.fams, &budget); got != tt.want {
			t.Errorf("CoversAlone(%q, %v) = %v, want %v", tt.pattern, tt.fams, got, tt.want)
		}
	}
}

// FuzzCover checks what must hold of any one pattern: it covers only
// families it may match, it covers what it covers alone, and a Deny of the
// same pattern takes back all it grants, short of a bound.
func FuzzCover(f *testing.F) {
	f.Add("*", uint8(0), "")
	f.Add("arn:aws:ec2:*:*:instance/*", uint8(0), "")
	f.Add("arn:aws:ec2::*:instance/*", uint8(12), "AWS::Region")
	f.Add("arn:*:ssm:*:*:managed-instance/mi-????????????????*", uint8(0), "")
	f.Add("arn:aws-cn:ec2:${aws:username}:*:instance/i-0*?", uint8(5), "X")
	f.Fuzz(func(t *testing.T, text string, at uint8, name string) {
		var unknowns []Unknown
		if name != "" && int(at) <= len(text) {
			unknowns = []Unknown{{At: int(at), Name: name}}
		}
		p := Compile(text, unknowns, false)
		budget := WorkBudget
		c := (&Question{Resource: []Pattern{p}}).Cover(&budget)
		if c.Undecided&^c.Open != 0 || c.Open&^MayMatch(p) != 0 {
			t.Fatalf("%q: Open %v, Undecided %v, MayMatch %v", text, c.Open, c.Undecided, MayMatch(p))
		}
		for _, fam := range Families {
			budget := WorkBudget
			if CoversAlone(p, fam, &budget) && c.Open&fam == 0 {
				t.Fatalf("%q covers %v alone, but not in a question", text, fam)
			}
		}
		budget = WorkBudget
		denied := (&Question{Resource: []Pattern{p}, Denies: [][]Deny{{{Patterns: []Pattern{p}}}}}).Cover(&budget)
		if denied.Open != denied.Undecided {
			t.Fatalf("%q denied by itself leaves %v open (%v undecided)", text, denied.Open, denied.Undecided)
		}
	})
}
