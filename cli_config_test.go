package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// TestConfigDiscovery runs the CLI from different places in a repository
// whose exemptions config sits at its root or deeper: the same config
// exempts the same finding wherever the scan starts, the nearest config
// wins, and the output names the one used.
func TestConfigDiscovery(t *testing.T) {
	const admin = `{"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}`
	exempting := func(glob string) string {
		return "exemptions:\n  - files: [" + glob + "]\n    reason: break-glass\n"
	}
	tests := []struct {
		name   string
		files  map[string]string // the tree: "repo/.git/HEAD" makes repo a repository
		wd     string            // where the CLI runs, in the tree
		args   []string
		exit   int
		config string // the "config:" line's path; "" for none
		stderr string
	}{
		{"run from the root", map[string]string{"repo/.git/HEAD": "", "repo/.ssm-guardrails.yml": exempting("policies/admin.json"), "repo/policies/admin.json": admin},
			"repo", []string{"."}, exitClean, ".ssm-guardrails.yml", ""},
		{"run from the root on a directory below", map[string]string{"repo/.git/HEAD": "", "repo/.ssm-guardrails.yml": exempting("policies/admin.json"), "repo/policies/admin.json": admin},
			"repo", []string{"policies"}, exitClean, ".ssm-guardrails.yml", ""},
		{"run from below the root", map[string]string{"repo/.git/HEAD": "", "repo/.ssm-guardrails.yml": exempting("policies/admin.json"), "repo/policies/admin.json": admin},
			"repo/policies", []string{"."}, exitClean, "../.ssm-guardrails.yml", ""},
		{"run from below on a file", map[string]string{"repo/.git/HEAD": "", "repo/.ssm-guardrails.yml": exempting("policies/admin.json"), "repo/policies/admin.json": admin},
			"repo/policies", []string{"admin.json"}, exitClean, "../.ssm-guardrails.yml", ""},
		{"run from outside the repository on a path in it", map[string]string{"repo/.git/HEAD": "", "repo/.ssm-guardrails.yml": exempting("policies/admin.json"), "repo/policies/admin.json": admin},
			".", []string{"repo/policies"}, exitClean, "repo/.ssm-guardrails.yml", ""},
		{"the .yaml name", map[string]string{"repo/.git/HEAD": "", "repo/.ssm-guardrails.yaml": exempting("policies/*.json"), "repo/policies/admin.json": admin},
			"repo/policies", []string{"."}, exitClean, "../.ssm-guardrails.yaml", ""},
		{"a .git file (worktree) marks the root", map[string]string{"repo/.git": "gitdir: elsewhere\n", "repo/.ssm-guardrails.yml": exempting("policies/admin.json"), "repo/policies/admin.json": admin},
			"repo/policies", []string{"."}, exitClean, "../.ssm-guardrails.yml", ""},
		{"the nearest config wins", map[string]string{"repo/.git/HEAD": "", "repo/.ssm-guardrails.yml": exempting("nothing.json"), "repo/policies/.ssm-guardrails.yml": exempting("admin.json"), "repo/policies/admin.json": admin},
			"repo", []string{"policies"}, exitClean, "policies/.ssm-guardrails.yml", ""},
		{"no config above the repository root", map[string]string{".ssm-guardrails.yml": exempting("**"), "repo/.git/HEAD": "", "repo/policies/admin.json": admin},
			"repo", []string{"policies"}, exitFindings, "", ""},
		{"outside a repository, only the path's directory", map[string]string{"dir/.ssm-guardrails.yml": exempting("**"), "dir/policies/admin.json": admin, "wd/x": ""},
			"wd", []string{"../dir/policies"}, exitFindings, "", ""},
		{"then the working directory", map[string]string{".ssm-guardrails.yml": exempting("dir/policies/admin.json"), "dir/policies/admin.json": admin},
			".", []string{"dir/policies"}, exitClean, ".ssm-guardrails.yml", ""},
		{"--config wins", map[string]string{"repo/.git/HEAD": "", "repo/.ssm-guardrails.yml": exempting("policies/admin.json"), "repo/other.yml": exempting("nothing.json"), "repo/policies/admin.json": admin},
			"repo/policies", []string{"--config", "../other.yml", "."}, exitFindings, "../other.yml", ""},
		{"globs of a named config are relative to it too", map[string]string{"repo/.git/HEAD": "", "repo/ci/exemptions.yml": exempting("../policies/admin.json"), "repo/policies/admin.json": admin},
			"repo/policies", []string{"--config", "../ci/exemptions.yml", "."}, exitClean, "../ci/exemptions.yml", ""},
		{"a glob relative to the working directory does not apply", map[string]string{"repo/.git/HEAD": "", "repo/ci/exemptions.yml": exempting("policies/admin.json"), "repo/policies/admin.json": admin},
			"repo", []string{"--config", "ci/exemptions.yml", "."}, exitFindings, "ci/exemptions.yml", ""},
		{"both names in one directory", map[string]string{"repo/.git/HEAD": "", "repo/.ssm-guardrails.yml": exempting("a"), "repo/.ssm-guardrails.yaml": exempting("a"), "repo/policies/admin.json": admin},
			"repo/policies", []string{"."}, exitError, "", "ssm-guardrails: ..: .ssm-guardrails.yml and .ssm-guardrails.yaml are both there: keep one\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := testkit.WriteTree(t, tt.files)
			t.Chdir(filepath.Join(root, filepath.FromSlash(tt.wd)))
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.exit || stderr.String() != tt.stderr {
				t.Fatalf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, tt.exit, stdout.String(), stderr.String())
			}
			var config string
			for line := range strings.Lines(stdout.String()) {
				if c, ok := strings.CutPrefix(line, "config: "); ok {
					config = strings.TrimSuffix(c, "\n")
				}
			}
			if config != tt.config {
				t.Errorf("config used: %q, want %q; output:\n%s", config, tt.config, stdout.String())
			}
		})
	}
}
