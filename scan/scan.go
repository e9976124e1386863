package scan

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
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
	// LineHashes, when set, fingerprints every line of a file that has
	// findings (SARIF's primaryLocationLineHash); it runs while the file
	// is still in memory, so no file is read twice.
	LineHashes func(content []byte) []string
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
	files, warnings, err := discover(opts)
	if err != nil {
		return nil, err
	}
	js := jobs(files)
	results := scanAll(js, opts.LineHashes)
	oneResultPerStatement(js, results)
	rep := &Report{Rules: rules.All, Warnings: warnings, Files: len(files)}
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
func scanAll(js []job, lineHashes func([]byte) []string) []FileResult {
	results := make([]FileResult, len(js))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(js), 1)) {
		wg.Go(func() {
			var buf []byte // this worker's file buffer, reused from file to file
			for i := range next {
				if js[i].module {
					results[i] = scanModule(js[i], lineHashes)
					continue
				}
				results[i], buf = scanCandidate(js[i].files[0], lineHashes, buf)
			}
		})
	}
	for i := range js {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// scanCandidate reads a file into buf and scans it; it returns buf for the
// next file (ScanFile keeps no reference to the bytes it is given).
func scanCandidate(c candidate, lineHashes func([]byte) []string, buf []byte) (FileResult, []byte) {
	data, err := readFile(c.path, c.limit, buf)
	if w, bad := readWarning(c, err); bad {
		return FileResult{Warnings: []source.Warning{w}}, data
	}
	if !mayHoldPolicy(c.name, data) {
		return FileResult{}, data // cannot hold a policy: not worth a parse
	}
	res := ScanFile(c.name, data)
	if lineHashes != nil && len(res.Findings)+len(res.Exempted) > 0 {
		hashFindings(&res, func(string) []byte { return data }, lineHashes)
	}
	return res, data
}

// mayHoldPolicy is the pre-filter of the reader that reads the file.
func mayHoldPolicy(name string, data []byte) bool {
	if extract.IsTerraform(name) {
		return extract.MayHoldTerraformPolicy(name, data)
	}
	return extract.MayHoldPolicy(data)
}
