package scan

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// Options says what to scan.
type Options struct {
	Paths       []string // files or directories; default "."
	Include     []string // doublestar globs relative to each path
	Exclude     []string
	MaxFileSize int64  // bytes; 0 means no limit
	BaseDir     string // paths in results are relative to it; default the working directory
	// Stdin is read as one file for the path "-", and shown as StdinName
	// (default "<stdin>"): an editor or a hook names the file it pipes.
	Stdin     io.Reader
	StdinName string
	// LineHashes, when set, fingerprints the lines of a file on which
	// findings start (SARIF's primaryLocationLineHash): it gets the file's
	// content and those lines (1-based, ascending, no repeats) and returns
	// one hash per line. It runs while the file is still in memory, so no
	// file is read twice. The CDK link step runs it on the app source
	// files it shows findings in.
	LineHashes lineHasher
	// Excerpts, when set, keeps each open finding's first line on it
	// (Finding.Excerpt) for a terminal, taken while the file is in memory.
	Excerpts bool
	// FindUnselected, when set, looks for policies in the files the
	// include globs skip, among those whose name and size make it likely
	// (Report.Unselected): a policy saved as .tpl or without an extension.
	FindUnselected bool
	// Config exempts findings; nil means none.
	Config *exempt.Config
	// Now is the clock exemption expiry is judged by; nil means time.Now.
	Now func() time.Time
}

// Report is the result of a scan.
type Report struct {
	Rules    []*rules.Rule     // the rules that ran
	Findings []rules.Finding   // open findings, most severe first
	Exempted []exempt.Exempted // accepted by config or template Metadata, with the reason
	Warnings []source.Warning
	Files    int
	Config   string // the exemptions config applied, as its path is shown; "" for none
	// Unselected are files the include globs skip that hold a policy
	// (with Options.FindUnselected).
	Unselected []string
}

// Run scans the files opts selects. The error is for what stops the whole
// scan (a path that does not exist, a bad glob); a file that cannot be
// read or parsed is a warning and costs no other file its findings.
func Run(opts Options) (*Report, error) {
	if len(opts.Paths) == 0 {
		opts.Paths = []string{"."}
	}
	if opts.Include == nil {
		opts.Include = DefaultInclude
	}
	if opts.Exclude == nil {
		opts.Exclude = DefaultExclude
	}
	if opts.BaseDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		opts.BaseDir = wd
	}
	base, err := filepath.Abs(opts.BaseDir)
	if err != nil {
		return nil, err
	}
	opts.BaseDir = base
	d, err := discover(opts)
	if err != nil {
		return nil, err
	}
	js := jobs(d.files)
	results := scanAll(js, &opts)
	oneResultPerStatement(js, results)
	warnings := append(d.warnings, linkCDK(jobFiles(js), results, opts)...)
	rep := &Report{Rules: rules.All, Warnings: warnings, Files: len(d.files), Unselected: holdingPolicies(notRead(d.unselected, results))}
	if opts.Config != nil {
		rep.Config = opts.Config.Path
	}
	var findings []rules.Finding
	for _, r := range results {
		findings = append(findings, r.Findings...)
		rep.Exempted = append(rep.Exempted, r.Exempted...)
		rep.Warnings = append(rep.Warnings, r.Warnings...)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	rules.SortFindings(findings)
	open, exempted, configWarnings := opts.Config.Apply(findings, now())
	rep.Findings = append([]rules.Finding{}, open...)
	rep.Exempted = append(rep.Exempted, exempted...)
	rep.Warnings = append(rep.Warnings, configWarnings...)
	exempt.Sort(rep.Exempted)
	source.SortWarnings(rep.Warnings)
	return rep, nil
}

