package scan

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit/synth"
)

// The benchmarks run each stage of the scan over the synthetic tree
// (benchtree_test.go): by default a 20 MB tree written into the
// benchmark's temporary directory, or the tree given with -benchtree.
// MB/s is over the bytes of the files the stage reads.
//
//	go test ./scan -run '^$' -bench . -benchmem
//	go test ./scan -run '^$' -bench . -benchmem -args -benchtree=/tmp/tree90

// benchFile is one file of the tree, read into memory.
type benchFile struct {
	name string
	data []byte
}

// benchTree returns the root of the tree to benchmark and its files as
// the scan selects them.
func benchTree(b *testing.B) (string, []benchFile) {
	b.Helper()
	root := *benchTreeDir
	if root == "" {
		root = b.TempDir()
		if _, err := synth.WriteTree(root, 20e6, 1); err != nil {
			b.Fatal(err)
		}
	}
	d, err := discover(benchOptions(root))
	if err != nil {
		b.Fatal(err)
	}
	cands := d.files
	files := make([]benchFile, len(cands))
	for i, c := range cands {
		data, err := os.ReadFile(c.path)
		if err != nil {
			b.Fatal(err)
		}
		files[i] = benchFile{c.name, data}
	}
	return root, files
}

func benchOptions(root string) Options {
	abs, _ := filepath.Abs(root)
	return Options{Paths: []string{abs}, BaseDir: abs, Include: DefaultInclude, Exclude: DefaultExclude, MaxFileSize: DefaultMaxFileSize}
}

func totalBytes(files []benchFile) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.data))
	}
	return n
}

// filter keeps the files for which keep is true.
func filter(files []benchFile, keep func([]byte) bool) []benchFile {
	var out []benchFile
	for _, f := range files {
		if keep(f.data) {
			out = append(out, f)
		}
	}
	return out
}

func BenchmarkDiscover(b *testing.B) {
	root, files := benchTree(b)
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := discover(benchOptions(root)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFiles is the floor: reading every file the scan selects.
func BenchmarkReadFiles(b *testing.B) {
	root, files := benchTree(b)
	d, _ := discover(benchOptions(root))
	cands := d.files
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cands {
			if _, err := os.ReadFile(c.path); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkPrefilter(b *testing.B) {
	_, files := benchTree(b)
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	kept, keptBytes := 0, 0
	for b.Loop() {
		kept, keptBytes = 0, 0
		for _, f := range files {
			if extract.MayHoldPolicy(f.data) {
				kept++
				keptBytes += len(f.data)
			}
		}
	}
	b.ReportMetric(float64(kept)/float64(len(files)), "kept/file")
	b.ReportMetric(float64(keptBytes)/float64(totalBytes(files)), "kept/byte")
}

// BenchmarkParseJSON parses every JSON file, as the scan would without
// the pre-filter.
func BenchmarkParseJSON(b *testing.B) {
	_, files := benchTree(b)
	files = filter(files, syntax.LooksLikeJSON)
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if _, _, err := syntax.ParseJSON(source.NewSource(f.data)); err != nil {
				b.Fatal(f.name, err)
			}
		}
	}
}

func BenchmarkParseYAML(b *testing.B) {
	_, files := benchTree(b)
	files = filter(files, func(d []byte) bool { return !syntax.LooksLikeJSON(d) })
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if _, _, err := syntax.ParseYAML(source.NewSource(f.data)); err != nil {
				b.Fatal(f.name, err)
			}
		}
	}
}

// parsedFile is a file that passed the filter, parsed.
type parsedFile struct {
	src   *source.Source
	roots []*syntax.Node
}

func parseAll(b *testing.B, files []benchFile) []parsedFile {
	var out []parsedFile
	for _, f := range filter(files, extract.MayHoldPolicy) {
		src := source.NewSource(f.data)
		roots, _, err := syntax.Parse(src)
		if err != nil {
			b.Fatal(f.name, err)
		}
		out = append(out, parsedFile{src, roots})
	}
	return out
}

func parsedBytes(ps []parsedFile) int64 {
	var n int64
	for _, p := range ps {
		n += int64(len(p.src.Data))
	}
	return n
}

