package codescanning

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

func TestContents(t *testing.T) {
	const base = "0123456789abcdef0123456789abcdef01234567"
	config := "exemptions:\n  - files: [a.json]\n    reason: r\n"
	encoded := base64.StdEncoding.EncodeToString([]byte(config))
	// GitHub wraps the base64 at 60 characters.
	wrapped := encoded[:20] + `\n` + encoded[20:]
	api := new(testkit.FakeGitHub).
		On("GET", "/repos/octo/repo/contents/conf%20dir/.ssm-guardrails.yml", reply(200, `{"type":"file","encoding":"base64","content":"`+wrapped+`"}`)).
		On("GET", "/repos/octo/repo/contents/dir", reply(200, `[{"type":"file"}]`)).
		On("GET", "/repos/octo/repo/contents/big.yml", reply(200, `{"type":"file","encoding":"none","content":""}`))
	c, _ := newTestClient(t, api)
	got, err := c.Contents(context.Background(), "conf dir/.ssm-guardrails.yml", base)
	if err != nil || string(got) != config {
		t.Fatalf("Contents = %q, %v", got, err)
	}
	req := api.Requests("GET")[0]
	if req.Query != "ref="+base || req.Header.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("query %q, authorization %q", req.Query, req.Header.Get("Authorization"))
	}

	var apiErr *APIError
	if _, err := c.Contents(context.Background(), "missing.yml", base); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Errorf("missing file: %v", err)
	}
	for path, want := range map[string]string{"dir": "unexpected response", "big.yml": "not a file whose contents the API returns"} {
		if _, err := c.Contents(context.Background(), path, base); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
	}
}
