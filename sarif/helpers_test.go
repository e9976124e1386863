package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// schemaPath is the SARIF 2.1.0 schema upload-sarif validates against, in
// the shared directory beside the repository (tests run in sarif/).
var schemaPath = filepath.Join("..", "..", "shared", "schemas", "sarif-schema-2.1.0.json")

// loadSchema compiles the SARIF schema, with format assertions on.
func loadSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatalf("the SARIF schema must be at %s (the repository's ../shared/schemas): %v", schemaPath, err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("reading %s: %v", schemaPath, err)
	}
	fixRegionAnyOf(t, doc)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "file:///sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compiling %s: %v", schemaPath, err)
	}
	return sch
}

// fixRegionAnyOf moves the region's anyOf out of its "properties", where
// the OASIS schema (and so upload-sarif's copy) misplaces it: there it is
// not a valid schema (the metaschema refuses it), and where it belongs it
// says what the spec says, that a region needs startLine, charOffset or
// byteOffset. upload-sarif's validator ignores the misplaced keyword; this
// check is the stricter of the two.
func fixRegionAnyOf(t *testing.T, doc any) {
	t.Helper()
	region, _ := dig(doc, "definitions", "region").(map[string]any)
	props, _ := dig(doc, "definitions", "region", "properties").(map[string]any)
	anyOf, ok := props["anyOf"]
	if !ok {
		return // fixed upstream
	}
	delete(props, "anyOf")
	region["anyOf"] = anyOf
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// validateSchema reports whether data is a SARIF log the schema accepts.
func validateSchema(sch *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

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
