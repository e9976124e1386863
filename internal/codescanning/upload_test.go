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
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

const testToken = "ghs_uploadTestToken0123456789"

// reply is a fake API answer: status, body, and header name/value pairs.
func reply(status int, body string, headers ...string) testkit.Reply {
	r := testkit.Reply{Status: status, Body: body, Headers: map[string]string{}}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Headers[headers[i]] = headers[i+1]
	}
	return r
}

var hangUp = testkit.Reply{HangUp: true}

const uploadPath = "/repos/octo/repo/code-scanning/sarifs"

// uploads is a fake API that answers uploads with replies, in turn.
func uploads(replies ...testkit.Reply) *testkit.FakeGitHub {
	return new(testkit.FakeGitHub).On("POST", uploadPath, replies...)
}

// polls is a fake API that answers status requests with replies, in turn.
func polls(replies ...testkit.Reply) *testkit.FakeGitHub {
	return new(testkit.FakeGitHub).On("GET", uploadPath+"/", replies...)
}

// testStart is the fake clock's first reading: now, so that a context's
// deadline set from it is in the future; a whole second, for HTTP dates.
var testStart = time.Now().Truncate(time.Second).Add(time.Second)

// newTestClient returns a client for api whose sleeps are recorded instead
// of waited, on a clock that moves only when it sleeps.
func newTestClient(t *testing.T, api *testkit.FakeGitHub) (*Client, *[]time.Duration) {
	t.Helper()
	url := api.Start(t)
	var slept []time.Duration
	now := testStart
	return &Client{
		APIURL:     url + "/",
		Repository: "octo/repo",
		Token:      testToken,
		UserAgent:  "ssm-guardrails/test",
		Sleep: func(_ context.Context, d time.Duration) error {
			slept = append(slept, d)
			now = now.Add(d)
			return nil
		},
		Now: func() time.Time { return now },
	}, &slept
}

// deadline is a context whose deadline is d after the fake clock's start.
// The fake clock never reaches it in real time.
func deadline(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithDeadline(context.Background(), testStart.Add(d))
	t.Cleanup(cancel)
	return ctx
}

var testAnalysis = Analysis{
	CommitSHA:   "0123456789abcdef0123456789abcdef01234567",
	Ref:         "refs/pull/7/merge",
	CheckoutURI: "file:///github/workspace",
	ToolName:    "ssm-guardrails",
	StartedAt:   time.Date(2026, 3, 1, 12, 30, 0, 0, time.FixedZone("CET", 3600)),
	Log:         []byte(`{"version":"2.1.0","runs":[]}`),
}

func TestUploadSendsWhatTheAPIExpects(t *testing.T) {
	api := uploads(reply(202, `{"id":"47177e22","url":"x"}`))
	u, slept := newTestClient(t, api)
	id, err := u.Upload(context.Background(), testAnalysis)
	if err != nil || id != "47177e22" {
		t.Fatalf("Upload = %q, %v; want 47177e22", id, err)
	}
	if len(api.Requests("")) != 1 || len(*slept) != 0 {
		t.Fatalf("%d requests, slept %v; want one request and no wait", len(api.Requests("")), *slept)
	}
	req := api.Requests("")[0]
	if req.Method != "POST" || req.Path != uploadPath {
		t.Errorf("request %s %s", req.Method, req.Path)
	}
	for name, want := range map[string]string{
		"Authorization":        "Bearer " + testToken,
		"Accept":               "application/vnd.github+json",
		"X-Github-Api-Version": "2022-11-28",
		"Content-Type":         "application/json",
		"User-Agent":           "ssm-guardrails/test",
	} {
		if got := req.Header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	var body map[string]string
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"commit_sha":   testAnalysis.CommitSHA,
		"ref":          testAnalysis.Ref,
		"checkout_uri": testAnalysis.CheckoutURI,
		"tool_name":    "ssm-guardrails",
		"started_at":   "2026-03-01T11:30:00Z",
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("body %s = %q, want %q", k, body[k], v)
		}
	}
	if got := decodeLog(t, body["sarif"]); !bytes.Equal(got, testAnalysis.Log) {
		t.Errorf("decoded sarif = %s, want %s", got, testAnalysis.Log)
	}
}

