package sarif

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// goldenCases are the input trees under testdata/: testdata/NAME/ is
// scanned and testdata/NAME.sarif is its log.
var goldenCases = []struct {
	name string
	opts Options
}{
	// Bare policy JSON, CloudFormation YAML and CDK output with findings,
	// and an ineffective-condition note that must not become a result.
	{"findings", Options{Version: "1.2.3"}},
	// A scoped policy: no results, every rule still declared.
	{"clean", Options{Version: "1.2.3"}},
	// A file that cannot be parsed beside one with a finding; a release
	// tag as version and a category of its own.
	{"warning", Options{Version: "v1.2.3", Category: "iam/prod"}},
	// One line, with an astral emoji before the second statement.
	{"emoji", Options{Version: "1.2.3"}},
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			testkit.Golden(t, filepath.Join("testdata", c.name+".sarif"), writeLog(t, scanTree(t, c.name), c.opts))
		})
	}
}

// TestGoldenSchema validates every golden log, this package's and the
// command-line tests' (../testdata/golden): each must be one GitHub's
// upload-sarif accepts, with no JSON null.
func TestGoldenSchema(t *testing.T) {
	sch := testkit.SARIFSchema(t)
	paths, err := filepath.Glob(filepath.Join("testdata", "*.sarif"))
	if err != nil || len(paths) != len(goldenCases) {
		t.Fatalf("golden logs %v (%v), want one per case", paths, err)
	}
	cli, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.sarif"))
	if err != nil || len(cli) == 0 {
		t.Fatalf("no CLI golden SARIF found (%v)", err)
	}
	for _, path := range append(paths, cli...) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := testkit.ValidateSARIF(sch, data); err != nil {
			t.Errorf("%s does not match the SARIF schema: %v", path, err)
		}
		if p, err := findNull(data); err != nil || p != "" {
			t.Errorf("%s has null at %q (%v)", path, p, err)
		}
	}
}
