//go:build unix

package scan

import (
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// TestUnselected finds the policies the include globs skip, among the
// files whose name and size make one likely, and reads no other file.
func TestUnselected(t *testing.T) {
	const policy = `{"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}]}`
	dir := testkit.WriteTree(t, map[string]string{
		"iam/admin-policy":             policy,
		"iam/session.tpl":              policy,
		"iam/yaml.policy":              "Statement:\n  - Effect: Allow\n    Action: ssm:SendCommand\n    Resource: '*'\n",
		"iam/scoped.txt":               `{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`,
		"notes.txt":                    "Statement of work: nothing here.\n",
		"bin/deploy":                   "#!/bin/sh\naws ssm send-command \\\n  --targets Key=tag:team,Values=a\n",
		"big":                          policy + strings.Repeat(" ", 1<<20),
		"policy.md":                    policy,
		".policy":                      policy,
		"node_modules/pkg/policy":      policy,
		"selected.json":                policy,
		"empty":                        "",
		"nested/deeper/templates/role": policy,
	})
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"default globs", Options{Paths: []string{dir}, FindUnselected: true},
			[]string{".policy", "iam/admin-policy", "iam/scoped.txt", "iam/session.tpl", "iam/yaml.policy", "nested/deeper/templates/role"}},
		{"not asked", Options{Paths: []string{dir}}, nil},
		{"every file selected", Options{Paths: []string{dir}, Include: []string{"**/*"}, Exclude: []string{"fifo", "**/node_modules/**"}, FindUnselected: true}, nil},
		{"excluded files are not probed", Options{Paths: []string{dir}, Exclude: []string{".*", "iam/**", "**/node_modules/**"}, FindUnselected: true},
			[]string{"nested/deeper/templates/role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.BaseDir = dir
			rep, err := Run(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Sorted(slices.Values(rep.Unselected)); !slices.Equal(got, tt.want) {
				t.Errorf("unselected %q, want %q", got, tt.want)
			}
		})
	}
}

// TestUnselectedReadsOnlyCandidates: only the files discovery notes are
// read, and it notes none whose name or size rules it out, so a
// repository without candidates pays nothing but the names it walks.
func TestUnselectedReadsOnlyCandidates(t *testing.T) {
	dir := testkit.WriteTree(t, map[string]string{"a.md": "x", "b.go": "x", "c": strings.Repeat(" ", 1<<20+1)})
	d, err := discover(Options{Paths: []string{dir}, BaseDir: dir, Include: DefaultInclude, Exclude: DefaultExclude, FindUnselected: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.unselected) != 0 || len(d.warnings) != 0 {
		t.Errorf("probed %+v, warnings %v", d.unselected, d.warnings)
	}
}