// decodeLog reverses the upload encoding: base64, then gunzip.
func decodeLog(t *testing.T, s string) []byte {
	t.Helper()
	gz, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("sarif is not base64: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("sarif is not gzip: %v", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestUploadRetriesServerErrorsWithBackoff(t *testing.T) {
	api := uploads(
		reply(502, `bad gateway`),
		hangUp,
		reply(503, `{"message":"busy"}`, "Retry-After", "7"),
		reply(429, `{"message":"slow down"}`),
		reply(202, `{"id":"abc"}`),
	)
	u, slept := newTestClient(t, api)
	var logged []string
	u.Logf = func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) }
	id, err := u.Upload(context.Background(), testAnalysis)
	if err != nil || id != "abc" {
		t.Fatalf("Upload = %q, %v", id, err)
	}
	// 2s, 4s doubled; then Retry-After's 7s; then 16s.
	want := []time.Duration{2 * time.Second, 4 * time.Second, 7 * time.Second, 16 * time.Second}
	if fmt.Sprint(*slept) != fmt.Sprint(want) {
		t.Errorf("slept %v, want %v", *slept, want)
	}
	if len(logged) != 4 || !strings.Contains(logged[0], "502") {
		t.Errorf("logged %q", logged)
	}
	for _, l := range logged {
		if strings.Contains(l, testToken) {
			t.Errorf("log line holds the token: %s", l)
		}
	}
}

func TestUploadNeverRetriesOtherClientErrors(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 413, 422} {
		api := uploads(
			reply(status, `{"message":"refused","documentation_url":"https://docs.github.com/x"}`),
			reply(202, `{"id":"never"}`),
		)
		u, slept := newTestClient(t, api)
		_, err := u.Upload(context.Background(), testAnalysis)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
			t.Fatalf("%d: error %v, want an APIError with that status", status, err)
		}
		if len(api.Requests("")) != 1 || len(*slept) != 0 {
			t.Errorf("%d: %d requests, slept %v; want exactly one try", status, len(api.Requests("")), *slept)
		}
		if msg := err.Error(); !strings.Contains(msg, "refused") || !strings.Contains(msg, "https://docs.github.com/x") || strings.Contains(msg, testToken) {
			t.Errorf("%d: error message %q", status, msg)
		}
	}
}

func TestUploadGivesUp(t *testing.T) {
	fail := reply(500, `{"message":"boom"}`)
	t.Run("after the attempts", func(t *testing.T) {
		api := uploads(fail, fail, fail, fail, fail, fail)
		u, slept := newTestClient(t, api)
		_, err := u.Upload(context.Background(), testAnalysis)
		if err == nil || !strings.Contains(err.Error(), "gave up after 5 tries") {
			t.Fatalf("error %v", err)
		}
		if len(api.Requests("")) != 5 || len(*slept) != 4 {
			t.Errorf("%d requests, %d waits", len(api.Requests("")), len(*slept))
		}
	})
	t.Run("when Retry-After is longer than the run waits", func(t *testing.T) {
		api := uploads(reply(429, `{}`, "Retry-After", "3600"))
		u, _ := newTestClient(t, api)
		_, err := u.Upload(context.Background(), testAnalysis)
		if err == nil || !strings.Contains(err.Error(), "asks to wait 1h0m0s, longer than this run waits") || len(api.Requests("")) != 1 {
			t.Fatalf("error %v after %d requests", err, len(api.Requests("")))
		}
	})
	t.Run("when the deadline comes first", func(t *testing.T) {
		api := uploads(fail, fail, fail, fail)
		u, slept := newTestClient(t, api)
		u.Retry = Retry{Attempts: 10, Base: time.Second}
		_, err := u.Upload(deadline(t, 4*time.Second), testAnalysis)
		// 1s + 2s fit in 4s; the next 4s does not.
		if !errors.Is(err, context.DeadlineExceeded) || len(api.Requests("")) != 3 || fmt.Sprint(*slept) != "[1s 2s]" {
			t.Fatalf("error %v after %d requests, slept %v", err, len(api.Requests("")), *slept)
		}
		if !strings.Contains(err.Error(), "500 Internal Server Error: boom") || !strings.Contains(err.Error(), "asks to wait 4s, more than the 1s left") {
			t.Errorf("error %q does not say why", err)
		}
	})
}

func TestUploadKeepsTheTokenOnTheAPIHost(t *testing.T) {
	var leaked bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Get("Authorization") != ""
		io.WriteString(w, `{"id":"elsewhere"}`)
	}))
	defer other.Close()
	// Another port is another host:port, as another machine would be.
	api := uploads(reply(307, ``, "Location", other.URL+"/x"))
	u, _ := newTestClient(t, api)
	_, err := u.Upload(context.Background(), testAnalysis)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 307 || leaked {
		t.Fatalf("error %v, token sent elsewhere: %v", err, leaked)
	}
}

