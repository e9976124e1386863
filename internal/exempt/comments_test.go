package exempt

import "testing"

func TestParseComment(t *testing.T) {
	tests := []struct {
		text, rule, reason, problem string
	}{
		{`ignore IAM-SSM-1 reason="break-glass, SEC-101"`, "IAM-SSM-1", "break-glass, SEC-101", ""},
		{`ignore IAM-SSM-2 reason='support desk'`, "IAM-SSM-2", "support desk", ""},
		{`ignore IAM-SSM-2 reason=reviewed in SEC-7`, "IAM-SSM-2", "reviewed in SEC-7", ""},
		{`  ignore   IAM-SSM-1 reason="x" trailing words`, "IAM-SSM-1", "x", ""},
		{`ignore IAM-SSM-1`, "", "", `no reason: say why this wildcard is accepted (reason="...")`},
		{`ignore IAM-SSM-1 reason=""`, "", "", `no reason: say why this wildcard is accepted (reason="...")`},
		{`ignore IAM-SSM-9 reason="x"`, "", "", `unknown rule "IAM-SSM-9" (use IAM-SSM-1, IAM-SSM-2)`},
		{`skip IAM-SSM-1 reason="x"`, "", "", `unknown directive "skip" (use ssm-guardrails:ignore RULE reason="...")`},
	}
	for _, tt := range tests {
		rule, reason, problem := parseComment(tt.text)
		if rule != tt.rule || reason != tt.reason || problem != tt.problem {
			t.Errorf("parseComment(%q) = %q, %q, %q; want %q, %q, %q", tt.text, rule, reason, problem, tt.rule, tt.reason, tt.problem)
		}
	}
}
