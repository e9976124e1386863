package main

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sethvargo/go-githubactions"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/safetext"
	"github.com/ssm-guardrails/ssm-guardrails/report"
	"github.com/ssm-guardrails/ssm-guardrails/sarif"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// Action mode, `ssm-guardrails action`, is what the container runs (see
// action.yml). It reads the inputs, scans once, and writes, in this order:
// the SARIF file, the text report for the log, the annotations, the job
// summary, the outputs; then it uploads the SARIF log to code scanning and
// closes the summary with the upload's outcome. A step that cannot do one
// of these (a directory where the SARIF file goes, no GITHUB_REF, an API
// that is down) still does the others, and says what it skipped.
//
// A pull request controls every file the scan reads, and on
// pull_request_target the step may hold a token that writes. So the
// action writes nothing through a link and nothing outside the workspace,
// prints repository text only neutralised (safetext), and never writes a
// workflow command on stderr, which the runner reads in any order with
// stdout.

// summaryLimit keeps the job summary under GitHub's 1 MiB per step, with
// room for the lines the upload adds at the end.
const summaryLimit = 1<<20 - 4<<10

// annotationLimits are GitHub's, less one warning kept for an upload that
// code scanning refuses: that warning must not be the one GitHub drops.
var annotationLimits = report.AnnotationLimits{
	Error:   report.GitHubLimits.Error,
	Warning: report.GitHubLimits.Warning - 1,
	Notice:  report.GitHubLimits.Notice,
	Total:   report.GitHubLimits.Total - 1,
}

// actionRun is one run of the action: its settings and the workflow it
// runs in.
type actionRun struct {
	gh        *githubactions.Action
	getenv    func(string) string
	stdout    io.Writer
	st        settings
	workspace string
	sarifFile string // the input as given, for the sarif-file output
	token     string
	annotate  bool
	upload    bool
	wait      bool
	timeout   time.Duration // for all API work together
	apiURL    string
	repo      string
	refInput  string // inputs ref and sha, both or neither
	shaInput  string
	started   time.Time
}

// runAction writes nothing to stderr, which the runner reads in any order
// with stdout: see above.
func runAction(args []string, getenv func(string) string, stdout, _ io.Writer) int {
	gh := githubactions.New(githubactions.WithWriter(stdout), githubactions.WithGetenv(getenv))
	if len(args) > 0 {
		gh.Errorf("action mode takes no arguments (got %s): it reads the action's inputs", safetext.Log(fmt.Sprint(args)))
		return exitError
	}
	r, err := readAction(&inputs{gh: gh}, getenv)
	if err != nil {
		for _, e := range unjoin(err) {
			gh.Errorf("%s", safetext.Log(e.Error()))
		}
		return exitError
	}
	r.stdout, r.started = stdout, time.Now()
	return r.run()
}

// unjoin splits an errors.Join into its errors, one message each.
func unjoin(err error) []error {
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) {
		return j.Unwrap()
	}
	return []error{err}
}

// run scans and writes everything, skipping only what cannot be done.
func (r *actionRun) run() int {
	rep, cfg, err := scanReport(r.st, true)
	if err != nil {
		// A config error quotes the config, which the pull request wrote.
		r.errorf("ssm-guardrails could not scan", "%s", safetext.Log(err.Error()))
		return exitError
	}
	code := findingsCode(rep, r.st.failOn)
	var log bytes.Buffer
	if err := sarif.Write(&log, rep, sarif.Options{Version: version, Category: r.st.category, Suppressed: r.st.sarifSuppressed}); err != nil {
		r.errorf("SARIF not written", "%s", safetext.Log(err.Error()))
		return exitError
	}
	if err := writeReplacing(r.st.sarif, log.Bytes()); err != nil {
		r.errorf("SARIF file not written", "input sarif-file: %q cannot be written: %s; the annotations and the job summary still show every finding",
			safetext.Log(r.sarifFile), safetext.Log(err.Error()))
		code = exitError
	}
	r.printReport(rep)

	target, targetErr := r.uploadTarget()
	api, cancel := r.newAPI()
	defer cancel()
	review := r.review(api, cfg)

	if r.annotate {
		if err := report.Annotations(r.stdout, withReviewWarnings(rep, review), annotationLimits); err != nil {
			fmt.Fprintln(r.stdout, "ssm-guardrails:", safetext.Log(err.Error()))
			code = exitError
		}
	}
	var sum bytes.Buffer
	report.Summary(&sum, rep, report.SummaryOptions{FailOn: r.st.failOn, BlobURL: r.blobURL(target), MaxBytes: summaryLimit, Review: review})
	r.addSummary(sum.String())
	r.setOutput("sarif-file", r.sarifFile)
	r.setOutput("findings", strconv.Itoa(report.Failing(rep, r.st.failOn)))

	outcome, uploadCode := r.uploadSARIF(api, log.Bytes(), target, targetErr)
	var end bytes.Buffer
	report.SummaryEnd(&end, outcome, version)
	r.addSummary(end.String())
	return max(code, uploadCode)
}

// printReport prints the text report in a group, with workflow commands
// stopped around it and its repository text neutralised.
func (r *actionRun) printReport(rep *scan.Report) {
	r.gh.Group("ssm-guardrails report")
	defer r.gh.EndGroup()
	token := rand.Text()
	r.gh.IssueCommand(&githubactions.Command{Name: "stop-commands", Message: token})
	defer r.gh.IssueCommand(&githubactions.Command{Name: token})
	report.Text(r.stdout, report.ForLog(rep), report.TextOptions{FailOn: r.st.failOn})
}