// scanAll reads and scans the jobs on a pool of GOMAXPROCS workers; each
// result lands at its job's index, so the order never depends on timing.
func scanAll(js []job, opts *Options) []FileResult {
	results := make([]FileResult, len(js))
	parallel(len(js), func(i int, buf []byte) []byte {
		if js[i].module {
			results[i] = scanModule(js[i], opts)
			return buf
		}
		results[i], buf = scanCandidate(js[i].files[0], opts, buf)
		return buf
	})
	return results
}

// parallel runs work for 0..n-1 on a pool of GOMAXPROCS workers. Each
// worker has a file buffer that work is given and returns, reused from
// file to file.
func parallel(n int, work func(i int, buf []byte) []byte) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Go(func() {
			var buf []byte
			for i := range next {
				buf = work(i, buf)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// scanCandidate reads a file into buf and scans it; it returns buf for the
// next file (ScanFile keeps no reference to the bytes it is given).
func scanCandidate(c candidate, opts *Options, buf []byte) (FileResult, []byte) {
	var data []byte
	var err error
	if c.stdin != nil {
		data, err = readAll(c.stdin, 0, c.limit, buf)
	} else {
		data, err = readFile(c.path, c.limit, buf)
	}
	if w, bad := readWarning(c, err); bad {
		return FileResult{Warnings: []source.Warning{w}}, data
	}
	if c.assembly != "" {
		// A template that holds no policy may still point at a nested
		// stack's template, which the link step needs to know.
		if !extract.MayHoldPolicy(data) && !bytes.Contains(data, []byte("aws:asset:path")) {
			return FileResult{}, data
		}
		return keepLines(ScanAssemblyFile(c.name, data), c.name, data, opts), data
	}
	if !mayHoldPolicy(c.name, data) {
		return FileResult{}, data // cannot hold a policy: not worth a parse
	}
	return keepLines(ScanFile(c.name, data), c.name, data, opts), data
}

// mayHoldPolicy is the pre-filter of the reader that reads the file.
func mayHoldPolicy(name string, data []byte) bool {
	if terraform.Is(name) {
		return terraform.MayHoldPolicy(name, data)
	}
	return extract.MayHoldPolicy(data)
}

// keepLines takes from a file's data, while it is in memory, what the
// outputs need of the lines with findings: for a terminal, each finding's
// excerpt, and the line fingerprints.
func keepLines(res FileResult, name string, data []byte, opts *Options) FileResult {
	if opts.Excerpts {
		addExcerpts(data, name, res.Findings)
	}
	if opts.LineHashes != nil {
		hashFindings(&res, func(string) []byte { return data }, opts.LineHashes)
	}
	return res
}

// lineHasher is the type of Options.LineHashes.
type lineHasher = func(content []byte, lines []int) []string

// hashFindings sets the line fingerprint of every finding of res, open or
// exempted, from the contents of its file: each file is hashed once, for
// the lines its findings start on.
func hashFindings(res *FileResult, contents func(file string) []byte, lineHashes lineHasher) {
	byFile := map[string][]*rules.Finding{}
	var files []string
	add := func(f *rules.Finding) {
		if _, ok := byFile[f.File]; !ok {
			files = append(files, f.File)
		}
		byFile[f.File] = append(byFile[f.File], f)
	}
	for i := range res.Findings {
		add(&res.Findings[i])
	}
	for i := range res.Exempted {
		add(&res.Exempted[i].Finding)
	}
	for _, file := range files {
		if data := contents(file); data != nil {
			hashLines(data, byFile[file], lineHashes)
		}
	}
}

// hashLines sets the line fingerprint of findings from data, the content
// of their file.
func hashLines(data []byte, found []*rules.Finding, lineHashes lineHasher) {
	lines := make([]int, 0, len(found))
	for _, f := range found {
		lines = append(lines, f.Span.Start.Line)
	}
	slices.Sort(lines)
	lines = slices.Compact(lines)
	hashes := lineHashes(data, lines)
	for _, f := range found {
		i, _ := slices.BinarySearch(lines, f.Span.Start.Line)
		f.LineHash = hashes[i]
	}
}
