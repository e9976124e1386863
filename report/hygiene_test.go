package report

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// notRepositoryText are the string fields the scanner writes itself.
var notRepositoryText = map[string]bool{"RuleID": true, "LineHash": true, "Expires": true}

const hostile = "x\n::error::y ##[set-output name=z;]0 \x1b[2J"

// fillStrings sets every string field reachable in v (not through
// pointers, which lead to the rules) to hostile, and returns their names.
func fillStrings(v reflect.Value, path string, visit func(v reflect.Value, path string)) {
	switch v.Kind() {
	case reflect.String:
		visit(v, path)
	case reflect.Struct:
		for i := range v.NumField() {
			fillStrings(v.Field(i), path+"."+v.Type().Field(i).Name, visit)
		}
	case reflect.Slice:
		for i := range v.Len() {
			fillStrings(v.Index(i), path, visit)
		}
	}
}

// TestForLogNeutralisesEveryRepositoryString fills every string field of a
// report with a workflow command and checks that none survives in the
// copy, and that the report itself is unchanged (the SARIF needs it).
func TestForLogNeutralisesEveryRepositoryString(t *testing.T) {
	f := rules.Finding{Rule: rules.ByID("IAM-SSM-1"), Related: []rules.Related{{}}}
	rep := &scan.Report{
		Findings:   []rules.Finding{f},
		Exempted:   []exempt.Exempted{{Finding: f}},
		Warnings:   []source.Warning{{}},
		Unselected: []string{""},
	}
	filled := 0
	fillStrings(reflect.ValueOf(rep).Elem(), "Report", func(v reflect.Value, path string) {
		v.SetString(hostile)
		filled++
	})
	if filled < 20 {
		t.Fatalf("filled only %d strings", filled)
	}
	got := ForLog(rep)
	fillStrings(reflect.ValueOf(got).Elem(), "Report", func(v reflect.Value, path string) {
		name := path[strings.LastIndex(path, ".")+1:]
		if notRepositoryText[name] {
			return
		}
		if s := v.String(); strings.ContainsAny(s, "\n\x1b") || strings.Contains(s, "##[") {
			t.Errorf("%s = %q", path, s)
		}
	})
	fillStrings(reflect.ValueOf(rep).Elem(), "Report", func(v reflect.Value, path string) {
		if v.String() != hostile {
			t.Errorf("ForLog changed the report: %s = %q", path, v.String())
		}
	})
}
