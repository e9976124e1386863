package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

func TestDescribePlace(t *testing.T) {
	template := rules.Related{File: "cdk.out/Ops.template.json", Span: source.Span{Start: source.Pos{Line: 42, Col: 7}}, Message: scan.TemplateStatement}
	anchor := rules.Related{File: "a.yaml", Span: source.Span{Start: source.Pos{Line: 3, Col: 1}}, Message: "anchor"}
	origin := iam.Origin{Resource: "R", CDKPath: "Ops/RunCommandRole/DefaultPolicy/Resource"}
	for _, tt := range []struct {
		name string
		f    rules.Finding
		want string
	}{
		{"nothing to say", rules.Finding{}, ""},
		{"origin only", rules.Finding{Origin: origin}, "resource R, cdk Ops/RunCommandRole/DefaultPolicy/Resource"},
		{"a CDK finding at its app line", rules.Finding{Origin: origin, Related: []rules.Related{template}},
			"resource R, cdk Ops/RunCommandRole/DefaultPolicy/Resource, template cdk.out/Ops.template.json:42"},
		{"other related places say what they are", rules.Finding{Related: []rules.Related{anchor}}, "anchor a.yaml:3"},
	} {
		if got := describePlace(tt.f); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestJSONRelated: related places are listed where a finding has them,
// and absent where it has none.
func TestJSONRelated(t *testing.T) {
	rep := sampleReport()
	rep.Findings[0].Related = []rules.Related{{File: "cdk.out/Ops.template.json", Message: scan.TemplateStatement,
		Span: source.Span{Start: source.Pos{Line: 28, Col: 7}, End: source.Pos{Line: 32, Col: 8}}}}
	var b bytes.Buffer
	if err := JSON(&b, rep, rules.SeverityHigh); err != nil {
		t.Fatal(err)
	}
	var got jsonReport
	dec := json.NewDecoder(bytes.NewReader(b.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := jsonRelated{File: "cdk.out/Ops.template.json", Message: scan.TemplateStatement,
		Span: jsonSpan{Start: jsonPos{Line: 28, Col: 7}, End: jsonPos{Line: 32, Col: 8}}}
	if r := got.Findings[0].Related; len(r) != 1 || r[0] != want {
		t.Errorf("related %+v, want %+v", r, want)
	}
	if strings.Count(b.String(), `"related"`) != 1 {
		t.Errorf("findings without related places list them:\n%s", b.String())
	}
}
