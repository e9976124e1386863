// Package testkit is the scaffolding the tests share, written once: the
// repository's root and the shared directory beside it, a tree writer,
// golden files with one -update flag, fuzz seeds, the SARIF schema, and a
// stand-in for the GitHub API. Only tests import it.
package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot is the directory that holds go.mod, found from the working
// directory of the test (the package's own directory).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// SharedDir is ../shared beside the repository: the real-world corpus,
// the SARIF schema and the managed policy dataset. It may be absent (a
// contributor's clone); CI always has it.
func SharedDir(t testing.TB) string {
	return filepath.Join(filepath.Dir(RepoRoot(t)), "shared")
}

// WriteTree writes files (slash-separated path -> content) under a new
// temporary directory and returns it.
func WriteTree(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// CopyDir copies the directory src, with everything below it, to dst.
func CopyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
