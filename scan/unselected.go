package scan

import (
	"io/fs"
	"path/filepath"
	"slices"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// Files the include globs skip are worth a look when their name says
// nothing of their format (no extension) or says text (.tpl, .policy,
// .txt): policies are often saved so. Larger ones are not read.
var unselectedExtensions = map[string]bool{"": true, ".tpl": true, ".policy": true, ".txt": true}

const unselectedMaxSize = 1 << 20

// probeUnselected notes a file the include globs skip that may hold a
// policy by its name and size; only such files are read, after the scan.
func (d *discoverer) probeUnselected(path, abs, rel string, entry fs.DirEntry) {
	if !unselectedExtensions[filepath.Ext(entry.Name())] || !entry.Type().IsRegular() || d.excluded(rel) {
		return
	}
	info, err := entry.Info()
	if err != nil || info.Size() == 0 || info.Size() > unselectedMaxSize {
		return
	}
	d.unselected = append(d.unselected, candidate{path: path, name: d.displayAbs(abs), limit: unselectedMaxSize})
}

// holdingPolicies returns the names of the files that hold a policy
// document, in the order given.
func holdingPolicies(files []candidate) []string {
	if len(files) == 0 {
		return nil
	}
	holds := make([]bool, len(files))
	parallel(len(files), func(i int, w *worker) {
		var err error
		w.buf, err = readFile(files[i].path, files[i].limit, w.buf)
		holds[i] = err == nil && holdsPolicy(w.buf)
	})
	var names []string
	for i, f := range files {
		if holds[i] {
			names = append(names, f.name)
		}
	}
	return names
}

// holdsPolicy reports whether the extractor finds a policy document in
// data. The pre-filter alone would say yes to any file with a backslash
// before a line break, such as a shell script.
func holdsPolicy(data []byte) bool {
	if !extract.MayHoldPolicy(data) {
		return false
	}
	text, _, err := source.Decode(data)
	if err != nil {
		return false
	}
	src := source.NewSource(text)
	roots, _, err := syntax.Parse(src)
	if err != nil {
		return false
	}
	docs, _ := extract.Extract(src, roots)
	return len(docs) > 0
}

// notRead drops the files a Terraform module read through file() or
// templatefile(): those are scanned, though the globs do not select them.
func notRead(files []candidate, results []*FileResult) []candidate {
	read := map[string]bool{}
	for _, r := range results {
		if r == nil {
			continue
		}
		for _, name := range r.read {
			read[name] = true
		}
	}
	if len(read) == 0 {
		return files
	}
	return slices.DeleteFunc(files, func(c candidate) bool { return read[c.name] })
}
