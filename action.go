package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sethvargo/go-githubactions"
	"github.com/ssm-guardrails/ssm-guardrails/internal/codescanning"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/report"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// Action mode, `ssm-guardrails action`, is what the container runs (see
// action.yml). It reads the inputs, scans once, and writes, in this order:
// the SARIF file, the text report for the log, the annotations, the job
// summary, the outputs; then it uploads the SARIF file to code scanning.
// Whatever happens to the upload, everything before it is already written.

// summaryLimit keeps the job summary under GitHub's 1 MiB per step, with
// room for the line the upload adds at the end.
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
	stdout    io.Writer
	st        settings
	workspace string
	sarifFile string // the input as given, for the sarif-file output
	token     string
	annotate  bool
	upload    bool
	wait      bool
	apiURL    string
	repo      string
	sha       string
	ref       string
	blobURL   string
	started   time.Time
}

func runAction(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	gh := githubactions.New(githubactions.WithWriter(stdout), githubactions.WithGetenv(getenv))
	if len(args) > 0 {
		gh.Errorf("action mode takes no arguments (got %q): it reads the action's inputs", args)
		return exitError
	}
	r, err := readAction(&inputs{gh: gh}, getenv)
	if err != nil {
		gh.Errorf("%v", err)
		return exitError
	}
	r.stdout, r.started = stdout, time.Now()

	// The text report quotes the scanned files, which a pull request
	// controls: a line in it must not act as a workflow command, so the
	// runner's command processing is off while it is printed.
	gh.Group("ssm-guardrails report")
	resume := stopCommands(gh)
	finished := false
	r.st.finish = func(rep *scan.Report, code int) int {
		resume()
		finished = true
		return r.finish(rep, code)
	}
	code := execute(r.st, stdout, stderr)
	resume()
	if !finished {
		gh.Errorf("ssm-guardrails stopped before writing its reports: see the error above")
	}
	return code
}

// stopCommands turns the runner's command processing off until the
// returned function (safe to call more than once) turns it on again.
func stopCommands(gh *githubactions.Action) func() {
	token := rand.Text()
	gh.IssueCommand(&githubactions.Command{Name: "stop-commands", Message: token})
	done := false
	return func() {
		if !done {
			done = true
			gh.IssueCommand(&githubactions.Command{Name: token})
			gh.EndGroup()
		}
	}
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
	r := &actionRun{gh: in.gh, token: in.get("token")}
	if r.token != "" {
		in.gh.AddMask(r.token)
	}
	r.workspace = getenv("GITHUB_WORKSPACE")
	if r.workspace == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		r.workspace = wd
	}
	// Every path the outputs show is relative to the workspace, which is
	// the repository root.
	inWorkspace := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(r.workspace, p)
	}
	st := settings{format: "text", category: in.get("category"), config: in.get("config")}
	st.scan.BaseDir = r.workspace
	for _, p := range in.lines("paths") {
		st.scan.Paths = append(st.scan.Paths, inWorkspace(p))
	}
	st.scan.Include = in.lines("include")
	st.scan.Exclude = in.lines("exclude")
	if st.config != "" {
		st.config = inWorkspace(st.config)
	}
	r.sarifFile = in.get("sarif-file")
	st.sarif = inWorkspace(r.sarifFile)

	failOn, maxSize := in.get("fail-on"), in.get("max-file-size")
	var errs []error
	var err error
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

	r.repo, r.sha, r.ref = getenv("GITHUB_REPOSITORY"), getenv("GITHUB_SHA"), getenv("GITHUB_REF")
	r.apiURL = cmp.Or(getenv("GITHUB_API_URL"), "https://api.github.com")
	if server := getenv("GITHUB_SERVER_URL"); server != "" && r.repo != "" && r.sha != "" {
		r.blobURL = strings.TrimRight(server, "/") + "/" + r.repo + "/blob/" + r.sha
	}
	if r.upload {
		switch {
		case r.repo == "" || r.sha == "" || r.ref == "":
			errs = append(errs, errors.New("upload needs GITHUB_REPOSITORY, GITHUB_SHA and GITHUB_REF: run in a workflow, or set upload: false"))
		case r.token == "":
			errs = append(errs, errors.New("input token: empty, and upload is true: pass a token with security-events: write, or set upload: false"))
		}
	}
	r.st = st
	return r, errors.Join(errs...)
}

// finish writes what the action adds to the CLI's outputs, then uploads.
func (r *actionRun) finish(rep *scan.Report, code int) int {
	if r.annotate {
		if err := report.Annotations(r.stdout, rep, annotationLimits); err != nil {
			fmt.Fprintln(r.stdout, "ssm-guardrails:", err)
			return exitError
		}
	}
	var sum bytes.Buffer
	err := report.Summary(&sum, rep, report.SummaryOptions{FailOn: r.st.failOn, BlobURL: r.blobURL, MaxBytes: summaryLimit})
	if err == nil {
		err = r.fileCommand("GITHUB_STEP_SUMMARY", func() { r.gh.AddStepSummary(sum.String()) })
	}
	if err != nil {
		r.gh.Warningf("could not write the job summary: %v", err)
	}
	r.setOutput("sarif-file", r.sarifFile)
	r.setOutput("findings", strconv.Itoa(report.Failing(rep, r.st.failOn)))
	if !r.upload {
		r.note("upload skipped (upload: false).")
		return code
	}
	return r.uploadSARIF(code)
}

