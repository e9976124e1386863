package codescanning

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Contents returns the file at path (slash-separated, from the
// repository's root) in the commit ref, through GET /repos/{owner}/
// {repo}/contents/{path}?ref={ref}; the token needs contents: read. A file
// that is not there is an *APIError with status 404.
func (c *Client) Contents(ctx context.Context, path, ref string) ([]byte, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	target, err := c.repoURL("/contents/"+strings.Join(parts, "/"), url.Values{"ref": {ref}})
	if err != nil {
		return nil, err
	}
	var file struct {
		Type     string `json:"type"`
		Encoding string `json:"encoding"`
		Content  string `json:"content"`
	}
	if err := c.do(ctx, http.MethodGet, target, nil, &file); err != nil {
		return nil, err
	}
	if file.Type != "file" || file.Encoding != "base64" {
		// A directory, a link, or a file too large for this API (its
		// encoding is "none").
		return nil, fmt.Errorf("GET %s: not a file whose contents the API returns (type %q, encoding %q)", target, file.Type, file.Encoding)
	}
	data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(file.Content, "\n", ""))
	if err != nil {
		return nil, fmt.Errorf("GET %s: contents are not base64: %w", target, err)
	}
	return data, nil
}
