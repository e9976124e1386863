package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// TestTerraformGolden scans each Terraform fixture module and compares
// the text output with the expected output beside it (expected.out), and
// the JSON output where one is kept (expected.json.out).
func TestTerraformGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "terraform", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 9 {
		t.Fatalf("found %d Terraform fixtures: the glob missed them", len(dirs))
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			for _, format := range []string{"txt", "json"} {
				golden := filepath.Join(dir, map[string]string{"txt": "expected.out", "json": "expected.json.out"}[format])
				if _, err := os.Stat(golden); format == "json" && err != nil {
					continue
				}
				args := []string{"--format", map[string]string{"txt": "text", "json": "json"}[format], "--fail-on", "none", filepath.ToSlash(dir)}
				var stdout, stderr bytes.Buffer
				if code := run(args, &stdout, &stderr); code != exitClean {
					t.Fatalf("exit = %d; stderr: %s", code, stderr.String())
				}
				testkit.Golden(t, golden, stdout.Bytes())
			}
		})
	}
}
