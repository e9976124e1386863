// Package codescanning is the GitHub code scanning API client: it sends a
// SARIF log (POST /repos/{owner}/{repo}/code-scanning/sarifs), retrying
// what is worth retrying, and waits for GitHub to process it
// (GET .../sarifs/{id}).
package codescanning

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// apiVersion is the REST API version the requests are written against.
const apiVersion = "2022-11-28"

// Uploader talks to the code scanning API of one repository.
type Uploader struct {
	// APIURL is the REST API root, GITHUB_API_URL in a workflow
	// (https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server).
	APIURL string
	// Repository is "owner/name", GITHUB_REPOSITORY in a workflow.
	Repository string
	// Token goes in the Authorization header of requests to APIURL and
	// nowhere else: not into errors, not into logs, not to another host.
	Token     string
	UserAgent string
	// Client sends the requests; nil means a client that follows redirects
	// only on APIURL's own host.
	Client *http.Client
	Retry  Retry
	// PollInterval and PollTimeout bound WaitForProcessing; zero means 5s and 2m.
	PollInterval, PollTimeout time.Duration
	// Sleep waits between tries and polls; nil means a real, cancellable
	// wait. Tests replace it so that backoff costs no time.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logf, when set, is told about each retry, for the workflow log.
	Logf func(format string, args ...any)
}

// Retry bounds how often and how long a request is retried after a server
// error (5xx), a rate limit (429) or a network error. Other client errors
// (4xx) are never retried: sending the same request again cannot help.
type Retry struct {
	Attempts int           // tries in all; 0 means 5
	Base     time.Duration // the first delay, doubled after each try; 0 means 2s
	Max      time.Duration // one delay at most; a longer Retry-After gives up; 0 means 1m
	Total    time.Duration // all the delays of one request at most; 0 means 2m
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 5
	}
	if r.Base <= 0 {
		r.Base = 2 * time.Second
	}
	if r.Max <= 0 {
		r.Max = time.Minute
	}
	if r.Total <= 0 {
		r.Total = 2 * time.Minute
	}
	return r
}

// Analysis is one upload: the SARIF log and the commit it describes.
type Analysis struct {
	CommitSHA   string    // the analysed commit, GITHUB_SHA
	Ref         string    // refs/heads/BRANCH, or refs/pull/N/merge on a pull request
	CheckoutURI string    // file URI of the directory the paths in the log are relative to
	ToolName    string    // names the analysis in code scanning
	StartedAt   time.Time // when the analysis began
	Log         []byte    // the SARIF log, uncompressed
}

// APIError is a response GitHub refused. It carries GitHub's message so
// the user sees why, and never the request's headers.
type APIError struct {
	Method     string
	URL        string
	StatusCode int
	Message    string // GitHub's "message", or the start of the body
	DocURL     string // GitHub's "documentation_url", if any
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.DocURL != "" {
		s += " (" + e.DocURL + ")"
	}
	return s
}

// Processing is GitHub's account of an uploaded log.
type Processing struct {
	// Status is "pending", "complete" or "failed". WaitForProcessing returns
	// "pending" when PollTimeout passed before GitHub finished.
	Status      string   `json:"processing_status"`
	Errors      []string `json:"errors"`
	AnalysesURL string   `json:"analyses_url"`
}

// Upload gzips and base64-encodes the log, posts it and returns the SARIF
// id GitHub assigned.
func (u *Uploader) Upload(ctx context.Context, a Analysis) (string, error) {
	encoded, err := encodeLog(a.Log)
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(struct {
		CommitSHA   string `json:"commit_sha"`
		Ref         string `json:"ref"`
		SARIF       string `json:"sarif"`
		CheckoutURI string `json:"checkout_uri,omitempty"`
		StartedAt   string `json:"started_at,omitempty"`
		ToolName    string `json:"tool_name,omitempty"`
	}{a.CommitSHA, a.Ref, encoded, a.CheckoutURI, formatTime(a.StartedAt), a.ToolName})
	if err != nil {
		return "", err
	}
	var receipt struct {
		ID string `json:"id"`
	}
	if err := u.do(ctx, http.MethodPost, "", body, &receipt); err != nil {
		return "", err
	}
	if receipt.ID == "" {
		return "", errors.New("code scanning accepted the upload but returned no SARIF id")
	}
	return receipt.ID, nil
}

