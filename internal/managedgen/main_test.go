package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// TestTableIsGenerated regenerates the checked-in table from the shared
// dataset and compares it byte for byte, so the table is what our rules
// say of every AWS managed policy. CI has the dataset; a clone without
// ../shared skips.
func TestTableIsGenerated(t *testing.T) {
	dataset := filepath.Join(testkit.SharedDir(t), "data", "aws-managed-policies.json")
	data, err := os.ReadFile(dataset)
	if err != nil {
		msg := "no managed policy dataset beside the repository: " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	got, err := generate(data)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "iam", "managed", "table.go"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("table.go is not what the generator makes of %s; run go generate ./internal/iam/managed", dataset)
	}
}

// TestGenerate runs the generator over a small dataset written for it:
// one policy that grants both actions, one on the service-role/ path, a
// scoped one, one whose condition SSM never evaluates (a note, not a
// grant), a service-linked one, one without an ARN, and one that grants
// neither action.
func TestGenerate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "dataset.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := generate(data)
	if err != nil {
		t.Fatal(err)
	}
	testkit.Golden(t, filepath.Join("testdata", "dataset.table.golden"), got)
}

func TestGenerateRejects(t *testing.T) {
	policy := func(name, arn string) string {
		return `{"name": "` + name + `", "arn": "` + arn + `", "updated": "2025-01-01T00:00:00+00:00", "deprecated": false,
			"document": {"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}}`
	}
	tests := []struct{ name, dataset, want string }{
		{"not a list", `{}`, "cannot unmarshal"},
		{"empty", `[]`, "no policies"},
		{"ARN of another name", `[` + policy("A", "arn:aws:iam::aws:policy/B") + `]`, `policy A: ARN "arn:aws:iam::aws:policy/B" is not an AWS managed policy named A`},
		{"customer ARN", `[` + policy("A", "arn:aws:iam::123456789012:policy/A") + `]`, "is not an AWS managed policy"},
		{"twice", `[` + policy("A", "arn:aws:iam::aws:policy/A") + `,` + policy("A", "arn:aws:iam::aws:policy/A") + `]`, "policy A is in the dataset twice"},
		{"no dates", `[{"name": "A", "arn": null, "updated": null, "document": {"Statement": []}}]`, "no policy has an updated date"},
		{"bad date", `[{"name": "A", "arn": null, "updated": "yesterday", "document": {"Statement": []}}]`, `policy A: updated: parsing time "yesterday"`},
		{"broken document", `[{"name": "A", "arn": null, "updated": null, "document": {"Statement": [{"Effect": "Allow", "Effect": "Deny"}]}}]`, `policy A: document:1:`},
		{"not a document", `[{"name": "A", "arn": null, "updated": null, "document": {"Version": "2012-10-17"}}]`, "policy A: 0 policy documents, want 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := generate([]byte(tt.dataset))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
