package scan_test

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit/synth"
	"github.com/ssm-guardrails/ssm-guardrails/sarif"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// BenchmarkRunSARIF is the scan of the binary's --format sarif, in one
// process: the scan with line fingerprints, then the log, on the tree of
// the other benchmarks (-benchtree, or 20 MB written for the run).
func BenchmarkRunSARIF(b *testing.B) {
	root := flag.Lookup("benchtree").Value.String()
	if root == "" {
		root = b.TempDir()
		if _, err := synth.WriteTree(root, 20e6, 1); err != nil {
			b.Fatal(err)
		}
	}
	root, err := filepath.Abs(root)
	if err != nil {
		b.Fatal(err)
	}
	opts := scan.Options{Paths: []string{root}, BaseDir: root, MaxFileSize: scan.DefaultMaxFileSize, LineHashes: sarif.LineHashes}
	var size int64
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, err := d.Info()
			if err == nil {
				size += info.Size()
			}
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := scan.Run(opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := sarif.Write(io.Discard, rep, sarif.Options{Version: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}
