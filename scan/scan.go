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
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
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
	sc := startScanning(&opts)
	d, err := discoverWith(opts, sc.found)
	results := sc.finish()
	if err != nil {
		return nil, err
	}
	js := jobs(d.files)
	oneResultPerStatement(js, results)
	warnings := append(d.warnings, linkCDK(js, results, opts)...)
	rep := &Report{Rules: rules.All, Warnings: warnings, Files: len(d.files), Unselected: holdingPolicies(notRead(d.unselected, results))}
	if opts.Config != nil {
		rep.Config = opts.Config.Path
	}
	findings := make([]rules.Finding, 0, countFindings(results))
	for i, r := range results {
		if r == nil {
			continue
		}
		findings = append(findings, r.Findings...)
		rep.Exempted = append(rep.Exempted, r.Exempted...)
		rep.Warnings = append(rep.Warnings, r.Warnings...)
		results[i] = nil // its findings are copied: one copy at a time
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	rules.SortFindings(findings)
	open, exempted, configWarnings := opts.Config.Apply(findings, now())
	rep.Findings = open
	rep.Exempted = append(rep.Exempted, exempted...)
	rep.Warnings = append(rep.Warnings, configWarnings...)
	exempt.Sort(rep.Exempted)
	source.SortWarnings(rep.Warnings)
	return rep, nil
}

// scanning is the worker pool of a scan, fed while the walk goes on:
// a file is scanned as soon as it is found, and a Terraform module's
// files, read together, once the walk has found them all. Each result
// lands at its job's number (as jobs gives them), so the order never
// depends on timing. A job that yields nothing leaves nil: most files
// hold no policy, and the scan keeps nothing of them.
type scanning struct {
	jobs    grouper
	modules map[int]*job // the modules found so far, by number
	send    chan<- numberedJob
	wait    func()
	mu      sync.Mutex
	results map[int]*FileResult
}

type numberedJob struct {
	index int
	job
}

func startScanning(opts *Options) *scanning {
	sc := &scanning{modules: map[int]*job{}, results: map[int]*FileResult{}}
	sc.send, sc.wait = startWorkers(func(j numberedJob, w *worker) {
		var res FileResult
		if j.module {
			res = scanModule(j.job, opts)
		} else {
			res = scanCandidate(j.files[0], opts, w)
		}
		if !res.empty() {
			sc.mu.Lock()
			sc.results[j.index] = &res
			sc.mu.Unlock()
		}
	})
	return sc
}

// found takes a file the walk has found.
func (sc *scanning) found(c candidate) {
	switch index, module := sc.jobs.job(c); {
	case !module:
		sc.send <- numberedJob{index, job{files: []candidate{c}}}
	case sc.modules[index] != nil:
		sc.modules[index].files = append(sc.modules[index].files, c)
	default:
		sc.modules[index] = &job{files: []candidate{c}, module: true}
	}
}

// finish scans the modules once the walk is over, waits for every job
// and returns the results by job number.
func (sc *scanning) finish() []*FileResult {
	for index, j := range sc.modules {
		sc.send <- numberedJob{index, *j}
	}
	sc.wait()
	results := make([]*FileResult, sc.jobs.n)
	for index, r := range sc.results {
		results[index] = r
	}
	return results
}

// scanAll scans files as a scan does while its walk finds them.
func scanAll(files []candidate, opts *Options) []*FileResult {
	sc := startScanning(opts)
	for _, c := range files {
		sc.found(c)
	}
	return sc.finish()
}

// countFindings is the number of open findings of results.
func countFindings(results []*FileResult) int {
	n := 0
	for _, r := range results {
		if r != nil {
			n += len(r.Findings)
		}
	}
	return n
}

// worker is what a worker of the pool reuses from file to file, so that
// a scan takes memory for its largest file rather than for every file.
type worker struct {
	buf   []byte       // the file read last
	nodes syntax.Nodes // the nodes of the tree parsed last
	judge iam.Judge    // what judging the policies so far found out
}

// startWorkers starts GOMAXPROCS workers that do work for each value sent
// on send; wait closes send and waits for them to finish.
func startWorkers[T any](work func(v T, w *worker)) (send chan<- T, wait func()) {
	next := make(chan T)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var w worker
			for v := range next {
				work(v, &w)
			}
		})
	}
	return next, func() {
		close(next)
		wg.Wait()
	}
}

// parallel runs work for 0..n-1 on a pool of GOMAXPROCS workers.
func parallel(n int, work func(i int, w *worker)) {
	send, wait := startWorkers(work)
	for i := range n {
		send <- i
	}
	wait()
}

// scanCandidate reads a file into the worker's buffer and scans it, its
// tree taking the worker's nodes. Nothing it returns refers to either, so
// the next file takes them again.
func scanCandidate(c candidate, opts *Options, w *worker) FileResult {
	var err error
	if c.stdin != nil {
		w.buf, err = readAll(c.stdin, 0, c.limit, w.buf)
	} else {
		w.buf, err = readFile(c.path, c.limit, w.buf)
	}
	data := w.buf
	if warning, bad := readWarning(c, err); bad {
		return FileResult{Warnings: []source.Warning{warning}}
	}
	defer w.nodes.Reset()
	if c.assembly != "" {
		// A template that holds no policy may still point at a nested
		// stack's template, which the link step needs to know.
		if !extract.MayHoldPolicy(data) && !bytes.Contains(data, []byte("aws:asset:path")) {
			return FileResult{}
		}
		return keepLines(scanFile(c.name, data, true, w), c.name, data, opts)
	}
	if !mayHoldPolicy(c.name, data) {
		return FileResult{} // cannot hold a policy: not worth a parse
	}
	return keepLines(scanFileWith(c.name, data, w), c.name, data, opts)
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
