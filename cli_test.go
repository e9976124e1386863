package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// TestMain lets a test run the CLI as a process of its own, with real
// standard streams: the test binary is the CLI when mainEnv is set.
// In-process tests write goldenVersion.
func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main()
	}
	version = goldenVersion
	os.Exit(m.Run())
}

const mainEnv = "SSM_GUARDRAILS_TEST_RUN_MAIN"

// process is a CLI run in a process of its own, in dir.
type process struct {
	dir   string
	stdin string
	env   []string
}

func (p process) command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = p.dir
	cmd.Env = append(append(os.Environ(), mainEnv+"=1"), p.env...)
	cmd.Stdin = strings.NewReader(p.stdin)
	return cmd
}

// run runs the CLI with standard output and error piped.
func (p process) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := p.command(t, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// TestCommands runs the subcommands and the help and version flags as a
// user types them: what each prints where, and the exit code.
func TestCommands(t *testing.T) {
	t.Chdir(t.TempDir()) // no file here is named like a command
	rulesList := "IAM-SSM-1  UnscopedSendCommand   critical  " + rules.SendCommand.Short + "\n" +
		"IAM-SSM-2  UnscopedStartSession  high      " + rules.StartSession.Short + "\n"
	usage := "Finds IAM policies that allow ssm:SendCommand or ssm:StartSession on every instance.\n\nUsage:\n"
	again := "\nRun 'ssm-guardrails --help' for usage.\n"
	tests := []struct {
		name   string
		args   []string
		exit   int
		stdout string // the whole of it, or with a trailing "..." its start
		stderr string // the whole of it
	}{
		{"rules", []string{"rules"}, exitClean, rulesList, ""},
		{"rules takes no arguments", []string{"rules", "x"}, exitError, "", "ssm-guardrails: rules takes no arguments" + again},
		{"explain by id", []string{"explain", "IAM-SSM-2"}, exitClean, rules.StartSession.Help() + "\n", ""},
		{"explain by id in lower case", []string{"explain", "iam-ssm-1"}, exitClean, rules.SendCommand.Help() + "\n", ""},
		{"explain by name", []string{"explain", "UnscopedStartSession"}, exitClean, rules.StartSession.Help() + "\n", ""},
		{"explain a mistyped id", []string{"explain", "IAM-SSM1"}, exitError, "", `ssm-guardrails: unknown rule "IAM-SSM1": did you mean IAM-SSM-1?` + again},
		{"explain an unknown id", []string{"explain", "IAM-SSM-3"}, exitError, "", `ssm-guardrails: unknown rule "IAM-SSM-3": use IAM-SSM-1, IAM-SSM-2` + again},
		{"explain without a rule", []string{"explain"}, exitError, "", "ssm-guardrails: explain takes one rule: IAM-SSM-1, IAM-SSM-2" + again},
		{"version", []string{"version"}, exitClean, "ssm-guardrails " + version + "\n", ""},
		{"--version", []string{"--version"}, exitClean, "ssm-guardrails " + version + "\n", ""},
		{"-version after a path", []string{".", "-version"}, exitClean, "ssm-guardrails " + version + "\n", ""},
		{"help", []string{"help"}, exitClean, usage + "...", ""},
		{"-h", []string{"-h"}, exitClean, usage + "...", ""},
		{"--help", []string{"--help"}, exitClean, usage + "...", ""},
		{"--help after flags and paths", []string{"--format", "json", ".", "--help"}, exitClean, usage + "...", ""},
		{"a command's --help", []string{"explain", "--help"}, exitClean, usage + "...", ""},
		{"a mistyped command", []string{"rule"}, exitError, "", `ssm-guardrails: "rule" is not a command, file or directory: did you mean "rules"?` + again},
		{"a command with letters swapped", []string{"explian", "IAM-SSM-1"}, exitError, "", `ssm-guardrails: "explian" is not a command, file or directory: did you mean "explain"?` + again},
		{"a word like no command is a path", []string{"policies"}, exitError, "", "ssm-guardrails: cannot scan policies: no such file or directory\n"},
		{"a mistyped flag is reported once", []string{"--formt", "json", "."}, exitError, "", "ssm-guardrails: unknown flag --formt: did you mean --format?" + again},
		{"a mistyped flag with one dash", []string{"-fail-of", "none"}, exitError, "", "ssm-guardrails: unknown flag --fail-of: did you mean --fail-on?" + again},
		{"an unknown flag", []string{"--frobnicate"}, exitError, "", "ssm-guardrails: unknown flag --frobnicate" + again},
		{"a flag without its value", []string{"--format"}, exitError, "", "ssm-guardrails: flag needs an argument: -format" + again},
		{"an unknown --color", []string{"--color", "maybe", "."}, exitError, "", `ssm-guardrails: unknown --color "maybe": use auto, always or never` + again},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.exit {
				t.Errorf("exit = %d, want %d", code, tt.exit)
			}
			if want, prefix := strings.CutSuffix(tt.stdout, "..."); prefix && !strings.HasPrefix(stdout.String(), want) || !prefix && stdout.String() != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), tt.stdout)
			}
			if stderr.String() != tt.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), tt.stderr)
			}
		})
	}
}

