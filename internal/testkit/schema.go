package testkit

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SARIFSchema compiles the SARIF 2.1.0 schema that GitHub's upload-sarif
// validates with, format assertions on. It is the file SARIF_SCHEMA
// names, else ../shared/schemas/sarif-schema-2.1.0.json beside the
// repository. Without either the test is skipped, saying where the schema
// is looked for; under CI=true that is a failure, so that CI never passes
// without having checked the logs.
func SARIFSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	shared := filepath.Join(SharedDir(t), "schemas", "sarif-schema-2.1.0.json")
	path := os.Getenv("SARIF_SCHEMA")
	if path == "" {
		path = shared
	}
	f, err := os.Open(path)
	if err != nil {
		msg := "no SARIF schema: set SARIF_SCHEMA to the SARIF 2.1.0 schema, or put the shared directory beside the repository (" + shared + "): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	fixRegionAnyOf(doc)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "file:///sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compiling %s: %v", path, err)
	}
	return sch
}

// fixRegionAnyOf moves the region's anyOf out of its "properties", where
// the OASIS schema (and so upload-sarif's copy) misplaces it: there it is
// not a valid schema (the metaschema refuses it), and where it belongs it
// says what the spec says, that a region needs startLine, charOffset or
// byteOffset. upload-sarif's validator ignores the misplaced keyword; this
// check is the stricter of the two.
func fixRegionAnyOf(doc any) {
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

// ValidateSARIF reports whether data is a SARIF log the schema accepts.
func ValidateSARIF(sch *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
