package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// TestGolden scans the bundled examples in every format and compares the
// output with the golden files byte for byte.
func TestGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
		exit   int
	}{
		{"examples.txt", []string{"testdata/examples"}, exitFindings},
		{"examples.json", []string{"--format", "json", "testdata/examples"}, exitFindings},
		{"examples.sarif", []string{"testdata/examples", "--format=sarif"}, exitFindings},
		{"cloudformation.txt", []string{"testdata/cloudformation"}, exitFindings},
		{"exemptions.txt", []string{"--config", "testdata/exemptions/.ssm-guardrails.yml", "testdata/exemptions"}, exitFindings},
		{"exemptions.json", []string{"--config", "testdata/exemptions/.ssm-guardrails.yml", "--format", "json", "testdata/exemptions"}, exitFindings},
		{"exemptions.sarif", []string{"--config", "testdata/exemptions/.ssm-guardrails.yml", "--format", "sarif", "testdata/exemptions"}, exitFindings},
		{"exemptions-suppressed.sarif", []string{"--config", "testdata/exemptions/.ssm-guardrails.yml", "--format", "sarif", "--sarif-suppressed", "testdata/exemptions"}, exitFindings},
		{"examples.github", []string{"--format", "github", "testdata/examples"}, exitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.exit {
				t.Fatalf("exit = %d, want %d; stderr: %s", code, tt.exit, stderr.String())
			}
			testkit.Golden(t, filepath.Join("testdata", "golden", tt.golden), stdout.Bytes())
			var again bytes.Buffer
			run(tt.args, &again, &stderr)
			if !bytes.Equal(stdout.Bytes(), again.Bytes()) {
				t.Error("two runs over the same input differ")
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	critical := write("critical.json", `{"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}`)
	high := write("high.json", `{"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}]}`)
	clean := write("clean.json", `{"Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}]}`)
	note := write("note.json", `{"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*", "Condition": {"StringEquals": {"ec2:ResourceTag/a": "b"}}}]}`)
	broken := write("broken.json", `{"Statement": [`)
	tests := []struct {
		name   string
		args   []string
		exit   int
		stderr string
	}{
		{"clean file", []string{clean}, exitClean, ""},
		{"critical finding fails at the default level", []string{critical}, exitFindings, ""},
		{"high finding fails at the default level", []string{high}, exitFindings, ""},
		{"high finding passes with --fail-on critical", []string{"--fail-on", "critical", high}, exitClean, ""},
		{"critical finding passes with --fail-on none", []string{"--fail-on", "none", critical}, exitClean, ""},
		{"a note never fails the run", []string{"--fail-on", "low", note}, exitClean, ""},
		{"a broken file alone is a warning, not a failure", []string{broken}, exitClean, ""},
		{"a broken file does not hide a bad one", []string{broken, critical}, exitFindings, ""},
		{"unknown flag", []string{"--frobnicate", clean}, exitError, "unknown flag --frobnicate"},
		{"unknown format", []string{"--format", "xml", clean}, exitError, `unknown --format "xml"`},
		{"unknown fail-on level", []string{"--fail-on", "severe", clean}, exitError, `unknown level "severe"`},
		{"bad size", []string{"--max-file-size", "big", clean}, exitError, `invalid size "big"`},
		{"bad glob", []string{"--include", "[", dir}, exitError, `invalid glob "["`},
		{"missing path", []string{filepath.Join(dir, "nope")}, exitError, "no such file or directory"},
		{"unwritable output", []string{"--output", filepath.Join(dir, "no", "such", "dir.txt"), clean}, exitError, "no such file or directory"},
		{"version", []string{"--version"}, exitClean, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.exit {
				t.Errorf("exit = %d, want %d; stderr: %s", code, tt.exit, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.stderr)
			}
		})
	}
}

// TestBrokenNextToBad checks that a file that cannot be parsed is named in
// a warning while the file next to it is still read: a policy with an
// unknown condition operator, which IAM rejects, is a warning at the
// operator and grants nothing.
func TestBrokenNextToBad(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"testdata/examples/broken"}, &stdout, &stderr)
	want := "warning: testdata/examples/broken/operator-typo.json:9:9: unknown condition operator StringEqual: IAM rejects this policy\n" +
		"warning: testdata/examples/broken/truncated.json:7:7: cannot parse: not valid JSON: unexpected '\"', expected ',' or '}'\n" +
		"0 findings in 2 files, 2 warnings; 0 at or above high\n"
	if code != exitClean || stdout.String() != want {
		t.Errorf("exit %d, output:\n%s\nwant:\n%s", code, stdout.String(), want)
	}
}

