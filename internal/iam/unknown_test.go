package iam

import (
	"slices"
	"testing"
)

// TestUnevaluatedValues: a value that could not be evaluated (written
// \x01name\x01 in these policies) makes a note when the verdict hangs on
// it, and changes nothing when what is known decides.
func TestUnevaluatedValues(t *testing.T) {
	tests := []struct {
		name       string
		policy     string
		exposed    bool
		unresolved []string // nil: proven by what is known
	}{
		{"Resource is the unknown", `{"Statement": {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "\u0001var.arns\u0001"}}`,
			true, []string{"var.arns"}},
		{"an unknown region still covers every instance of that region",
			`{"Statement": {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:aws:ec2:\u0001var.region\u0001:123456789012:instance/*"}}`,
			true, nil},
		{"Action is the unknown", `{"Statement": {"Effect": "Allow", "Action": "\u0001var.action\u0001", "Resource": "*"}}`,
			true, []string{"var.action"}},
		{"NotResource is the unknown", `{"Statement": {"Effect": "Allow", "Action": "ssm:SendCommand", "NotResource": "\u0001var.x\u0001"}}`,
			true, []string{"var.x"}},
		{"a Deny on the unknown may take it back", `{"Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"},
			{"Effect": "Deny", "Action": "ssm:SendCommand", "Resource": "\u0001var.denied\u0001"}]}`,
			true, []string{"var.denied"}},
		{"StringLike on an unknown tag value may be '*'", `{"Statement": {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*",
			"Condition": {"StringLike": {"ssm:resourceTag/team": "\u0001var.team\u0001"}}}}`,
			true, []string{"var.team"}},
		{"StringEquals on an unknown tag value pins either way", `{"Statement": {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*",
			"Condition": {"StringEquals": {"ssm:resourceTag/team": "\u0001var.team\u0001"}}}}`,
			false, nil},
		{"an unknown that the verdict does not hang on", `{"Statement": {"Sid": "x", "Effect": "Allow", "Action": ["ssm:SendCommand", "\u0001var.more\u0001"], "Resource": "*"}}`,
			true, nil},
		{"a specific unknown is one resource", `{"Statement": {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "\u0000aws_instance.web.arn\u0000"}}`,
			false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xs := Evaluate(policyFromJSON(t, tt.policy), "ssm:SendCommand")
			if len(xs) != map[bool]int{true: 1, false: 0}[tt.exposed] {
				t.Fatalf("exposures %+v, want exposed=%v", xs, tt.exposed)
			}
			if tt.exposed && !slices.Equal(xs[0].Unresolved, tt.unresolved) {
				t.Errorf("unresolved %q, want %q", xs[0].Unresolved, tt.unresolved)
			}
		})
	}
}
