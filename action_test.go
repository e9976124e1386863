package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sethvargo/go-githubactions"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
	"go.yaml.in/yaml/v3"
)

// These tests run the action as the runner runs a Docker action: the
// binary built from this package, the command line made of the
// Dockerfile's ENTRYPOINT and action.yml's args, the working directory a
// workspace of fixture files, INPUT_* for every input action.yml declares
// (with its default unless a test sets it), the runner's GITHUB_* variables
// and files, and an httptest stand-in for the GitHub API on 127.0.0.1.

const (
	testVersion = "9.9.9-e2e"
	testToken   = "ghs_e2eSecretTokenValue0123456789abcdef"
	testRepo    = "octo/guardrails-demo"
	testSHA     = "4b6472266afd7b471e86085a6659e8c7f2b119da"
	testRef     = "refs/pull/42/merge"
	testBaseSHA = "1111111111111111111111111111111111111111"
	testHeadSHA = "2222222222222222222222222222222222222222"
)

// actionMeta is the part of action.yml these tests read.
type actionMeta struct {
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
	} `yaml:"outputs"`
	Runs struct {
		Using string   `yaml:"using"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
	} `yaml:"runs"`
}

func readActionMeta(t *testing.T) actionMeta {
	t.Helper()
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m actionMeta
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return m
}

// dockerInstr is one instruction of the Dockerfile.
type dockerInstr struct{ op, args string }

// readDockerfile splits a Dockerfile into stages of instructions.
func readDockerfile(t *testing.T, path string) [][]dockerInstr {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]dockerInstr
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		op, args, _ := strings.Cut(line, " ")
		op = strings.ToUpper(op)
		if op == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			if op != "ARG" {
				t.Fatalf("%s: %s before FROM", path, op)
			}
			continue
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], dockerInstr{op, strings.TrimSpace(args)})
	}
	if len(stages) == 0 {
		t.Fatalf("%s has no FROM", path)
	}
	return stages
}

// commandLine is what the runner executes: the final stage's ENTRYPOINT
// (exec form) followed by action.yml's args, with the binary standing in
// for the path the image copies it to.
func commandLine(t *testing.T, bin string) []string {
	t.Helper()
	stages := readDockerfile(t, "Dockerfile")
	final := stages[len(stages)-1]
	var entry []string
	for _, in := range final {
		if in.op == "ENTRYPOINT" {
			if err := json.Unmarshal([]byte(in.args), &entry); err != nil || len(entry) == 0 {
				t.Fatalf("ENTRYPOINT %s is not in exec form: %v", in.args, err)
			}
		}
	}
	if len(entry) == 0 {
		t.Fatal("the final stage has no ENTRYPOINT")
	}
	meta := readActionMeta(t)
	if meta.Runs.Using != "docker" || meta.Runs.Image != "Dockerfile" {
		t.Fatalf("runs: using %q, image %q; want docker and Dockerfile", meta.Runs.Using, meta.Runs.Image)
	}
	for _, a := range meta.Runs.Args {
		if strings.Contains(a, "${{") {
			t.Fatalf("action.yml args %q holds an expression this test does not evaluate", a)
		}
	}
	return append(append([]string{bin}, entry[1:]...), meta.Runs.Args...)
}

// inputEnv is INPUT_<NAME> for every declared input, as the runner names
// it (upper case, spaces to underscores, hyphens kept), set to the
// default unless overrides says otherwise.
func inputEnv(t *testing.T, overrides map[string]string) []string {
	t.Helper()
	meta := readActionMeta(t)
	for name := range overrides {
		if _, ok := meta.Inputs[name]; !ok {
			t.Fatalf("test sets undeclared input %q", name)
		}
	}
	var env []string
	for name, in := range meta.Inputs {
		v := ""
		if in.Default != nil {
			v = evalDefault(t, *in.Default)
		}
		if o, ok := overrides[name]; ok {
			v = o
		}
		env = append(env, "INPUT_"+strings.ToUpper(strings.ReplaceAll(name, " ", "_"))+"="+v)
	}
	return env
}

// evalDefault evaluates the one expression action.yml's defaults use.
func evalDefault(t *testing.T, v string) string {
	if v == "${{ github.token }}" {
		return testToken
	}
	if strings.Contains(v, "${{") {
		t.Fatalf("default %q holds an expression this test does not evaluate", v)
	}
	return v
}

var buildOnce struct {
	sync.Once
	bin string
	err error
}

// binary builds the command once per test run, with its version set
// through -ldflags as the Dockerfile sets it.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ssm-guardrails-e2e")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.bin = filepath.Join(dir, "ssm-guardrails")
		out, err := exec.Command("go", "build", "-o", buildOnce.bin, "-ldflags", "-X main.version="+testVersion, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.bin
}

const uploadPath = "/repos/" + testRepo + "/code-scanning/sarifs"

var (
	accepted = testkit.Reply{Status: 202, Body: `{"id":"6c8bb0a2-sarif","url":"https://api.github.com/x"}`}
	complete = testkit.Reply{Status: 200, Body: `{"processing_status":"complete","analyses_url":"https://api.github.com/y"}`}
)

// contentsReply is the contents API's answer for a file.
func contentsReply(content string) testkit.Reply {
	return testkit.Reply{Status: 200, Body: `{"type":"file","encoding":"base64","content":"` + base64.StdEncoding.EncodeToString([]byte(content)) + `"}`}
}

// codeScanning is a stand-in API that answers uploads with uploads (in
// turn, the last repeating) and each status request with status.
func codeScanning(status testkit.Reply, uploads ...testkit.Reply) *testkit.FakeGitHub {
	return new(testkit.FakeGitHub).On("POST", uploadPath, uploads...).On("GET", uploadPath+"/", status)
}

// actionResult is one run of the binary and what it left behind.
type actionResult struct {
	code           int
	stdout, stderr string
	commands       []runnerCommand // what the runner would run, stdout's
	outputs        map[string]string
	summary        string
	workspace      string
}

// actionCase is a run of the action: the workspace's files, the inputs
// that differ from action.yml's defaults, and the workflow around it.
type actionCase struct {
	files  map[string]string
	inputs map[string]string
	// env overrides the GITHUB_* variables; an empty value unsets one.
	env map[string]string
	// event is the event payload; empty means a pull_request payload for
	// pull request 42 with base commit testBaseSHA.
	event string
	// prepare runs on the workspace before the action: a git checkout,
	// links.
	prepare func(t *testing.T, ws string)
}

// runActionE2E runs the action over files (path -> content) with the given
// input overrides against api, on a pull_request.
func runActionE2E(t *testing.T, files map[string]string, inputs map[string]string, api *testkit.FakeGitHub) actionResult {
	t.Helper()
	return runCase(t, actionCase{files: files, inputs: inputs}, api)
}

// runCase runs the binary as the runner runs the action, and reads what
// it left as the runner reads it: commands from stdout and stderr (any
// interleaving; a command on stderr fails the test), outputs from
// GITHUB_OUTPUT, the summary from GITHUB_STEP_SUMMARY.
func runCase(t *testing.T, c actionCase, api *testkit.FakeGitHub) actionResult {
	t.Helper()
	bin := binary(t)
	ws := testkit.WriteTree(t, c.files)
	if c.prepare != nil {
		c.prepare(t, ws)
	}
	// The runner's files live outside the workspace.
	runnerDir := t.TempDir()
	outputFile := filepath.Join(runnerDir, "set_output")
	summaryFile := filepath.Join(runnerDir, "step_summary")
	eventFile := filepath.Join(runnerDir, "event.json")
	event := cmp.Or(c.event, `{"number":42,"pull_request":{"number":42,"base":{"sha":"`+testBaseSHA+`"},"head":{"sha":"`+testHeadSHA+`"}}}`)
	for f, content := range map[string]string{outputFile: "", summaryFile: "", eventFile: event} {
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	apiURL := api.Start(t)

	args := commandLine(t, bin)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = ws
	env := map[string]string{
		"CI":                  "true",
		"GITHUB_ACTIONS":      "true",
		"HOME":                runnerDir,
		"GITHUB_WORKSPACE":    ws,
		"GITHUB_REPOSITORY":   testRepo,
		"GITHUB_SHA":          testSHA,
		"GITHUB_REF":          testRef,
		"GITHUB_EVENT_NAME":   "pull_request",
		"GITHUB_EVENT_PATH":   eventFile,
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_API_URL":      apiURL,
		"GITHUB_OUTPUT":       outputFile,
		"GITHUB_STEP_SUMMARY": summaryFile,
	}
	maps.Copy(env, c.env)
	for k, v := range env {
		if v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Env = append(cmd.Env, inputEnv(t, c.inputs)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	res := actionResult{code: code, stdout: stdout.String(), stderr: stderr.String(), workspace: ws}
	var violations []runnerCommand
	res.commands, violations = runnerCommands(res.stdout, res.stderr)
	for _, v := range violations {
		t.Errorf("stderr line the runner would run as %s: %q", v.Name, v.Line)
	}
	res.outputs = parseOutputs(t, outputFile)
	summary, err := os.ReadFile(summaryFile)
	if err != nil {
		t.Fatal(err)
	}
	res.summary = string(summary)
	checkTokenNeverLogged(t, res)
	return res
}

// parseOutputs reads a GITHUB_OUTPUT file as the runner does
// (FileCommandManager.cs, EnvFileKeyValuePairs): NAME=VALUE lines, and
// NAME<<DELIMITER blocks that end at a line that is the delimiter.
func parseOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		eq, heredoc := strings.Index(line, "="), strings.Index(line, "<<")
		switch {
		case line == "":
		case eq >= 0 && (heredoc < 0 || eq < heredoc):
			out[line[:eq]] = line[eq+1:]
		case heredoc > 0 && heredoc+2 < len(line):
			name, delim := line[:heredoc], line[heredoc+2:]
			var value []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				value = append(value, lines[i])
			}
			if i == len(lines) {
				t.Fatalf("GITHUB_OUTPUT: no delimiter %q after %s", delim, name)
			}
			out[name] = strings.Join(value, "\n")
		default:
			t.Fatalf("GITHUB_OUTPUT line %q", line)
		}
	}
	return out
}

// checkTokenNeverLogged: the token is masked first, and the mask command,
// which the runner consumes instead of printing, is the only place it
// appears in the step's output.
func checkTokenNeverLogged(t *testing.T, res actionResult) {
	t.Helper()
	mask := "::add-mask::" + testToken + "\n"
	if !strings.HasPrefix(res.stdout, mask) {
		t.Errorf("stdout does not start with the token's mask:\n%.300s", res.stdout)
	}
	if strings.Contains(strings.TrimPrefix(res.stdout, mask), testToken) || strings.Contains(res.stderr, testToken) {
		t.Error("the token appears in the log")
	}
	if strings.Contains(res.summary, testToken) || slices.ContainsFunc(slices.Collect(maps.Values(res.outputs)), func(v string) bool { return strings.Contains(v, testToken) }) {
		t.Error("the token appears in the summary or outputs")
	}
}

// The fixtures: a critical finding (SendCommand on "*"), a high one
// (StartSession on "*", in a CloudFormation role), a file that cannot be
// parsed, and a policy scoped by tag that is clean.
const (
	criticalPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "RunAnything",
      "Effect": "Allow",
      "Action": "ssm:SendCommand",
      "Resource": "*"
    }
  ]
}
`
	highTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  SupportRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: ec2.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: sessions
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ssm:StartSession
                Resource: "*"
`
	brokenPolicy = "{\n  \"Statement\": [\n"
	scopedPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "ssm:SendCommand",
      "Resource": "arn:aws:ec2:*:*:instance/*",
      "Condition": { "StringEquals": { "ssm:resourceTag/team": "${aws:PrincipalTag/team}" } }
    }
  ]
}
`
)

