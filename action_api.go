package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/codescanning"
	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/safetext"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/report"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// actionAPI is the GitHub API with the one deadline, upload-timeout, that
// bounds all the run's API work from its start.
type actionAPI struct {
	client *codescanning.Client
	ctx    context.Context
}

func (r *actionRun) newAPI() (*actionAPI, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	return &actionAPI{ctx: ctx, client: &codescanning.Client{
		APIURL:     r.apiURL,
		Repository: r.repo,
		Token:      r.token,
		UserAgent:  "ssm-guardrails/" + version,
		// The server's error text is not ours: neutralised like the repository's.
		Logf: func(format string, args ...any) { fmt.Fprintln(r.stdout, safetext.Log(fmt.Sprintf(format, args...))) },
	}}, cancel
}

// apiFailure says why API work failed, with the server's text neutralised
// for the log.
func (r *actionRun) apiFailure(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("stopped waiting for the GitHub API: upload-timeout (%s) ran out: %s", r.timeout, safetext.Log(err.Error()))
	}
	return safetext.Log(err.Error())
}

// review finds the exemptions a pull request adds: on pull_request and
// pull_request_target events, the config is compared with the base
// commit's, fetched through the contents API (contents: read suffices).
// Each added or changed entry gets a warning annotation, through
// withReviewWarnings, and a row in the job summary. When the base config
// cannot be had, the run says so once and goes on.
func (r *actionRun) review(api *actionAPI, cfg *exempt.Config) *report.Review {
	event := r.getenv("GITHUB_EVENT_NAME")
	if cfg == nil || event != "pull_request" && event != "pull_request_target" {
		return nil
	}
	rv := &report.Review{Config: cfg.Path}
	unavailable := func(why string) *report.Review {
		rv.Unavailable = why
		r.warnf("Exemptions not reviewed", "could not compare %s with the base branch's to find the exemptions this pull request adds: %s",
			safetext.Log(cfg.Path), why)
		return rv
	}
	ev, err := r.event()
	switch {
	case err != nil:
		return unavailable(safetext.Log(err.Error()))
	case !objectID.MatchString(ev.PullRequest.Base.SHA):
		return unavailable("the event payload names no base commit")
	case r.token == "":
		return unavailable("no token (input token)")
	}
	data, err := api.client.Contents(api.ctx, filepath.ToSlash(cfg.Path), ev.PullRequest.Base.SHA)
	var apiErr *codescanning.APIError
	var base *exempt.Config
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
		// No config at the base: every entry is new.
	case err != nil:
		return unavailable(r.apiFailure(err))
	default:
		if base, err = exempt.ParseConfig(cfg.Path, data); err != nil {
			return unavailable("the base branch's config is not valid: " + safetext.Log(err.Error()))
		}
	}
	rv.Added = cfg.AddedSince(base)
	return rv
}

// withReviewWarnings is rep with a warning for each added exemption ahead
// of its own, for the annotations.
func withReviewWarnings(rep *scan.Report, rv *report.Review) *scan.Report {
	if rv == nil || len(rv.Added) == 0 {
		return rep
	}
	out := *rep
	out.Warnings = nil
	for _, e := range rv.Added {
		out.Warnings = append(out.Warnings, source.Warning{File: rv.Config, Line: e.Line,
			Message: "exemption added by this pull request: review it (reason: " + e.Reason + ")"})
	}
	out.Warnings = append(out.Warnings, rep.Warnings...)
	return &out
}

// uploadSARIF sends the log to code scanning and returns the outcome for
// the summary (Markdown) and the exit code the upload asks for: 0, or 2
// when the results did not reach code scanning for a reason the user must
// fix. Code scanning being unavailable (403, 404) is a warning that says
// what to do; errors after an accepted upload are warnings too.
func (r *actionRun) uploadSARIF(api *actionAPI, log []byte, target uploadTarget, targetErr error) (string, int) {
	if !r.upload {
		return "upload skipped (upload: false).", exitClean
	}
	fail := func(title, msg string) (string, int) {
		r.errorf(title, "%s", msg)
		return "upload failed: " + safetext.Markdown(msg), exitError
	}
	if targetErr != nil {
		msg := safetext.Log(targetErr.Error())
		r.errorf("Code scanning upload skipped", "%s", msg)
		return "upload skipped: " + safetext.Markdown(msg), exitError
	}
	fmt.Fprintf(r.stdout, "Uploading to code scanning for %s at %s (%s).\n", safetext.Log(target.ref), safetext.Log(target.sha), safetext.Log(target.why))
	id, err := api.client.Upload(api.ctx, codescanning.Analysis{
		CommitSHA:   target.sha,
		Ref:         target.ref,
		CheckoutURI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(r.workspace)}).String(),
		ToolName:    "ssm-guardrails",
		StartedAt:   r.started,
		Log:         log,
	})
	var apiErr *codescanning.APIError
	switch {
	case errors.As(err, &apiErr) && !apiErr.RateLimited && (apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusNotFound):
		r.warnf("Code scanning upload skipped", "%s", unavailableHelp(apiErr))
		return fmt.Sprintf("not uploaded (%d %s): see the warning in the log. The annotations and this summary show every finding.",
			apiErr.StatusCode, http.StatusText(apiErr.StatusCode)), exitClean
	case errors.As(err, &apiErr) && apiErr.RateLimited && !errors.Is(err, context.DeadlineExceeded):
		return fail("Code scanning upload failed", "GitHub's rate limit refused the upload: "+r.apiFailure(err))
	case err != nil:
		return fail("Code scanning upload failed", r.apiFailure(err))
	}
	r.setOutput("sarif-id", id)
	fmt.Fprintf(r.stdout, "Uploaded %s to code scanning (SARIF id %s).\n", safetext.Log(r.sarifFile), safetext.Log(id))
	sid := safetext.Markdown(id)
	if !r.wait {
		return fmt.Sprintf("uploaded for %s at %s (SARIF id %s).", safetext.Markdown(target.ref), safetext.Markdown(target.sha), sid), exitClean
	}
	p, err := api.client.WaitForProcessing(api.ctx, id)
	switch {
	case err != nil:
		msg := fmt.Sprintf("could not check the processing of SARIF id %s: %s; the upload was accepted and the step's result follows the findings",
			safetext.Log(id), r.apiFailure(err))
		r.warnf("Code scanning processing not checked", "%s", msg)
		return "uploaded (SARIF id " + sid + "); " + safetext.Markdown(msg) + ".", exitClean
	case p.Status == "failed":
		return fail("Code scanning upload failed", fmt.Sprintf("code scanning could not process SARIF id %s: %s", safetext.Log(id), safetext.Log(strings.Join(p.Errors, "; "))))
	case p.Status == "complete":
		fmt.Fprintf(r.stdout, "Code scanning processed SARIF id %s.\n", safetext.Log(id))
		return fmt.Sprintf("uploaded and processed for %s at %s (SARIF id %s).", safetext.Markdown(target.ref), safetext.Markdown(target.sha), sid), exitClean
	default:
		r.warnf("Code scanning still processing", "code scanning is still processing SARIF id %s after upload-timeout (%s); the results will appear when it is done",
			safetext.Log(id), r.timeout)
		return "uploaded (SARIF id " + sid + "), still processing when upload-timeout ran out.", exitClean
	}
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
		e.StatusCode, http.StatusText(e.StatusCode), messageSuffix(safetext.Log(e.Message)))
}

func messageSuffix(m string) string {
	if m == "" {
		return ""
	}
	return " (" + m + ")"
}
