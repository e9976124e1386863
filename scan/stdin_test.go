package scan

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// TestStdin scans standard input as the file "-", beside files on disk.
func TestStdin(t *testing.T) {
	const policy = `{"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}`
	dir := testkit.WriteTree(t, map[string]string{"disk.json": policy})
	t.Chdir(dir)
	tests := []struct {
		name     string
		opts     Options
		findings []string // file:line:col rule
		warnings []string
		files    int
	}{
		{"shown as <stdin>", Options{Paths: []string{"-"}}, []string{"<stdin>:1:16 IAM-SSM-1"}, nil, 1},
		{"shown by the name given", Options{Paths: []string{"-"}, StdinName: "policies/admin.json"}, []string{"policies/admin.json:1:16 IAM-SSM-1"}, nil, 1},
		{"an absolute name is shown relative", Options{Paths: []string{"-"}, StdinName: filepath.Join(dir, "policies", "admin.json")},
			[]string{"policies/admin.json:1:16 IAM-SSM-1"}, nil, 1},
		{"beside a file on disk", Options{Paths: []string{"disk.json", "-"}}, []string{"<stdin>:1:16 IAM-SSM-1", "disk.json:1:16 IAM-SSM-1"}, nil, 2},
		{"read once however often given", Options{Paths: []string{"-", "-"}}, []string{"<stdin>:1:16 IAM-SSM-1"}, nil, 1},
		{"the size limit holds", Options{Paths: []string{"-"}, MaxFileSize: 10}, nil,
			[]string{"<stdin>: skipped: larger than the 10B limit (--max-file-size)"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Stdin = strings.NewReader(policy)
			rep, err := Run(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var findings, warnings []string
			for _, f := range rep.Findings {
				findings = append(findings, fmt.Sprintf("%s:%d:%d %s", f.File, f.Span.Start.Line, f.Span.Start.Col, f.RuleID))
			}
			for _, w := range rep.Warnings {
				warnings = append(warnings, w.String())
			}
			slices.Sort(findings)
			if !slices.Equal(findings, tt.findings) || !slices.Equal(warnings, tt.warnings) || rep.Files != tt.files {
				t.Errorf("findings %q, warnings %q, %d files; want %q, %q, %d", findings, warnings, rep.Files, tt.findings, tt.warnings, tt.files)
			}
		})
	}
	if _, err := Run(Options{Paths: []string{"-"}}); err == nil || err.Error() != "cannot scan -: no standard input" {
		t.Errorf("no reader for standard input: %v", err)
	}
}
