package scan

import (
	"flag"
	"fmt"
	"slices"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit/synth"
)

// The benchmark tree is the synthetic monorepo of package synth.
//
//	go test ./scan -run TestWriteBenchTree -args -benchtree=/tmp/tree -benchtree-mb=90
var (
	benchTreeDir  = flag.String("benchtree", "", "TestWriteBenchTree writes the synthetic tree here; benchmarks scan it when set")
	benchTreeMB   = flag.Int("benchtree-mb", 20, "size of the synthetic tree in MB (10^6 bytes)")
	benchTreeSeed = flag.Uint64("benchtree-seed", 1, "seed of the synthetic tree")
)

// TestWriteBenchTree writes the tree for the documented timing commands;
// without -benchtree it does nothing.
func TestWriteBenchTree(t *testing.T) {
	if *benchTreeDir == "" {
		t.Skip("no -benchtree=DIR given")
	}
	tree, err := synth.WriteTree(*benchTreeDir, int64(*benchTreeMB)*1e6, *benchTreeSeed)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d files, %d bytes (%d YAML), %d planted findings under %s", tree.Files, tree.Bytes, tree.YAMLBytes, len(tree.Expected), *benchTreeDir)
}

// TestBenchTreeFindings scans a small tree and finds every planted finding
// at its line, and nothing else: the generator, the pre-filter and the
// whole pipeline agree.
func TestBenchTreeFindings(t *testing.T) {
	root := t.TempDir()
	tree, err := synth.WriteTree(root, 2e6, 7)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(Options{Paths: []string{root}, BaseDir: root, MaxFileSize: DefaultMaxFileSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) > 0 {
		t.Errorf("warnings: %v", rep.Warnings)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%s:%d %s", f.File, f.Span.Start.Line, f.RuleID))
	}
	slices.Sort(got)
	if len(tree.Expected) < 10 {
		t.Errorf("only %d planted findings; the tree should plant more", len(tree.Expected))
	}
	if !slices.Equal(got, tree.Expected) {
		t.Errorf("findings differ from the planted ones\n got: %q\nwant: %q", got, tree.Expected)
	}
	if rep.Files != tree.Files {
		t.Errorf("scanned %d files, wrote %d", rep.Files, tree.Files)
	}
}
