package codescanning

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// TestRateLimitsAreWaitedOut: a 403 or 429 that is a rate limit is
// retried after the time GitHub asks for; a 403 that is not is a
// permission problem, answered at once.
func TestRateLimitsAreWaitedOut(t *testing.T) {
	reset := strconv.FormatInt(testStart.Add(42*time.Second).Unix(), 10)
	for _, tt := range []struct {
		name    string
		refusal testkit.Reply
		waited  string
	}{
		{"403 with Retry-After", reply(403, `{"message":"You have exceeded a secondary rate limit"}`, "Retry-After", "30"), "[30s]"},
		{"403 with the limit used up", reply(403, `{"message":"API rate limit exceeded"}`, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset), "[43s]"},
		{"403 naming a secondary rate limit", reply(403, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes."}`), "[1m0s]"},
		{"429 with Retry-After", reply(429, `{"message":"slow down"}`, "Retry-After", "5"), "[5s]"},
		{"429 without", reply(429, `{"message":"slow down"}`), "[2s]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api := uploads(tt.refusal, reply(202, `{"id":"abc"}`))
			c, slept := newTestClient(t, api)
			id, err := c.Upload(deadline(t, 2*time.Minute), testAnalysis)
			if err != nil || id != "abc" || fmt.Sprint(*slept) != tt.waited {
				t.Errorf("Upload = %q, %v after waiting %v; want success after %s", id, err, *slept, tt.waited)
			}
		})
	}
	t.Run("403 that is not a rate limit", func(t *testing.T) {
		api := uploads(reply(403, `{"message":"Resource not accessible by integration"}`, "X-RateLimit-Remaining", "4999"), reply(202, `{"id":"never"}`))
		c, slept := newTestClient(t, api)
		_, err := c.Upload(context.Background(), testAnalysis)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.RateLimited || len(*slept) != 0 || len(api.Requests("")) != 1 {
			t.Errorf("error %v (rate limited: %v), slept %v", err, apiErr != nil && apiErr.RateLimited, *slept)
		}
	})
	t.Run("a rate limit longer than the deadline", func(t *testing.T) {
		api := uploads(reply(403, `{"message":"API rate limit exceeded"}`, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", strconv.FormatInt(testStart.Add(time.Hour).Unix(), 10)))
		c, slept := newTestClient(t, api)
		_, err := c.Upload(deadline(t, 2*time.Minute), testAnalysis)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !apiErr.RateLimited || !errors.Is(err, context.DeadlineExceeded) || len(*slept) != 0 {
			t.Fatalf("error %v, slept %v", err, *slept)
		}
		if !strings.Contains(err.Error(), "asks to wait 1h0m1s, more than the 2m0s left") {
			t.Errorf("error %q", err)
		}
	})
}

// TestAHangingAPIEndsAtTheDeadline: a server that never answers holds the
// client only until the context's deadline.
func TestAHangingAPIEndsAtTheDeadline(t *testing.T) {
	api := uploads(testkit.Reply{Hang: true})
	c := &Client{APIURL: api.Start(t), Repository: "octo/repo", Token: testToken}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Upload(ctx, testAnalysis)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the deadline", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("returned after %s", elapsed)
	}
}

// TestValidationDetailsAreShown: a 422's "errors", strings or objects,
// are part of the error.
func TestValidationDetailsAreShown(t *testing.T) {
	api := uploads(reply(422, `{"message":"Validation Failed","errors":["ref is not a valid ref",{"resource":"Sarif","field":"commit_sha","code":"invalid"},{"message":"sarif too large"}],"documentation_url":"https://docs.github.com/rest"}`))
	c, _ := newTestClient(t, api)
	_, err := c.Upload(context.Background(), testAnalysis)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 {
		t.Fatalf("error %v", err)
	}
	want := "422 Unprocessable Entity: Validation Failed (ref is not a valid ref; Sarif commit_sha invalid; sarif too large) (https://docs.github.com/rest)"
	if !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error %q, want it to end %q", err, want)
	}
}