// fileCommand runs a go-githubactions call that appends to the runner's
// file named by env. The library panics when it cannot write; outside a
// workflow the variable is unset and there is nothing to write to.
func (r *actionRun) fileCommand(env string, call func()) (err error) {
	if r.gh.Getenv(env) == "" {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	call()
	return nil
}

func (r *actionRun) setOutput(name, value string) {
	if err := r.fileCommand("GITHUB_OUTPUT", func() { r.gh.SetOutput(name, value) }); err != nil {
		r.gh.Warningf("could not set output %s: %v", name, err)
	}
}

// note adds a line to the job summary about the upload.
func (r *actionRun) note(format string, args ...any) {
	var end strings.Builder
	report.SummaryEnd(&end, fmt.Sprintf(format, args...), version)
	line := end.String()
	if err := r.fileCommand("GITHUB_STEP_SUMMARY", func() { r.gh.AddStepSummary(line) }); err != nil {
		r.gh.Warningf("could not write the job summary: %v", err)
	}
}

// uploadSARIF sends the SARIF file to code scanning. Code scanning being
// unavailable (403, 404) is a warning that says what to do, and the exit
// code stays the findings' one; any other failure fails the step.
func (r *actionRun) uploadSARIF(code int) int {
	fail := func(format string, args ...any) int {
		msg := fmt.Sprintf(format, args...)
		r.gh.IssueCommand(&githubactions.Command{Name: "error", Message: msg,
			Properties: githubactions.CommandProperties{"title": "Code scanning upload failed"}})
		r.note("upload failed: %s", msg)
		return exitError
	}
	log, err := os.ReadFile(r.st.sarif)
	if err != nil {
		return fail("reading the SARIF file: %v", err)
	}
	u := &codescanning.Client{
		APIURL:     r.apiURL,
		Repository: r.repo,
		Token:      r.token,
		UserAgent:  "ssm-guardrails/" + version,
		Logf:       func(format string, args ...any) { fmt.Fprintf(r.stdout, format+"\n", args...) },
	}
	ctx := context.Background()
	id, err := u.Upload(ctx, codescanning.Analysis{
		CommitSHA:   r.sha,
		Ref:         r.ref,
		CheckoutURI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(r.workspace)}).String(),
		ToolName:    "ssm-guardrails",
		StartedAt:   r.started,
		Log:         log,
	})
	var apiErr *codescanning.APIError
	switch {
	case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusNotFound):
		r.gh.IssueCommand(&githubactions.Command{Name: "warning", Message: unavailableHelp(apiErr),
			Properties: githubactions.CommandProperties{"title": "Code scanning upload skipped"}})
		r.note("not uploaded (%d %s): see the warning in the log. The annotations and this summary show every finding.",
			apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
		return code
	case err != nil:
		return fail("%v", err)
	}
	r.setOutput("sarif-id", id)
	fmt.Fprintf(r.stdout, "Uploaded %s to code scanning for %s at %s (SARIF id %s).\n", r.sarifFile, r.ref, r.sha, id)
	if !r.wait {
		r.note("uploaded (SARIF id `%s`).", id)
		return code
	}
	p, err := u.WaitForProcessing(ctx, id)
	switch {
	case err != nil:
		return fail("checking the processing of SARIF id %s: %v", id, err)
	case p.Status == "failed":
		return fail("code scanning could not process SARIF id %s: %s", id, strings.Join(p.Errors, "; "))
	case p.Status == "complete":
		fmt.Fprintf(r.stdout, "Code scanning processed SARIF id %s.\n", id)
		r.note("uploaded and processed (SARIF id `%s`).", id)
	default:
		r.gh.Warningf("code scanning is still processing SARIF id %s; the results will appear when it is done", id)
		r.note("uploaded (SARIF id `%s`), still processing.", id)
	}
	return code
}

// unavailableHelp explains a 403 or 404 from the upload: code scanning is
// off, or the token may not write security events.
func unavailableHelp(e *codescanning.APIError) string {
	return fmt.Sprintf("Code scanning did not accept the SARIF upload: %d %s%s.\n"+
		"The SARIF file, the annotations and the job summary are written, and the step's result depends on the findings only. "+
		"To see the findings in the Security tab and on pull requests:\n"+
		"- enable code scanning for the repository (Settings > Code security);\n"+
		"- on a private or internal repository, GitHub Advanced Security (Code Security) must be enabled;\n"+
		"- give the job the permission: permissions: security-events: write (and contents: read);\n"+
		"- pull requests from forks get a read-only token: upload on push, or set upload: false for them.\n"+
		"To skip the upload, set upload: false.",
		e.StatusCode, http.StatusText(e.StatusCode), messageSuffix(e.Message))
}

func messageSuffix(m string) string {
	if m == "" {
		return ""
	}
	return " (" + m + ")"
}
