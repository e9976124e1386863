package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// scanTree scans testdata/<name>/ the way main does, with paths relative
// to that directory.
func scanTree(t *testing.T, name string) *scan.Report {
	t.Helper()
	dir := filepath.Join("testdata", name)
	rep, err := scan.Run(scan.Options{Paths: []string{dir}, BaseDir: dir, LineHashes: LineHashes})
	if err != nil {
		t.Fatalf("scanning %s: %v", dir, err)
	}
	return rep
}

// writeLog is Write into a byte slice.
func writeLog(t *testing.T, rep *scan.Report, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, rep, opts); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// writeWith is build with the given limits.
func writeWith(t *testing.T, rep *scan.Report, opts Options, lim limits) []byte {
	t.Helper()
	_, data, err := build(rep, opts, lim)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return data
}

// findNull returns the JSON path of the first null in data, or "".
func findNull(data []byte) (string, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return "", err
	}
	return nullPath(v, "$"), nil
}

func nullPath(v any, path string) string {
	switch v := v.(type) {
	case nil:
		return path
	case map[string]any:
		for k, e := range v {
			if p := nullPath(e, path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		for i, e := range v {
			if p := nullPath(e, path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	}
	return ""
}

// countNullTokens counts the null tokens in the JSON text data.
func countNullTokens(data []byte) (int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		if tok == nil {
			n++
		}
	}
}