func TestUploadRefusesPlainHTTPToOtherHosts(t *testing.T) {
	u := &Client{APIURL: "http://api.example.com", Repository: "o/r", Token: testToken}
	_, err := u.Upload(context.Background(), testAnalysis)
	if err == nil || !strings.Contains(err.Error(), "not https") {
		t.Fatalf("error %v", err)
	}
	for _, repo := range []string{"", "noslash", "a/b/c", "/r", "o/"} {
		u := &Client{APIURL: "https://api.github.com", Repository: repo}
		if _, err := u.Upload(context.Background(), testAnalysis); err == nil || !strings.Contains(err.Error(), "owner/name") {
			t.Errorf("repository %q: error %v", repo, err)
		}
	}
}

func TestUploadNetworkErrorKeepsTokenOut(t *testing.T) {
	// A port nothing listens on: every try is a network error.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var slept []time.Duration
	u := &Client{APIURL: "http://" + addr, Repository: "o/r", Token: testToken,
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
	_, err = u.Upload(context.Background(), testAnalysis)
	if err == nil || strings.Contains(err.Error(), testToken) || len(slept) != 4 {
		t.Fatalf("error %v, slept %v", err, slept)
	}
}

func TestWaitForProcessing(t *testing.T) {
	tests := []struct {
		name      string
		responses []testkit.Reply
		status    string
		errors    []string
		slept     string // the wait before each poll
	}{
		{"complete after not found and pending", []testkit.Reply{
			reply(404, `{"message":"Not Found"}`),
			reply(200, `{"processing_status":"pending"}`),
			reply(200, `{"processing_status":"complete","analyses_url":"https://api/x"}`),
		}, "complete", nil, "[2s 4s 8s]"},
		{"failed with GitHub's errors", []testkit.Reply{
			reply(200, `{"processing_status":"failed","errors":["locationFromSarifResult: expected artifact location","second"]}`),
		}, "failed", []string{"locationFromSarifResult: expected artifact location", "second"}, "[2s]"},
		{"still pending when the deadline would pass", []testkit.Reply{
			reply(200, `{"processing_status":"pending"}`),
		}, "pending", nil, "[2s 4s 8s 15s 15s]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := polls(tt.responses...)
			u, slept := newTestClient(t, api)
			p, err := u.WaitForProcessing(deadline(t, 50*time.Second), "abc/def")
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != tt.status || fmt.Sprint(p.Errors) != fmt.Sprint(tt.errors) {
				t.Errorf("got %+v, want status %s errors %q", p, tt.status, tt.errors)
			}
			if fmt.Sprint(*slept) != tt.slept || len(api.Requests("")) != len(*slept) {
				t.Errorf("slept %v over %d polls, want %s, a wait before each poll", *slept, len(api.Requests("")), tt.slept)
			}
			if got := api.Requests("")[0].Path; got != uploadPath+"/abc%2Fdef" {
				t.Errorf("polled %s", got)
			}
		})
	}
	t.Run("without a deadline, PollTimeout", func(t *testing.T) {
		api := polls(reply(200, `{"processing_status":"pending"}`))
		u, slept := newTestClient(t, api)
		u.PollDelay, u.PollTimeout = time.Second, 5*time.Second
		if p, err := u.WaitForProcessing(context.Background(), "x"); err != nil || p.Status != "pending" || fmt.Sprint(*slept) != "[1s 2s]" {
			t.Errorf("%+v, %v, slept %v", p, err, *slept)
		}
	})
}

func TestWaitForProcessingStopsOnOtherErrors(t *testing.T) {
	api := polls(reply(403, `{"message":"Resource not accessible by integration"}`))
	u, _ := newTestClient(t, api)
	if _, err := u.WaitForProcessing(context.Background(), "abc"); err == nil || !strings.Contains(err.Error(), "not accessible") {
		t.Fatalf("error %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	future := testStart.Add(90 * time.Second).Format(http.TimeFormat)
	for in, want := range map[string]time.Duration{"": -1, "0": 0, "12": 12 * time.Second, "soon": -1, "-3": -1, future: 90 * time.Second} {
		if got := parseRetryAfter(in, testStart); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}