var findingFiles = map[string]string{
	"policies/deploy.json":   criticalPolicy,
	"templates/support.yaml": highTemplate,
	"policies/broken.json":   brokenPolicy,
	"policies/scoped.json":   scopedPolicy,
}

// sarifLog is the part of a SARIF log these tests check.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name            string `json:"name"`
				SemanticVersion string `json:"semanticVersion"`
			} `json:"driver"`
		} `json:"tool"`
		Results *[]struct {
			RuleID    string `json:"ruleId"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, data []byte) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 || log.Runs[0].Results == nil {
		t.Fatalf("not a SARIF log with one run and a results array (%v):\n%.500s", err, data)
	}
	return log
}

// decodeUpload checks the POST's headers and returns its fields and the
// SARIF log it carried (base64, then gunzip).
func decodeUpload(t *testing.T, req testkit.Request) (map[string]string, []byte) {
	t.Helper()
	if got := req.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization header %q", got)
	}
	if got := req.Header.Get("Accept"); got != "application/vnd.github+json" {
		t.Errorf("Accept header %q", got)
	}
	if got := req.Header.Get("User-Agent"); got != "ssm-guardrails/"+testVersion {
		t.Errorf("User-Agent %q", got)
	}
	var body map[string]string
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatalf("upload body: %v", err)
	}
	gz, err := base64.StdEncoding.DecodeString(body["sarif"])
	if err != nil {
		t.Fatalf("sarif field is not base64: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("sarif field is not gzip: %v", err)
	}
	log, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return body, log
}

// annotations are the annotation commands the runner acts on, as the
// lines the action wrote.
func annotations(res actionResult) []string {
	var out []string
	for _, c := range res.commands {
		switch c.Name {
		case "error", "warning", "notice":
			out = append(out, c.Line)
		}
	}
	return out
}

func TestActionFindingsUploadAnnotationsSummary(t *testing.T) {
	api := codeScanning(complete, accepted)
	res := runActionE2E(t, findingFiles, nil, api)
	if res.code != exitFindings {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, exitFindings, res.stdout, res.stderr)
	}

	// The SARIF file: written at the default path, paths relative to the workspace.
	onDisk, err := os.ReadFile(filepath.Join(res.workspace, "ssm-guardrails.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	log := parseSARIF(t, onDisk)
	// The action always sets its category, whatever the CLI's default.
	if !bytes.Contains(onDisk, []byte(`"automationDetails": {`+"\n"+`        "id": "ssm-guardrails/"`)) {
		t.Error("the action's SARIF has no runAutomationDetails for its category")
	}
	if d := log.Runs[0].Tool.Driver; d.Name != "ssm-guardrails" || d.SemanticVersion != testVersion {
		t.Errorf("driver %+v: the version set by -ldflags should reach the SARIF", d)
	}
	var got []string
	for _, r := range *log.Runs[0].Results {
		got = append(got, r.RuleID+" "+r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	}
	if want := []string{"IAM-SSM-1 policies/deploy.json", "IAM-SSM-2 templates/support.yaml"}; !slices.Equal(got, want) {
		t.Errorf("SARIF results %q, want %q", got, want)
	}

	// The upload: one POST carrying exactly that file, for the commit and ref.
	posts := api.Requests("POST")
	if len(posts) != 1 {
		t.Fatalf("%d uploads, want 1", len(posts))
	}
	body, uploaded := decodeUpload(t, posts[0])
	if !bytes.Equal(uploaded, onDisk) {
		t.Error("the uploaded SARIF differs from the file written")
	}
	for k, want := range map[string]string{
		"commit_sha":   testSHA,
		"ref":          testRef,
		"tool_name":    "ssm-guardrails",
		"checkout_uri": "file://" + filepath.ToSlash(res.workspace),
	} {
		if body[k] != want {
			t.Errorf("upload %s = %q, want %q", k, body[k], want)
		}
	}
	if started, err := time.Parse(time.RFC3339, body["started_at"]); err != nil || time.Since(started) > time.Hour {
		t.Errorf("started_at %q: %v", body["started_at"], err)
	}
	// wait-for-processing polled the upload's status.
	all := api.Requests("")
	if last := all[len(all)-1]; last.Method != "GET" || last.Path != uploadPath+"/6c8bb0a2-sarif" {
		t.Errorf("last request %s %s, want the status poll", last.Method, last.Path)
	}

	// Outputs.
	for k, want := range map[string]string{"sarif-file": "ssm-guardrails.sarif", "findings": "2", "sarif-id": "6c8bb0a2-sarif"} {
		if res.outputs[k] != want {
			t.Errorf("output %s = %q, want %q (all: %v)", k, res.outputs[k], want, res.outputs)
		}
	}

	// Annotations: errors most severe first, then the unreadable file;
	// multi-line statements carry lines only.
	anns := annotations(res)
	wantAnns := []string{
		"::error endLine=9,file=policies/deploy.json,line=4,title=IAM-SSM-1 UnscopedSendCommand::",
		"::error endLine=19,file=templates/support.yaml,line=17,title=IAM-SSM-2 UnscopedStartSession::",
		"::warning col=1,file=policies/broken.json,line=3,title=ssm-guardrails warning::",
	}
	if len(anns) != len(wantAnns) {
		t.Fatalf("annotations:\n%s\nwant %d", strings.Join(anns, "\n"), len(wantAnns))
	}
	for i, want := range wantAnns {
		if !strings.HasPrefix(anns[i], want) {
			t.Errorf("annotation %d:\n%s\nwant prefix\n%s", i, anns[i], want)
		}
	}
	if !strings.Contains(anns[0], "ssm:SendCommand") || !strings.Contains(anns[1], "resource SupportRole (AWS::IAM::Role)") {
		t.Errorf("annotation messages: %q", anns[:2])
	}

	// The text report is in the log, with workflow commands off around it.
	stop := regexp.MustCompile(`(?m)^::stop-commands::(\w+)$`).FindStringSubmatch(res.stdout)
	if stop == nil {
		t.Fatal("no ::stop-commands:: before the text report")
	}
	report, _, ok := strings.Cut(strings.SplitN(res.stdout, stop[0]+"\n", 2)[1], "::"+stop[1]+"::\n")
	if !ok || !strings.Contains(report, "policies/deploy.json:4:5: critical IAM-SSM-1") || !strings.Contains(report, "2 findings") {
		t.Errorf("text report between stop-commands and its resume:\n%s", report)
	}

	// The job summary.
	for _, want := range []string{
		"**2 findings at or above high** (fail-on): 1 IAM-SSM-1, 1 IAM-SSM-2.\n\n4 files scanned, 1 warning.",
		"UnscopedSendCommand | critical | 1 | 0 |",
		"[policies/deploy.json:4](https://github.com/" + testRepo + "/blob/" + testSHA + "/policies/deploy.json#L4-L9) | sid RunAnything |",
		"[templates/support.yaml:17](https://github.com/" + testRepo + "/blob/" + testSHA + "/templates/support.yaml#L17-L19) | resource SupportRole (AWS::IAM::Role), policy sessions |",
		"### Warnings\n\nFiles that were skipped or could not be parsed, and exemptions that expired or matched nothing.\n\n- policies/broken.json:3:1: cannot parse",
		"**Code scanning:** uploaded and processed for refs/pull/42/merge at " + testSHA + " (SARIF id 6c8bb0a2-sarif).",
	} {
		if !strings.Contains(res.summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, res.summary)
		}
	}
}

func TestActionUploadForbiddenIsAWarning(t *testing.T) {
	api := codeScanning(complete, testkit.Reply{Status: 403, Body: `{"message":"Resource not accessible by integration"}`})
	res := runActionE2E(t, findingFiles, nil, api)
	// The findings decide the exit code; the upload's 403 does not.
	if res.code != exitFindings {
		t.Fatalf("exit %d, want %d\n%s%s", res.code, exitFindings, res.stdout, res.stderr)
	}
	if n := len(api.Requests("POST")); n != 1 {
		t.Errorf("%d POSTs: a 403 must not be retried", n)
	}
	var warning string
	for _, a := range annotations(res) {
		if strings.HasPrefix(a, "::warning title=Code scanning upload skipped::") {
			warning = a
		}
	}
	for _, want := range []string{"403 Forbidden", "Resource not accessible by integration", "enable code scanning",
		"Advanced Security", "security-events: write", "forks get a read-only token", "upload: false"} {
		if !strings.Contains(warning, want) {
			t.Errorf("warning lacks %q: %q", want, warning)
		}
	}
	if _, err := os.Stat(filepath.Join(res.workspace, "ssm-guardrails.sarif")); err != nil {
		t.Error("SARIF file not written:", err)
	}
	if len(annotations(res)) != 4 || res.outputs["findings"] != "2" || res.outputs["sarif-id"] != "" {
		t.Errorf("annotations %q, outputs %v", annotations(res), res.outputs)
	}
	if !strings.Contains(res.summary, "**Code scanning:** not uploaded (403 Forbidden)") || !strings.Contains(res.summary, "IAM-SSM-1") {
		t.Errorf("summary:\n%s", res.summary)
	}
}

func TestActionRetriesABadGateway(t *testing.T) {
	// Retry-After: 0 keeps the test fast; the backoff itself is tested in sarif.
	api := codeScanning(complete, testkit.Reply{Status: 502, Body: "<html>bad gateway</html>", Headers: map[string]string{"Retry-After": "0"}}, accepted)
	res := runActionE2E(t, findingFiles, nil, api)
	if res.code != exitFindings {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	posts := api.Requests("POST")
	if len(posts) != 2 {
		t.Fatalf("%d POSTs, want the 502 and its retry", len(posts))
	}
	if !bytes.Equal(posts[0].Body, posts[1].Body) {
		t.Error("the retry sent a different body")
	}
	if !strings.Contains(res.stdout, "502 Bad Gateway") || !strings.Contains(res.stdout, "retrying in 0s") {
		t.Errorf("the log does not tell of the retry:\n%s", res.stdout)
	}
	if res.outputs["sarif-id"] != "6c8bb0a2-sarif" {
		t.Errorf("outputs %v", res.outputs)
	}
}

func TestActionFailsOnARejectedUpload(t *testing.T) {
	api := codeScanning(complete, testkit.Reply{Status: 400, Body: `{"message":"Invalid request: sarif is not valid"}`})
	res := runActionE2E(t, findingFiles, nil, api)
	if res.code != exitError {
		t.Fatalf("exit %d, want %d\n%s%s", res.code, exitError, res.stdout, res.stderr)
	}
	if n := len(api.Requests("POST")); n != 1 {
		t.Errorf("%d POSTs: a 400 must not be retried", n)
	}
	if !strings.Contains(res.stdout, "::error title=Code scanning upload failed::") || !strings.Contains(res.stdout, "sarif is not valid") {
		t.Errorf("no clear error:\n%s", res.stdout)
	}
	// Everything before the upload is still there.
	if _, err := os.Stat(filepath.Join(res.workspace, "ssm-guardrails.sarif")); err != nil {
		t.Error("SARIF file not written:", err)
	}
	if !strings.HasPrefix(annotations(res)[0], "::error endLine=9,file=policies/deploy.json") || res.outputs["findings"] != "2" {
		t.Errorf("annotations or outputs missing: %v", res.outputs)
	}
	if !strings.Contains(res.summary, "IAM-SSM-1") || !strings.Contains(res.summary, "**Code scanning:** upload failed") {
		t.Errorf("summary:\n%s", res.summary)
	}
}

func TestActionReportsProcessingErrors(t *testing.T) {
	api := codeScanning(testkit.Reply{Status: 200, Body: `{"processing_status":"failed","errors":["locationFromSarifResult: expected artifact location"]}`}, accepted)
	res := runActionE2E(t, findingFiles, nil, api)
	if res.code != exitError || !strings.Contains(res.stdout, "expected artifact location") {
		t.Fatalf("exit %d\n%s", res.code, res.stdout)
	}
}

func TestActionCleanTreeStillUploads(t *testing.T) {
	api := codeScanning(complete, accepted)
	res := runActionE2E(t, map[string]string{"policies/scoped.json": scopedPolicy}, nil, api)
	if res.code != exitClean {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	posts := api.Requests("POST")
	if len(posts) != 1 {
		t.Fatalf("%d uploads: a clean tree must upload too, to close fixed alerts", len(posts))
	}
	_, uploaded := decodeUpload(t, posts[0])
	if log := parseSARIF(t, uploaded); len(*log.Runs[0].Results) != 0 {
		t.Errorf("results %v, want none", *log.Runs[0].Results)
	}
	if !regexp.MustCompile(`"results":\s*\[\]`).Match(uploaded) {
		t.Error(`the uploaded log does not say "results": []`)
	}
	if anns := annotations(res); len(anns) != 0 {
		t.Errorf("annotations on a clean tree: %q", anns)
	}
	if res.outputs["findings"] != "0" || res.outputs["sarif-id"] != "6c8bb0a2-sarif" {
		t.Errorf("outputs %v", res.outputs)
	}
	if !strings.Contains(res.summary, "**No findings.**\n\n1 file scanned.") {
		t.Errorf("summary:\n%s", res.summary)
	}
}

func TestActionCapsAnnotations(t *testing.T) {
	files := map[string]string{}
	for i := range 60 {
		files[fmt.Sprintf("policies/p%02d.json", i)] = criticalPolicy
	}
	api := new(testkit.FakeGitHub)
	res := runActionE2E(t, files, map[string]string{"upload": "false", "paths": "policies\n"}, api)
	if res.code != exitFindings {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if len(api.Requests("")) != 0 {
		t.Errorf("upload: false still sent %d requests", len(api.Requests("")))
	}
	anns := annotations(res)
	if len(anns) != 11 {
		t.Fatalf("%d annotations, want 10 errors and one notice:\n%s", len(anns), strings.Join(anns, "\n"))
	}
	for i, a := range anns[:10] {
		if want := fmt.Sprintf("::error endLine=9,file=policies/p%02d.json,line=4,", i); !strings.HasPrefix(a, want) {
			t.Errorf("annotation %d = %q, want prefix %q", i, a, want)
		}
	}
	if !strings.HasPrefix(anns[10], "::notice ") || !strings.Contains(anns[10], "50 more findings not annotated") || !strings.Contains(anns[10], "job summary") {
		t.Errorf("last annotation %q", anns[10])
	}
	if n := strings.Count(res.summary, "| Allow grants ssm:SendCommand on all EC2 and managed instances (Action \"ssm:SendCommand\", Resource \"\\*\"): no Condition | [policies/p"); n != 60 {
		t.Errorf("summary lists %d findings, want all 60", n)
	}
	if res.outputs["findings"] != "60" || res.outputs["sarif-file"] != "ssm-guardrails.sarif" {
		t.Errorf("outputs %v", res.outputs)
	}
}

func TestActionInputErrors(t *testing.T) {
	api := new(testkit.FakeGitHub)
	res := runActionE2E(t, findingFiles, map[string]string{"fail-on": "severe", "upload": "yes"}, api)
	if res.code != exitError {
		t.Fatalf("exit %d, want %d", res.code, exitError)
	}
	if !strings.Contains(res.stdout, "::error::input fail-on: unknown level") || !strings.Contains(res.stdout, `input upload: "yes" is not true or false`) {
		t.Errorf("stdout:\n%s", res.stdout)
	}
	if _, err := os.Stat(filepath.Join(res.workspace, "ssm-guardrails.sarif")); err == nil {
		t.Error("a run with bad inputs wrote a SARIF file")
	}
}

// TestActionInputsMatchActionYML: every input action.yml declares is read
// by action mode, every input action mode reads is declared, and each has
// a description and a default that action mode applies the same way.
func TestActionInputsMatchActionYML(t *testing.T) {
	meta := readActionMeta(t)
	var declared []string
	for name, in := range meta.Inputs {
		declared = append(declared, name)
		if in.Description == "" || in.Default == nil {
			t.Errorf("input %s needs a description and a default", name)
			continue
		}
		want := *in.Default
		if strings.Contains(want, "${{") {
			want = "" // only the runner can evaluate it
		}
		if got, ok := inputDefaults[name]; !ok || got != want {
			t.Errorf("input %s: action.yml's default %q, action mode's %q", name, *in.Default, got)
		}
	}
	for name := range inputDefaults {
		if _, ok := meta.Inputs[name]; !ok {
			t.Errorf("action mode has a default for undeclared input %s", name)
		}
	}
	slices.Sort(declared)

	env := map[string]string{"GITHUB_REPOSITORY": testRepo, "GITHUB_SHA": testSHA, "GITHUB_REF": testRef, "GITHUB_WORKSPACE": t.TempDir()}
	for _, kv := range inputEnv(t, nil) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	getenv := func(k string) string { return env[k] }
	in := &inputs{gh: githubactions.New(githubactions.WithWriter(io.Discard), githubactions.WithGetenv(getenv))}
	if _, err := readAction(in, getenv); err != nil {
		t.Fatalf("the defaults do not make a valid run: %v", err)
	}
	read := slices.Clone(in.read)
	slices.Sort(read)
	read = slices.Compact(read)
	if !slices.Equal(read, declared) {
		t.Errorf("inputs read %q\ninputs declared %q", read, declared)
	}

	// The record is complete only if inputs.get is the one way in: no
	// other code of the command calls GetInput.
	for _, call := range callsIn(t, "GetInput") {
		if call.fn != "get" {
			t.Errorf("%s: GetInput called outside inputs.get", call.pos)
		}
	}

	// Outputs: every declared output is set, and only those.
	var set []string
	for _, call := range callsIn(t, "setOutput") {
		name, err := strconv.Unquote(call.firstArg)
		if err != nil {
			t.Fatalf("%s: setOutput with a name that is not a literal", call.pos)
		}
		set = append(set, name)
	}
	slices.Sort(set)
	set = slices.Compact(set)
	var outputs []string
	for name, out := range meta.Outputs {
		outputs = append(outputs, name)
		if out.Description == "" {
			t.Errorf("output %s needs a description", name)
		}
	}
	slices.Sort(outputs)
	if !slices.Equal(set, outputs) {
		t.Errorf("outputs set %q\noutputs declared %q", set, outputs)
	}
}

type call struct {
	pos      string
	fn       string // the function the call is in
	firstArg string // its source text
}

// callsIn finds the calls of a method or function named name in the
// command's non-test sources.
func callsIn(t *testing.T, name string) []call {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var calls []call
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				ce, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var callee string
				switch fn := ce.Fun.(type) {
				case *ast.SelectorExpr:
					callee = fn.Sel.Name
				case *ast.Ident:
					callee = fn.Name
				}
				if callee == name {
					c := call{pos: fset.Position(ce.Pos()).String(), fn: fd.Name.Name}
					if len(ce.Args) > 0 {
						c.firstArg = string(src[fset.Position(ce.Args[0].Pos()).Offset:fset.Position(ce.Args[0].End()).Offset])
					}
					calls = append(calls, c)
				}
				return true
			})
		}
	}
	return calls
}

// TestDockerfile reviews what no Docker engine here can try: the image
// builds a static, trimmed binary with the version, on the Go release
// go.mod names, and runs it as the runner needs.
func TestDockerfile(t *testing.T) {
	stages := readDockerfile(t, "Dockerfile")
	if len(stages) < 2 {
		t.Fatal("want a multi-stage build")
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	from := stages[0][0].args
	if !strings.HasPrefix(from, "golang:"+string(goVersion[1])+".") {
		t.Errorf("build stage FROM %s, want a pinned golang:%s.N image", from, goVersion[1])
	}
	var build string
	for _, in := range stages[0] {
		if in.op == "RUN" && strings.Contains(in.args, "go build") {
			build = in.args
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-s -w", "-X main.version=${VERSION}"} {
		if !strings.Contains(build, want) {
			t.Errorf("go build step lacks %s: %s", want, build)
		}
	}
	for _, in := range stages[len(stages)-1] {
		switch in.op {
		case "USER", "WORKDIR":
			t.Errorf("the final stage sets %s: the runner needs root and sets the working directory", in.op)
		case "ENTRYPOINT":
			if !strings.HasPrefix(in.args, "[") {
				t.Errorf("ENTRYPOINT %s is not in exec form", in.args)
			}
		}
	}
}

// TestActionDocs: the README's action section lists every
// input and output action.yml declares, each in a table row of its own.
func TestActionDocs(t *testing.T) {
	doc, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	meta := readActionMeta(t)
	names := slices.Collect(maps.Keys(meta.Inputs))
	names = append(names, slices.Collect(maps.Keys(meta.Outputs))...)
	for _, name := range names {
		if !strings.Contains(string(doc), "\n| `"+name+"` |") {
			t.Errorf("README.md has no table row for %s", name)
		}
	}
}

// TestActionExemptions runs the action with an exemptions config in the
// workspace and the sarif-suppressed input: the exempted finding does not
// fail the step, gets no annotation, is listed in the job summary with its
// reason, and reaches the SARIF only as a suppressed result.
func TestActionExemptions(t *testing.T) {
	config := "exemptions:\n  - files: [policies/admin-*.json]\n    reason: break-glass role, SEC-101\n"
	files := map[string]string{
		".ssm-guardrails.yml":      config,
		"policies/admin-ir.json":   criticalPolicy,
		"policies/scoped.json":     scopedPolicy,
		"policies/nested/ok.json":  scopedPolicy,
		"policies/nested/ok2.json": scopedPolicy,
	}
	for _, tt := range []struct {
		input      string
		suppressed int // suppressed results in the uploaded SARIF
	}{{"false", 0}, {"true", 1}} {
		t.Run("sarif-suppressed "+tt.input, func(t *testing.T) {
			// The base branch has the same config: nothing to review.
			api := codeScanning(complete, accepted).On("GET", "/repos/"+testRepo+"/contents/.ssm-guardrails.yml", contentsReply(config))
			res := runActionE2E(t, files, map[string]string{"sarif-suppressed": tt.input}, api)
			if res.code != exitClean {
				t.Fatalf("exit %d: an exempted finding must not fail the step\n%s%s", res.code, res.stdout, res.stderr)
			}
			if anns := annotations(res); len(anns) != 0 {
				t.Errorf("annotations for an exempted finding: %q", anns)
			}
			if !strings.Contains(res.summary, "### Exempted findings") || !strings.Contains(res.summary, "break-glass role, SEC-101") ||
				!strings.Contains(res.summary, ".ssm-guardrails.yml:2") {
				t.Errorf("summary lacks the exemption:\n%s", res.summary)
			}
			if res.outputs["findings"] != "0" {
				t.Errorf("findings output %q, want 0", res.outputs["findings"])
			}
			_, uploaded := decodeUpload(t, api.Requests("POST")[0])
			if n := strings.Count(string(uploaded), `"suppressions"`); n != tt.suppressed {
				t.Errorf("%d suppressed results uploaded, want %d", n, tt.suppressed)
			}
			if tt.suppressed > 0 && !strings.Contains(string(uploaded), `"justification": "break-glass role, SEC-101"`) {
				t.Errorf("suppression without its justification:\n%s", uploaded)
			}
		})
	}
}
