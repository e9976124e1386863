package sarif

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden SARIF files in testdata/")

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
	sch := loadSchema(t)
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			got := writeLog(t, scanTree(t, c.name), c.opts)
			path := filepath.Join("testdata", c.name+".sarif")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./sarif -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the output: %s\n(if the change is intended, run go test ./sarif -update)", path, firstDiff(want, got))
			}
			if err := validateSchema(sch, want); err != nil {
				t.Errorf("%s does not match the SARIF schema: %v", path, err)
			}
		})
	}
}

// firstDiff describes the first line where want and got differ.
func firstDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  golden: " + wl + "\n  output: " + gl
		}
	}
	return "no line differs"
}

// TestCLIGoldenSchema validates the SARIF goldens of the command-line
// tests (../testdata/golden) too: every golden log must be one GitHub's
// upload-sarif accepts.
func TestCLIGoldenSchema(t *testing.T) {
	sch := loadSchema(t)
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.sarif"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no CLI golden SARIF found (%v)", err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateSchema(sch, data); err != nil {
			t.Errorf("%s does not match the SARIF schema: %v", path, err)
		}
		if p, err := findNull(data); err != nil || p != "" {
			t.Errorf("%s has null at %q (%v)", path, p, err)
		}
	}
}
