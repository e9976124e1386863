package iam

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam/instances"
)

// TestJudgeAgreesWithEvaluate judges every case of evalCases, twice over,
// through one Judge: each answer, whether it was remembered or not, must
// be what Evaluate finds afresh.
func TestJudgeAgreesWithEvaluate(t *testing.T) {
	var j Judge
	for round := range 2 {
		for _, tc := range evalCases {
			p := policyFromJSON(t, tc.policy)
			for _, action := range []string{"ssm:SendCommand", "ssm:StartSession"} {
				if got, want := j.Evaluate(p, action), Evaluate(p, action); !reflect.DeepEqual(got, want) {
					t.Errorf("round %d, %s, %s: the judge finds %+v, Evaluate %+v", round, tc.name, action, got, want)
				}
			}
		}
	}
	if len(j.covers) == 0 || len(j.descriptions) == 0 {
		t.Errorf("the judge remembered %d covers and %d descriptions", len(j.covers), len(j.descriptions))
	}
}

// TestJudgeTellsSourcesApart: values alike but for how the file spells
// them are described each as spelled.
func TestJudgeTellsSourcesApart(t *testing.T) {
	var j Judge
	for _, source := range []string{"*", "!Sub '*'", "*"} {
		p := &Policy{Statements: []Statement{{Effect: "Allow", Action: Values{Literal("ssm:*")},
			Resource: Values{{Text: "*", Source: source}}}}}
		want := `Resource "` + source + `"`
		if xs := j.Evaluate(p, "ssm:SendCommand"); len(xs) != 1 || xs[0].Resource != want {
			t.Errorf("%q: %+v, want one exposure with Resource %s", source, xs, want)
		}
	}
}

// TestJudgeCharges: a remembered answer is given only when the work it
// took fits in the budget left, which it is charged; an answer found past
// a bound is not remembered.
func TestJudgeCharges(t *testing.T) {
	var j Judge
	st := &Statement{Resource: Values{Literal("arn:aws:ec2:*:*:instance/*")}}
	calls := 0
	check := func(budget, work int, exact bool, wantBudget, wantCalls int) {
		t.Helper()
		res := j.cover(st, &budget, func() (coverResult, bool) {
			calls++
			budget -= work
			return coverResult{open: instances.FamilyEC2}, exact
		})
		if res.open != instances.FamilyEC2 || budget != wantBudget || calls != wantCalls {
			t.Errorf("open %v, budget left %d, decided %d times; want %d and %d", res.open, budget, calls, wantBudget, wantCalls)
		}
	}
	check(100, 30, true, 70, 1) // decided and remembered
	check(50, 30, true, 20, 1)  // remembered, charged
	check(29, 30, true, -1, 2)  // does not fit: decided again
	st = &Statement{Resource: Values{Literal("*")}, NotResource: Values{}}
	check(100, 10, false, 90, 3) // past a bound: not remembered
	check(100, 10, false, 90, 4)
}

// TestJudgeKeepsNoLongKeys: a statement whose resources make a key longer
// than maxMemoKey is judged, and judged right, but nothing of it is kept,
// however many such statements there are.
func TestJudgeKeepsNoLongKeys(t *testing.T) {
	var j Judge
	for i := range 2 * maxMemo {
		resources := Values{Literal("arn:aws:ec2:*:*:instance/*")}
		for k := range 20 {
			resources = append(resources, Literal(fmt.Sprintf("arn:aws:s3:::bucket-%d-%d/some/long/prefix/*", i, k)))
		}
		p := &Policy{Statements: []Statement{{Effect: "Allow", Action: Values{Literal("ssm:SendCommand")}, Resource: resources}}}
		if got, want := j.Evaluate(p, "ssm:SendCommand"), Evaluate(p, "ssm:SendCommand"); len(got) != 1 || !reflect.DeepEqual(got, want) {
			t.Fatalf("policy %d: the judge finds %+v, Evaluate %+v", i, got, want)
		}
	}
	if len(j.covers) != 0 || len(j.descriptions) != 0 {
		t.Errorf("the judge kept %d covers and %d descriptions of long keys", len(j.covers), len(j.descriptions))
	}
}
