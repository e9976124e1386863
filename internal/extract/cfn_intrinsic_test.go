package extract

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// resolveHeader is the template around each statement of
// TestResolveValues: its parameters and mappings.
const resolveHeader = `Parameters:
  Target: {Type: String, Default: "*"}
  Count: {Type: Number, Default: 1}
  Targets: {Type: CommaDelimitedList, Default: "arn:aws:ec2:*:*:instance/i-1, *"}
  Bare: {Type: String}
  Stored: {Type: "AWS::SSM::Parameter::Value<String>", Default: /fleet/arn}
Mappings:
  Fleet:
    us-east-1: {Arn: arn:aws:ec2:us-east-1:1:instance/i-1, List: [a, b]}
    eu-west-1: {Arn: "*"}
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument:
        Statement:
          - `

// shown renders a value as TEXT [unknowns] "SOURCE" (defaults).
func shown(v iam.Value) string {
	s := fmt.Sprintf("%s %q", v.Text, v.Source)
	for _, u := range v.Unknowns {
		s += fmt.Sprintf(" [%s@%d kind %d]", u.Name, u.At, u.Kind)
	}
	if len(v.Defaults) > 0 {
		s += " (" + strings.Join(v.Defaults, ", ") + ")"
	}
	return s
}

// TestResolveValues shows what each intrinsic resolves to, in the places
// where a value only some deployments have may widen a grant (an
// Allow's Resource) and where it may not (a Deny, a NotResource).
func TestResolveValues(t *testing.T) {
	tests := []struct {
		name, statement string
		element         string // Resource or NotResource
		want            []string
	}{
		{"Ref to a Default in an Allow", `{Effect: Allow, Action: a, Resource: !Ref Target}`, "Resource",
			[]string{`* "*" (parameter Target)`}},
		{"Ref to a Default in a Deny stays opaque", `{Effect: Deny, Action: a, Resource: !Ref Target}`, "Resource",
			[]string{` "${Target}" [Target@0 kind 1]`}},
		{"Ref to a Default in a NotResource stays opaque", `{Effect: Allow, Action: a, NotResource: !Ref Target}`, "NotResource",
			[]string{` "${Target}" [Target@0 kind 1]`}},
		{"Ref to a number parameter", `{Effect: Allow, Action: a, Resource: !Sub "arn:aws:ec2:*:*:instance/i-${Count}"}`, "Resource",
			[]string{`arn:aws:ec2:*:*:instance/i-1 "arn:aws:ec2:*:*:instance/i-1" (parameter Count)`}},
		{"Ref to a list parameter is its items", `{Effect: Allow, Action: a, Resource: !Ref Targets}`, "Resource",
			[]string{`arn:aws:ec2:*:*:instance/i-1 "arn:aws:ec2:*:*:instance/i-1" (parameter Targets)`, `* "*" (parameter Targets)`}},
		{"parameter without a Default", `{Effect: Allow, Action: a, Resource: !Ref Bare}`, "Resource",
			[]string{` "${Bare}" [Bare@0 kind 1]`}},
		{"SSM parameter: the Default is a parameter name", `{Effect: Allow, Action: a, Resource: !Ref Stored}`, "Resource",
			[]string{` "${Stored}" [Stored@0 kind 1]`}},
		{"FindInMap with literal keys, in a Deny too", `{Effect: Deny, Action: a, Resource: !FindInMap [Fleet, eu-west-1, Arn]}`, "Resource",
			[]string{`* "*"`}},
		{"FindInMap of a list", `{Effect: Allow, Action: a, Resource: !FindInMap [Fleet, us-east-1, List]}`, "Resource",
			[]string{`a "a"`, `b "b"`}},
		{"FindInMap by Region picks any entry in an Allow", `{Effect: Allow, Action: a, Resource: !FindInMap [Fleet, !Ref AWS::Region, Arn]}`, "Resource",
			[]string{`arn:aws:ec2:us-east-1:1:instance/i-1 "arn:aws:ec2:us-east-1:1:instance/i-1"`, `* "*"`}},
		{"FindInMap by Region stays opaque in a Deny", `{Effect: Deny, Action: a, Resource: !FindInMap [Fleet, !Ref AWS::Region, Arn]}`, "Resource",
			[]string{` "${Fn::FindInMap}" [Fn::FindInMap@0 kind 1]`}},
		{"FindInMap of an entry that is not there", `{Effect: Allow, Action: a, Resource: !FindInMap [Fleet, us-west-2, Arn]}`, "Resource",
			[]string{` "${Fn::FindInMap}" [Fn::FindInMap@0 kind 1]`}},
		{"Select of a FindInMap list", `{Effect: Allow, Action: a, Resource: !Select [1, !FindInMap [Fleet, us-east-1, List]]}`, "Resource",
			[]string{`b "b"`}},
		{"Split keeps unknowns with their pieces", `{Effect: Allow, Action: a, Resource: !Split ["/", !Sub "arn:${AWS::Partition}:ec2/${Bare}x/y"]}`, "Resource",
			[]string{`arn::ec2 "arn:${AWS::Partition}:ec2" [AWS::Partition@4 kind 0]`, `x "${Bare}x" [Bare@0 kind 1]`, `y "y"`}},
		{"Sub of pseudo parameters and an escape", `{Effect: Allow, Action: a, Resource: !Sub "arn:${AWS::Partition}:ssm:${AWS::Region}::document/${!Doc}"}`, "Resource",
			[]string{`arn::ssm:::document/${Doc} "arn:${AWS::Partition}:ssm:${AWS::Region}::document/${!Doc}" [AWS::Partition@4 kind 0] [AWS::Region@9 kind 0]`}},
		{"Sub with a variable of two branches", `{Effect: Allow, Action: a, Resource: !Sub ["a-${V}-${AWS::Region}-${Bare}", {V: !If [C, x, "*"]}]}`, "Resource",
			[]string{`a-x-- "a-x-${AWS::Region}-${Bare}" [AWS::Region@4 kind 0] [Bare@5 kind 1]`, `a-*-- "a-*-${AWS::Region}-${Bare}" [AWS::Region@4 kind 0] [Bare@5 kind 1]`}},
		{"Sub of a Default and an unclosed reference", `{Effect: Allow, Action: a, Resource: !Sub "${Target}/${Bare"}`, "Resource",
			[]string{`*/${Bare "*/${Bare" (parameter Target)`}},
		{"Join of a Split", `{Effect: Allow, Action: a, Resource: !Join [":", !Split [",", "arn,aws,ec2"]]}`, "Resource",
			[]string{`arn:aws:ec2 "arn:aws:ec2"`}},
		{"Select with an index from a Default", `{Effect: Allow, Action: a, Resource: !Select [!Ref Count, [x, "*"]]}`, "Resource",
			[]string{`* "*" (parameter Count)`}},
		{"Select beyond the list", `{Effect: Allow, Action: a, Resource: !Select [5, [x]]}`, "Resource",
			[]string{` "${Fn::Select}" [Fn::Select@0 kind 1]`}},
		{"Join of a list it cannot see", `{Effect: Allow, Action: a, Resource: !Join [",", !GetAZs ""]}`, "Resource",
			[]string{` "${Fn::Join}" [Fn::Join@0 kind 1]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source.NewSource([]byte(resolveHeader + tt.statement + "\n"))
			roots, _, err := syntax.Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			docs, diags := Extract(src, roots)
			if len(docs) != 1 || len(docs[0].Policy.Statements) != 1 || len(diags) > 0 {
				t.Fatalf("documents %+v, diagnostics %v", docs, diags)
			}
			st := docs[0].Policy.Statements[0]
			values := st.Resource
			if tt.element == "NotResource" {
				values = st.NotResource
			}
			var got []string
			for _, v := range values {
				got = append(got, shown(v))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s = %q, want %q", tt.element, got, tt.want)
			}
		})
	}
}

func TestMergeNames(t *testing.T) {
	a := []string{"parameter A"}
	for _, tt := range []struct{ a, b, want []string }{
		{nil, nil, nil},
		{a, nil, a},
		{nil, a, a},
		{a, a, a},
		{a, []string{"parameter B", "parameter A"}, []string{"parameter A", "parameter B"}},
	} {
		if got := mergeNames(tt.a, tt.b); !slices.Equal(got, tt.want) {
			t.Errorf("mergeNames(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
	merged := mergeNames(a, []string{"parameter B"})
	if len(a) != 1 || a[0] != "parameter A" || len(merged) != 2 {
		t.Errorf("mergeNames changed its operand: %q %q", a, merged)
	}
}