// TestUsage checks that the help lists every command and every flag, in
// the form users type them.
func TestUsage(t *testing.T) {
	var stdout bytes.Buffer
	run([]string{"help"}, &stdout, &bytes.Buffer{})
	help := stdout.String()
	for _, c := range commands() {
		if !strings.Contains(help, "  ssm-guardrails "+c.name) {
			t.Errorf("the help does not list the %s command", c.name)
		}
	}
	for _, want := range []string{"  --format FORMAT\n", "  --include GLOB\n", "  --sarif-suppressed\n", "(default high)", "\nExit status: "} {
		if !strings.Contains(help, want) {
			t.Errorf("the help lacks %q:\n%s", want, help)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"rules", "explain", "version", "help", "action"}
	tests := []struct{ word, want string }{
		{"rule", "rules"},
		{"ruels", "rules"},
		{"Explain", "explain"},
		{"explian", "explain"},
		{"verison", "version"},
		{"vers", "version"},
		{"hlep", "help"},
		{"hepl", "help"},
		{"halp", "help"},
		{"src", ""},
		{"policies", ""},
		{"he", ""},
		{"actoin", "action"},
	}
	for _, tt := range tests {
		if got := suggest(tt.word, names); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if got := suggest("IAM-SSM-3", []string{"IAM-SSM-1", "IAM-SSM-2"}); got != "" {
		t.Errorf("two equally close candidates: suggested %q", got)
	}
}

// TestStdinPath pipes a policy to the CLI: "-" reads it, --stdin-name
// names it in the output and for the exemptions config, as an editor or a
// pre-commit hook runs the tool.
func TestStdinPath(t *testing.T) {
	const policy = `{"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}`
	repo := testkit.WriteTree(t, map[string]string{
		".git/HEAD":           "",
		".ssm-guardrails.yml": "exemptions:\n  - files: [policies/admin.json]\n    reason: break-glass\n",
		"policies/x":          "",
	})
	tests := []struct {
		name   string
		dir    string
		args   []string
		exit   int
		stdout string
		stderr string
	}{
		{"shown as <stdin>", "policies", []string{"-"}, exitFindings,
			"<stdin>:1:16: critical IAM-SSM-1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action \"ssm:SendCommand\", Resource \"*\"): no Condition\n" +
				"warning: ../.ssm-guardrails.yml:2: exemption matched no finding; remove it if the role is gone (break-glass)\n" +
				"config: ../.ssm-guardrails.yml\n1 finding (1 critical) in 1 file, 1 warning; 1 at or above high\n", ""},
		{"named, and exempted by the config found from the name", ".", []string{"--stdin-name", "policies/admin.json", "-"}, exitClean,
			"exempted: policies/admin.json:1:16: critical IAM-SSM-1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action \"ssm:SendCommand\", Resource \"*\"): no Condition; reason: \"break-glass\" (.ssm-guardrails.yml:2)\n" +
				"config: .ssm-guardrails.yml\n0 findings in 1 file, 1 exempted; 0 at or above high\n", ""},
		{"in JSON", "policies", []string{"--stdin-name", "admin.json", "--format", "json", "-"}, exitClean, `"file": "admin.json"`, ""},
		{"--stdin-name without -", ".", []string{"--stdin-name", "a.json", "policies"}, exitError, "",
			"ssm-guardrails: --stdin-name names standard input: give \"-\" as a PATH\nRun 'ssm-guardrails --help' for usage.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := process{dir: filepath.Join(repo, tt.dir), stdin: policy}.run(t, tt.args...)
			if code != tt.exit || !strings.Contains(stdout, tt.stdout) || stderr != tt.stderr {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s\nwant:\n%s", code, tt.exit, stdout, tt.stdout, stderr, tt.stderr)
			}
		})
	}
}

// TestUnselectedHint scans the real-world corpus with the default globs:
// the policies saved as .tpl or without an extension are counted in one
// line at the end of the text output, and nowhere else.
func TestUnselectedHint(t *testing.T) {
	corpus := filepath.Join(testkit.SharedDir(t), "corpus")
	if _, err := os.Stat(filepath.Join(corpus, "realworld")); err != nil {
		t.Skip("no ../shared/corpus/realworld beside the clone")
	}
	t.Chdir(corpus)
	const hint = "24 files not selected by --include hold IAM policies, e.g. realworld/003-bkc1-startssh-policy.tpl; add --include '**/*' to scan them\n"
	tests := []struct {
		args     []string
		withHint bool
	}{
		{[]string{"realworld"}, true},
		{[]string{"--quiet", "realworld"}, false},
		{[]string{"--include", "**/*", "realworld"}, false},
		{[]string{"--format", "json", "realworld"}, false},
	}
	for _, tt := range tests {
		var stdout bytes.Buffer
		run(tt.args, &stdout, &bytes.Buffer{})
		if got := strings.HasSuffix(stdout.String(), hint); got != tt.withHint || strings.Count(stdout.String(), "not selected by --include") != map[bool]int{true: 1}[tt.withHint] {
			t.Errorf("%q: hint %v, want %v:\n%s", tt.args, got, tt.withHint, stdout.String())
		}
	}
}
