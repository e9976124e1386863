// Package codescanning is the GitHub REST API client the action needs: it
// sends a SARIF log to code scanning (POST /repos/{owner}/{repo}/
// code-scanning/sarifs), waits for GitHub to process it (GET .../sarifs/
// {id}), and reads a file at a commit (GET .../contents/{path}). It
// retries what is worth retrying, waits out rate limits, and keeps to the
// deadline of the context it is given.
package codescanning

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// apiVersion is the REST API version the requests are written against.
const apiVersion = "2022-11-28"

// maxResponse caps what is read of a response: a file's contents come
// base64-encoded, a third larger than the file.
const maxResponse = 4 << 20

// Client talks to the API about one repository.
type Client struct {
	// APIURL is the REST API root, GITHUB_API_URL in a workflow
	// (https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server).
	APIURL string
	// Repository is "owner/name", GITHUB_REPOSITORY in a workflow.
	Repository string
	// Token goes in the Authorization header of requests to APIURL and
	// nowhere else: not into errors, not into logs, not to another host.
	Token     string
	UserAgent string
	// HTTP sends the requests; nil means a client that follows redirects
	// only on APIURL's own host.
	HTTP  *http.Client
	Retry Retry
	// PollDelay is the first wait of WaitForProcessing, doubled after each
	// poll up to PollMaxDelay; PollTimeout bounds it when the context has
	// no deadline. Zero means 2s, 15s and 2m.
	PollDelay, PollMaxDelay, PollTimeout time.Duration
	// Sleep waits between tries and polls; nil means a real, cancellable
	// wait. Now tells the time; nil means time.Now. Tests replace both so
	// that waiting costs no time.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	// Logf, when set, is told about each retry, for the workflow log.
	Logf func(format string, args ...any)
}

// Retry bounds how often a request is retried after a server error (5xx),
// a rate limit or a network error. Other client errors (4xx) are never
// retried: sending the same request again cannot help. The context's
// deadline bounds the waiting.
type Retry struct {
	Attempts int           // tries in all; 0 means 5
	Base     time.Duration // the first delay, doubled after each try; 0 means 2s
	// Max is the longest delay of the doubling, and the longest wait a
	// rate limit may ask for when the context has no deadline; 0 means 1m.
	Max time.Duration
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
	return r
}

// APIError is a response GitHub refused. It carries GitHub's message and
// details so the user sees why, and never the request's headers. Its text
// comes from the server: escape it before showing it.
type APIError struct {
	Method     string
	URL        string
	StatusCode int
	Message    string   // GitHub's "message", or the start of the body
	Details    []string // GitHub's "errors" (a 422's validation failures)
	DocURL     string   // GitHub's "documentation_url", if any
	// RateLimited says GitHub refused the request for the rate limit (a
	// 429, or a 403 with rate-limit headers or message), not for what it
	// asked.
	RateLimited bool
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		s += ": " + e.Message
	}
	if len(e.Details) > 0 {
		s += " (" + strings.Join(e.Details, "; ") + ")"
	}
	if e.DocURL != "" {
		s += " (" + e.DocURL + ")"
	}
	return s
}

// repoURL is the URL of path under the repository, with query. It refuses
// an API root that would send the token in clear text to another machine.
func (c *Client) repoURL(path string, query url.Values) (string, error) {
	base, err := url.Parse(strings.TrimRight(c.APIURL, "/"))
	if err != nil || base.Host == "" {
		return "", fmt.Errorf("invalid GitHub API URL %q", c.APIURL)
	}
	if base.Scheme != "https" && !(base.Scheme == "http" && isLoopback(base.Hostname())) {
		return "", fmt.Errorf("GitHub API URL %q is not https: the token is not sent over plain HTTP", c.APIURL)
	}
	owner, name, ok := strings.Cut(c.Repository, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("invalid repository %q: want owner/name", c.Repository)
	}
	u := base.String() + "/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name) + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// do sends one API request, retrying as Retry and the context's deadline
// allow, and decodes a successful response into out.
func (c *Client) do(ctx context.Context, method, target string, body []byte, out any) error {
	r := c.Retry.withDefaults()
	for attempt := 1; ; attempt++ {
		wait, retryable, err := c.try(ctx, method, target, body, out)
		if err == nil || !retryable || ctx.Err() != nil {
			return err
		}
		if attempt >= r.Attempts {
			return fmt.Errorf("%w (gave up after %d tries)", err, attempt)
		}
		delay := min(r.Base<<(attempt-1), r.Max)
		if wait >= 0 {
			delay = wait
		}
		if deadline, ok := ctx.Deadline(); ok {
			if left := deadline.Sub(c.now()); delay > left {
				return fmt.Errorf("%w (GitHub asks to wait %s, more than the %s left: %w)", err, delay, left.Round(time.Second), context.DeadlineExceeded)
			}
		} else if delay > r.Max {
			return fmt.Errorf("%w (GitHub asks to wait %s, longer than this run waits)", err, delay)
		}
		c.logf("%v; retrying in %s", err, delay)
		if err := c.sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// try sends the request once. wait is how long GitHub asked to wait
// before the next try, or -1 if it did not say; retryable says whether
// another try may succeed.
func (c *Client) try(ctx context.Context, method, target string, body []byte, out any) (wait time.Duration, retryable bool, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return -1, false, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", apiVersion)
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client().Do(req)
	if err != nil {
		// A *url.Error names the method and URL, never the headers.
		return -1, true, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return -1, true, fmt.Errorf("%s %s: reading the response: %w", method, target, err)
	}
	if resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			return -1, false, fmt.Errorf("%s %s: unexpected response: %w", method, target, err)
		}
		return -1, false, nil
	}
	apiErr := newAPIError(method, target, resp.StatusCode, data)
	wait, apiErr.RateLimited = rateLimit(resp, apiErr.Message, c.now())
	retryable = resp.StatusCode >= 500 || apiErr.RateLimited
	return wait, retryable, apiErr
}

// newAPIError reads GitHub's error body: {"message", "errors",
// "documentation_url"}, where each of "errors" is a string or an object
// with a message or a field and code; anything else is shown as text.
func newAPIError(method, target string, status int, data []byte) *APIError {
	e := &APIError{Method: method, URL: target, StatusCode: status}
	var body struct {
		Message string            `json:"message"`
		Errors  []json.RawMessage `json:"errors"`
		DocURL  string            `json:"documentation_url"`
	}
	if json.Unmarshal(data, &body) != nil || body.Message == "" {
		e.Message = strings.TrimSpace(strings.ToValidUTF8(string(data[:min(len(data), 200)]), ""))
		return e
	}
	e.Message, e.DocURL = body.Message, body.DocURL
	for _, raw := range body.Errors {
		var s string
		var obj struct{ Resource, Field, Code, Message string }
		switch {
		case json.Unmarshal(raw, &s) == nil:
		case json.Unmarshal(raw, &obj) == nil && obj.Message != "":
			s = obj.Message
		case json.Unmarshal(raw, &obj) == nil:
			s = strings.TrimSpace(strings.Join([]string{obj.Resource, obj.Field, obj.Code}, " "))
		}
		if s != "" {
			e.Details = append(e.Details, s)
		}
	}
	return e
}

func (c *Client) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{
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

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
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

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
	}
}