// BenchmarkExtract finds the policies in the parsed files that pass the
// filter.
func BenchmarkExtract(b *testing.B) {
	_, files := benchTree(b)
	parsed := parseAll(b, files)
	b.SetBytes(parsedBytes(parsed))
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range parsed {
			extract.Extract(p.src, p.roots)
		}
	}
}

// BenchmarkEvaluate judges every extracted policy against every rule and
// makes the findings, with one judge as a worker of the scan has.
func BenchmarkEvaluate(b *testing.B) {
	_, files := benchTree(b)
	parsed := parseAll(b, files)
	var docs []extract.Document
	for _, p := range parsed {
		d, _ := extract.Extract(p.src, p.roots)
		docs = append(docs, d...)
	}
	b.SetBytes(parsedBytes(parsed))
	b.ReportAllocs()
	n := 0
	var judge iam.Judge
	for b.Loop() {
		n = 0
		for i := range docs {
			for _, rule := range rules.All {
				rule.Check(&rules.Pass{Rule: rule, File: "f", Policy: &docs[i].Policy, Attachments: docs[i].Attachments, Origin: docs[i].Origin,
					Report: func(rules.Finding) { n++ }, Judge: &judge})
			}
		}
	}
	b.ReportMetric(float64(len(docs)), "policies")
	b.ReportMetric(float64(n), "findings")
}

// BenchmarkScanFile runs the whole per-file pipeline on every file,
// without the pre-filter.
func BenchmarkScanFile(b *testing.B) {
	_, files := benchTree(b)
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			ScanFile(f.name, f.data)
		}
	}
}

// BenchmarkScanFilePrefiltered is the per-file work of a scan: the
// filter, then the pipeline on the files it keeps.
func BenchmarkScanFilePrefiltered(b *testing.B) {
	_, files := benchTree(b)
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if extract.MayHoldPolicy(f.data) {
				ScanFile(f.name, f.data)
			}
		}
	}
}

// BenchmarkRun is a whole scan: discover, read, filter, scan on the worker
// pool, sort.
func BenchmarkRun(b *testing.B) {
	root, files := benchTree(b)
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(benchOptions(root)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunRetained is what a scan keeps from the start of the walk to
// the end of the worker pool, per file of the tree: the list of files
// and the findings, nothing of what was parsed. Twice the tree should
// keep about twice the bytes, and the same per file.
func BenchmarkRunRetained(b *testing.B) {
	root, files := benchTree(b)
	opts := benchOptions(root)
	b.SetBytes(totalBytes(files))
	var kept uint64
	findings := 0
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		d, err := discover(opts)
		if err != nil {
			b.Fatal(err)
		}
		results := scanAll(d.files, &opts)
		runtime.GC()
		runtime.ReadMemStats(&after)
		kept = after.HeapAlloc - before.HeapAlloc
		findings = countFindings(results)
		runtime.KeepAlive(d)
	}
	b.ReportMetric(float64(kept)/float64(len(files)), "kept-B/file")
	b.ReportMetric(float64(kept)/1e6, "kept-MB")
	b.ReportMetric(float64(findings), "findings")
}

// BenchmarkRunOneWorker is BenchmarkRun on one processor: the pool's gain
// is the ratio of the two.
func BenchmarkRunOneWorker(b *testing.B) {
	root, files := benchTree(b)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(benchOptions(root)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkManyStatements scans one policy of 20,000 statements, each a
// finding: every step must stay linear in the statements.
func BenchmarkManyStatements(b *testing.B) {
	data := manyStatements(20_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if res := ScanFile("big.json", data); len(res.Findings) != 20_000 {
			b.Fatalf("findings = %d", len(res.Findings))
		}
	}
}

// manyStatements is a policy of n statements, one a line from line 3,
// each granting ssm:SendCommand on every instance.
func manyStatements(n int) []byte {
	var b bytes.Buffer
	b.WriteString("{\n  \"Statement\": [\n")
	for i := range n {
		sep := ","
		if i == n-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    {\"Sid\": \"S%d\", \"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}%s\n", i, sep)
	}
	b.WriteString("  ]\n}\n")
	return b.Bytes()
}