// WaitForProcessing polls the upload's status until GitHub reports it
// complete or failed, or PollTimeout passes. A 404 while polling means the
// upload is not visible yet, and polling goes on.
func (u *Uploader) WaitForProcessing(ctx context.Context, id string) (*Processing, error) {
	interval, timeout := u.PollInterval, u.PollTimeout
	if interval <= 0 {
		interval = 5 * time.Second
	}
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	// Time is counted as the sum of the waits, not read from a clock, so a
	// test with an instant Sleep still sees the bound.
	for waited := time.Duration(0); ; waited += interval {
		var p Processing
		err := u.do(ctx, http.MethodGet, "/"+url.PathEscape(id), nil, &p)
		var apiErr *APIError
		switch {
		case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
			p.Status = "pending"
		case err != nil:
			return nil, err
		case p.Status != "pending":
			return &p, nil
		}
		if waited+interval > timeout {
			return &p, nil
		}
		if err := u.sleep(ctx, interval); err != nil {
			return nil, err
		}
	}
}

// encodeLog is the form the API takes: gzip, then standard base64.
func encodeLog(log []byte) (string, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(log); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// endpoint is the sarifs URL of the repository, plus suffix. It refuses
// an API root that would send the token in clear text to another machine.
func (u *Uploader) endpoint(suffix string) (string, error) {
	base, err := url.Parse(strings.TrimRight(u.APIURL, "/"))
	if err != nil || base.Host == "" {
		return "", fmt.Errorf("invalid GitHub API URL %q", u.APIURL)
	}
	if base.Scheme != "https" && !(base.Scheme == "http" && isLoopback(base.Hostname())) {
		return "", fmt.Errorf("GitHub API URL %q is not https: the token is not sent over plain HTTP", u.APIURL)
	}
	owner, name, ok := strings.Cut(u.Repository, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("invalid repository %q: want owner/name", u.Repository)
	}
	return base.String() + "/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name) + "/code-scanning/sarifs" + suffix, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// do sends one API request, retrying as Retry allows, and decodes a
// successful response into out.
func (u *Uploader) do(ctx context.Context, method, suffix string, body []byte, out any) error {
	target, err := u.endpoint(suffix)
	if err != nil {
		return err
	}
	r := u.Retry.withDefaults()
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		retryAfter, retryable, err := u.try(ctx, method, target, body, out)
		if err == nil || !retryable || ctx.Err() != nil {
			return err
		}
		if attempt >= r.Attempts {
			return fmt.Errorf("%w (gave up after %d tries)", err, attempt)
		}
		delay := min(r.Base<<(attempt-1), r.Max)
		if retryAfter >= 0 {
			if retryAfter > r.Max {
				return fmt.Errorf("%w (GitHub asked to retry after %s, longer than this run waits)", err, retryAfter)
			}
			delay = retryAfter
		}
		if waited+delay > r.Total {
			return fmt.Errorf("%w (gave up after %d tries and %s of waiting)", err, attempt, waited)
		}
		u.logf("%v; retrying in %s", err, delay)
		if err := u.sleep(ctx, delay); err != nil {
			return err
		}
		waited += delay
	}
}

// try sends the request once. retryAfter is the server's Retry-After, or
// -1 if it gave none; retryable says whether another try may succeed.
func (u *Uploader) try(ctx context.Context, method, target string, body []byte, out any) (retryAfter time.Duration, retryable bool, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return -1, false, err
	}
	req.Header.Set("Authorization", "Bearer "+u.Token)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", apiVersion)
	if u.UserAgent != "" {
		req.Header.Set("User-Agent", u.UserAgent)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := u.client().Do(req)
	if err != nil {
		// A *url.Error names the method and URL, never the headers.
		return -1, true, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return -1, true, fmt.Errorf("%s %s: reading the response: %w", method, target, err)
	}
	if resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			return -1, false, fmt.Errorf("%s %s: unexpected response: %w", method, target, err)
		}
		return -1, false, nil
	}
	apiErr := &APIError{Method: method, URL: target, StatusCode: resp.StatusCode}
	var msg struct {
		Message string `json:"message"`
		DocURL  string `json:"documentation_url"`
	}
	if json.Unmarshal(data, &msg) == nil && msg.Message != "" {
		apiErr.Message, apiErr.DocURL = msg.Message, msg.DocURL
	} else {
		apiErr.Message = strings.TrimSpace(strings.ToValidUTF8(string(data[:min(len(data), 200)]), ""))
	}
	retryable = resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
	return parseRetryAfter(resp.Header.Get("Retry-After")), retryable, apiErr
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return -1
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return -1
}

func (u *Uploader) client() *http.Client {
	if u.Client != nil {
		return u.Client
	}
	return &http.Client{
		Timeout: time.Minute,
		// The token must reach no host but the API's: a redirect elsewhere
		// is answered with the redirect response itself, an error.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Scheme != via[0].URL.Scheme || req.URL.Host != via[0].URL.Host {
				return http.ErrUseLastResponse
			}
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			return nil
		},
	}
}

func (u *Uploader) sleep(ctx context.Context, d time.Duration) error {
	if u.Sleep != nil {
		return u.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (u *Uploader) logf(format string, args ...any) {
	if u.Logf != nil {
		u.Logf(format, args...)
	}
}
