package testkit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CDKGrant is a finding of the CDK fixture app (testdata/cdk): the grant
// that makes it, the app line its trace records and the statement in the
// template, as testdata/cdk/expected-locations.tsv lists them.
type CDKGrant struct {
	Kind     string
	Rule     string
	App      string // FILE:LINE:COL relative to the app's directory
	Template string // FILE:LINE:COL relative to cdk.out
	CDKPath  string
}

// CDKGrants reads testdata/cdk/expected-locations.tsv.
func CDKGrants(t testing.TB) []CDKGrant {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(RepoRoot(t), "testdata", "cdk", "expected-locations.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []CDKGrant
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			t.Fatalf("expected-locations.tsv: %q has %d fields, want 5", line, len(f))
		}
		out = append(out, CDKGrant{Kind: f[0], Rule: f[1], App: f[2], Template: f[3], CDKPath: f[4]})
	}
	return out
}