// TestOutputFiles checks --output and --sarif write their files and that
// the SARIF written beside text output is the one --format sarif prints.
func TestOutputFiles(t *testing.T) {
	dir := t.TempDir()
	out, sarifFile := filepath.Join(dir, "out.txt"), filepath.Join(dir, "out.sarif")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--output", out, "--sarif", sarifFile, "testdata/examples/policies"}, &stdout, &stderr); code != exitFindings {
		t.Fatalf("exit = %d; stderr: %s", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout should be empty with --output, got %q", stdout.String())
	}
	text, _ := os.ReadFile(out)
	if !strings.Contains(string(text), "testdata/examples/policies/fleet-operator.json:4:5: critical IAM-SSM-1") {
		t.Errorf("text output lacks the finding:\n%s", text)
	}
	written, _ := os.ReadFile(sarifFile)
	var printed bytes.Buffer
	run([]string{"--format", "sarif", "testdata/examples/policies"}, &printed, &stderr)
	if !bytes.Equal(written, printed.Bytes()) {
		t.Error("--sarif file differs from --format sarif output")
	}
}

func TestFlagsAfterPaths(t *testing.T) {
	st, err := parseFlags([]string{"a", "--format", "json", "b", "--include", "**/*.tpl", "--include", "**/*.json"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(st.scan.Paths, " ") != "a b" || st.format != "json" || strings.Join(st.scan.Include, " ") != "**/*.tpl **/*.json" {
		t.Errorf("parsed %+v", st)
	}
}

// TestConfig covers how the exemptions config is found and what a bad one
// does to the run.
func TestConfig(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("admin.json", []byte(`{"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}`), 0o644)
	tests := []struct {
		name, config string // config written to .ssm-guardrails.yml ("" for none)
		args         []string
		exit         int
		out, stderr  string
	}{
		{"no config: the finding fails the run", "", []string{"."}, exitFindings, "1 finding (1 critical) in 1 file; 1 at or above high", ""},
		{"the default config in the working directory exempts", "exemptions:\n  - files: [admin.json]\n    reason: break-glass\n", []string{"."},
			exitClean, "exempted: admin.json:1:16: critical IAM-SSM-1", ""},
		{"a named config that does not exist", "", []string{"--config", "missing.yml", "."}, exitError, "", "missing.yml: cannot read: no such file or directory"},
		{"an entry without a reason stops the run", "exemptions:\n  - files: [admin.json]\n", []string{"."}, exitError, "",
			".ssm-guardrails.yml:2: exemption has no reason: say why this wildcard is accepted"},
		{"an unknown key stops the run", "exemptions:\n  - file: [admin.json]\n    reason: x\n", []string{"."}, exitError, "",
			`.ssm-guardrails.yml:2: unknown key "file" in exemption`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(".ssm-guardrails.yml")
			if tt.config != "" {
				os.WriteFile(".ssm-guardrails.yml", []byte(tt.config), 0o644)
			}
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"--include", "*.json"}, tt.args...), &stdout, &stderr)
			if code != tt.exit || !strings.Contains(stdout.String(), tt.out) || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, stdout:\n%s\nstderr: %s", code, stdout.String(), stderr.String())
			}
		})
	}
}

// TestCategoryFlag: the SARIF carries runAutomationDetails only when
// --category is given, so that upload-sarif's category input applies to
// a log the CLI made.
func TestCategoryFlag(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"--category", "iam/prod"}, `"id": "iam/prod/"`},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"--format", "sarif", "testdata/examples/policies"}, tt.args...)
		if code := run(args, &stdout, &stderr); code != exitFindings {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		has := strings.Contains(stdout.String(), `"automationDetails"`)
		if has != (tt.want != "") || !strings.Contains(stdout.String(), tt.want) {
			t.Errorf("%v: automationDetails present %v, want %q", args, has, tt.want)
		}
	}
}