// errorf prints an error annotation; message must be neutralised already.
func (r *actionRun) errorf(title, format string, args ...any) {
	r.gh.IssueCommand(&githubactions.Command{Name: "error", Message: fmt.Sprintf(format, args...),
		Properties: githubactions.CommandProperties{"title": title}})
}

// warnf prints a warning annotation; message must be neutralised already.
func (r *actionRun) warnf(title, format string, args ...any) {
	r.gh.IssueCommand(&githubactions.Command{Name: "warning", Message: fmt.Sprintf(format, args...),
		Properties: githubactions.CommandProperties{"title": title}})
}

// inputDefaults are the defaults action.yml gives its inputs, applied to
// an input that is empty or unset: a step that runs the prebuilt image
// (uses: docker://...) gets no action.yml and so no defaults. The token's
// default is an expression only the runner can evaluate; such a step
// passes it explicitly. A test holds this table against action.yml.
var inputDefaults = map[string]string{
	"paths":               ".",
	"include":             "",
	"exclude":             "",
	"config":              "",
	"fail-on":             "high",
	"sarif-file":          "ssm-guardrails.sarif",
	"upload":              "true",
	"token":               "",
	"category":            "ssm-guardrails",
	"wait-for-processing": "true",
	"annotations":         "true",
	"sarif-suppressed":    "false",
	"max-file-size":       "10MiB",
	"ref":                 "",
	"sha":                 "",
	"upload-timeout":      "120",
}

// inputs reads the action's inputs (INPUT_<NAME> as the runner sets them)
// and notes each name read, so that a test can hold them against the
// inputs action.yml declares.
type inputs struct {
	gh   *githubactions.Action
	read []string
}

func (in *inputs) get(name string) string {
	in.read = append(in.read, name)
	return cmp.Or(in.gh.GetInput(name), inputDefaults[name])
}

// lines reads a newline-separated list; nil when it is empty.
func (in *inputs) lines(name string) []string {
	var out []string
	for _, l := range strings.Split(in.get(name), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// flag reads "true" or "false", in any case, as GitHub's toolkit does.
func (in *inputs) flag(name string) (bool, error) {
	switch v := in.get(name); strings.ToLower(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, fmt.Errorf("input %s: %q is not true or false", name, v)
	}
}

// readAction turns the inputs and the workflow's environment into a run.
// Every input is read whatever the others say, and the token is masked
// before anything else is printed.
func readAction(in *inputs, getenv func(string) string) (*actionRun, error) {
	r := &actionRun{gh: in.gh, getenv: getenv, token: in.get("token")}
	if r.token != "" {
		in.gh.AddMask(r.token)
	}
	var errs []error
	ws, err := workspaceDir(getenv("GITHUB_WORKSPACE"))
	if err != nil {
		return nil, err
	}
	r.workspace = ws
	// Every path the outputs show is relative to the workspace, which is
	// the repository root; every path an input names must stay inside it.
	st := settings{format: "text", category: in.get("category"), configRoot: ws}
	st.scan.BaseDir = ws
	for _, p := range in.lines("paths") {
		path, err := r.inWorkspace("paths", p, true)
		errs = append(errs, err)
		st.scan.Paths = append(st.scan.Paths, path)
	}
	st.scan.Include = in.lines("include")
	st.scan.Exclude = in.lines("exclude")
	if c := in.get("config"); c != "" {
		st.config, err = r.inWorkspace("config", c, true)
		errs = append(errs, err)
	}
	r.sarifFile = in.get("sarif-file")
	st.sarif, err = r.inWorkspace("sarif-file", r.sarifFile, false)
	errs = append(errs, err)

	failOn, maxSize := in.get("fail-on"), in.get("max-file-size")
	if st.failOn, err = rules.ParseFailOn(failOn); err != nil {
		errs = append(errs, fmt.Errorf("input fail-on: %w", err))
	}
	if st.scan.MaxFileSize, err = scan.ParseSize(maxSize); err != nil {
		errs = append(errs, fmt.Errorf("input max-file-size: %w", err))
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"upload", &r.upload}, {"wait-for-processing", &r.wait}, {"annotations", &r.annotate}, {"sarif-suppressed", &st.sarifSuppressed}} {
		if *b.dst, err = in.flag(b.name); err != nil {
			errs = append(errs, err)
		}
	}
	timeout := in.get("upload-timeout")
	if secs, err := strconv.Atoi(timeout); err != nil || secs <= 0 {
		errs = append(errs, fmt.Errorf("input upload-timeout: %q is not a number of seconds", timeout))
	} else {
		r.timeout = time.Duration(secs) * time.Second
	}
	r.refInput, r.shaInput = in.get("ref"), in.get("sha")
	errs = append(errs, checkRefInputs(r.refInput, r.shaInput))

	r.repo = getenv("GITHUB_REPOSITORY")
	r.apiURL = cmp.Or(getenv("GITHUB_API_URL"), "https://api.github.com")
	if r.upload && r.token == "" {
		errs = append(errs, errors.New("input token: empty, and upload is true: pass a token with security-events: write, or set upload: false"))
	}
	r.st = st
	return r, errors.Join(errs...)
}

// workspaceDir is GITHUB_WORKSPACE, or the working directory outside a
// workflow, with its links resolved: containment is judged on real paths.
func workspaceDir(env string) (string, error) {
	ws := env
	if ws == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		ws = wd
	}
	abs, err := filepath.Abs(ws)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("GITHUB_WORKSPACE: %w", err)
	}
	return real, nil
}
