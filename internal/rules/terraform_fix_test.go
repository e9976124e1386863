package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// TestTerraformFixes scans each rule's Terraform fix: it must scan clean,
// and flag the rule's action once its tag condition is taken out, so
// that the test can fail.
func TestTerraformFixes(t *testing.T) {
	for _, r := range rules.All {
		t.Run(r.ID, func(t *testing.T) {
			if res := scan.ScanFile("fix.tf", []byte(r.Fix.Terraform)); len(res.Findings)+len(res.Warnings) > 0 {
				t.Errorf("Terraform fix: findings %+v, warnings %+v", res.Findings, res.Warnings)
			}
			broken := strings.ReplaceAll(r.Fix.Terraform, `"ssm:resourceTag/team"`, `"aws:PrincipalTag/team"`)
			res := scan.ScanFile("fix.tf", []byte(broken))
			var got []string
			for _, f := range res.Findings {
				got = append(got, fmt.Sprintf("%s@%d", f.RuleID, f.Span.Start.Line))
			}
			if want := []string{r.ID + "@2"}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("the fix without its tag condition: findings %v, want %v", got, want)
			}
		})
	}
}
