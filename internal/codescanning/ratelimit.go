package codescanning

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// secondaryWait is how long to wait after a secondary rate limit that
// names no time: GitHub's documentation says at least a minute.
const secondaryWait = time.Minute

// rateLimit reads a refused response as GitHub documents its rate limits:
// a 429, or a 403 that carries Retry-After, x-ratelimit-remaining: 0, or a
// "secondary rate limit" message. It returns how long to wait (-1: not
// said) and whether the response is a rate limit at all. A 403 without
// these is a permission problem, and a 5xx may still say Retry-After.
func rateLimit(resp *http.Response, message string, now time.Time) (time.Duration, bool) {
	wait := parseRetryAfter(resp.Header.Get("Retry-After"), now)
	exhausted := resp.Header.Get("X-Ratelimit-Remaining") == "0"
	if exhausted && wait < 0 {
		if reset, err := strconv.ParseInt(resp.Header.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			wait = max(time.Unix(reset, 0).Sub(now), 0) + time.Second
		}
	}
	secondary := strings.Contains(strings.ToLower(message), "secondary rate limit")
	if secondary && wait < 0 {
		wait = secondaryWait
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return wait, true
	case http.StatusForbidden:
		return wait, wait >= 0 || exhausted || secondary
	}
	return wait, false
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return -1
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}
