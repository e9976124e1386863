package scan

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// TestLineHashesOnlyForFindingLines: the fingerprint function is asked
// for the lines findings start on, open or exempted by template Metadata,
// once each and in order, and only for files with findings.
func TestLineHashesOnlyForFindingLines(t *testing.T) {
	dir := testkit.WriteTree(t, map[string]string{
		"a.json": `{"Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Allow", "Action": ["ssm:SendCommand", "ssm:StartSession"], "Resource": "*"},
  {"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}
]}
`,
		"stack.yaml": `Resources:
  R:
    Type: AWS::IAM::Policy
    Metadata:
      ssm-guardrails:
        suppress: [{rule: IAM-SSM-1, reason: tested}]
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: ssm:SendCommand, Resource: "*"}
`,
		"clean.json": `{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`,
	})
	asked := map[string][]int{} // first line of the file -> lines asked
	var mu sync.Mutex           // the workers hash their files at once
	hasher := func(content []byte, lines []int) []string {
		first, _, _ := strings.Cut(string(content), "\n")
		mu.Lock()
		asked[first] = lines
		mu.Unlock()
		out := make([]string, len(lines))
		for i, l := range lines {
			out[i] = fmt.Sprintf("h%d", l)
		}
		return out
	}
	rep, err := Run(Options{Paths: []string{dir}, BaseDir: dir, LineHashes: hasher})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{`{"Statement": [`: {3, 4}, "Resources:": {10}}
	if len(asked) != len(want) {
		t.Fatalf("asked %v, want %v", asked, want)
	}
	for first, lines := range want {
		if !slices.Equal(asked[first], lines) {
			t.Errorf("file starting %q: asked for lines %v, want %v", first, asked[first], lines)
		}
	}
	for _, f := range rep.Findings {
		if want := fmt.Sprintf("h%d", f.Span.Start.Line); f.LineHash != want {
			t.Errorf("%s: LineHash %q, want %q", located(f), f.LineHash, want)
		}
	}
	if len(rep.Findings) != 3 || len(rep.Exempted) != 1 || rep.Exempted[0].LineHash != "h10" {
		t.Errorf("findings %d, exempted %+v", len(rep.Findings), rep.Exempted)
	}
}
