package codescanning

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// Analysis is one upload: the SARIF log and the commit it describes.
type Analysis struct {
	CommitSHA   string    // the analysed commit
	Ref         string    // refs/heads/BRANCH, or refs/pull/N/merge or refs/pull/N/head
	CheckoutURI string    // file URI of the directory the paths in the log are relative to
	ToolName    string    // names the analysis in code scanning
	StartedAt   time.Time // when the analysis began
	Log         []byte    // the SARIF log, uncompressed
}

// Processing is GitHub's account of an uploaded log.
type Processing struct {
	// Status is "pending", "complete" or "failed". WaitForProcessing returns
	// "pending" when its time ran out before GitHub finished.
	Status      string   `json:"processing_status"`
	Errors      []string `json:"errors"`
	AnalysesURL string   `json:"analyses_url"`
}

// Upload gzips and base64-encodes the log, posts it and returns the SARIF
// id GitHub assigned.
func (c *Client) Upload(ctx context.Context, a Analysis) (string, error) {
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
	target, err := c.repoURL("/code-scanning/sarifs", nil)
	if err != nil {
		return "", err
	}
	var receipt struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, http.MethodPost, target, body, &receipt); err != nil {
		return "", err
	}
	if receipt.ID == "" {
		return "", errors.New("code scanning accepted the upload but returned no SARIF id")
	}
	return receipt.ID, nil
}

// WaitForProcessing polls the upload's status until GitHub reports it
// complete or failed. The first poll comes after PollDelay, since GitHub
// never has an answer at once, and the waits double from there. When the
// context's deadline (or PollTimeout, without one) would pass before the
// next poll, it returns the status "pending". A 404 while polling means
// the upload is not visible yet, and polling goes on.
func (c *Client) WaitForProcessing(ctx context.Context, id string) (*Processing, error) {
	delay, maxDelay := cmp.Or(c.PollDelay, 2*time.Second), cmp.Or(c.PollMaxDelay, 15*time.Second)
	end, ok := ctx.Deadline()
	if !ok {
		end = c.now().Add(cmp.Or(c.PollTimeout, 2*time.Minute))
	}
	target, err := c.repoURL("/code-scanning/sarifs/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, err
	}
	p := Processing{Status: "pending"}
	for c.now().Add(delay).Before(end) {
		if err := c.sleep(ctx, delay); err != nil {
			return nil, err
		}
		delay = min(2*delay, maxDelay)
		p = Processing{}
		err := c.do(ctx, http.MethodGet, target, nil, &p)
		var apiErr *APIError
		switch {
		case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
			p.Status = "pending"
		case err != nil:
			return nil, err
		case p.Status != "pending":
			return &p, nil
		}
	}
	return &p, nil
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
