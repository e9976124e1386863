package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit/synth"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// The floor is only a floor if it reads what the scan reads.
func TestSameDefaultsAsTheScan(t *testing.T) {
	if !slices.Equal(include, scan.DefaultInclude) || !slices.Equal(exclude, scan.DefaultExclude) {
		t.Errorf("globs differ from the scan's:\ninclude %q\n   scan %q\nexclude %q\n   scan %q", include, scan.DefaultInclude, exclude, scan.DefaultExclude)
	}
	if maxFileSize != scan.DefaultMaxFileSize {
		t.Errorf("size limit %d, the scan's %d", maxFileSize, scan.DefaultMaxFileSize)
	}
}

// TestReadsWhatTheScanSelects reads the synthetic tree with what the
// globs, the size limit and the CDK asset rule leave out added to it,
// and reads as many files as the scan does, and every byte of them.
func TestReadsWhatTheScanSelects(t *testing.T) {
	root := t.TempDir()
	tree, err := synth.WriteTree(root, 1e6, 3)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"app/node_modules/lib/package.json":   `{"name": "lib"}`,
		"app/.git/config.json":                `{}`,
		"app/README.md":                       "# app\n",
		"app/cdk.out/manifest.json":           `{"version": "36.0.0"}`,
		"app/cdk.out/asset.0123/handler.json": `{}`,
		"app/stack.yaml":                      "Resources: {}\n",
		"app/main.tf":                         "locals {}\n",
	}
	extra := testkit.WriteTree(t, files)
	want := tree.Bytes
	for _, name := range []string{"app/cdk.out/manifest.json", "app/stack.yaml", "app/main.tf"} {
		want += int64(len(files[name]))
	}
	huge, err := os.Create(filepath.Join(extra, "app", "huge.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := huge.Truncate(maxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	huge.Close()

	read, bytes, err := readTrees([]string{root, extra})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(scan.Options{Paths: []string{root, extra}, BaseDir: root, MaxFileSize: scan.DefaultMaxFileSize})
	if err != nil {
		t.Fatal(err)
	}
	if read != rep.Files {
		t.Errorf("read %d files, the scan selects %d", read, rep.Files)
	}
	if bytes != want {
		t.Errorf("read %d bytes, want %d", bytes, want)
	}
}
