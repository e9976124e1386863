package scan

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// Terraform is scanned a module directory at a time: variables, locals and
// the files read through file() and templatefile() are the module's, not
// one file's. The driver groups the .tf, .tf.json and tfvars files of a
// directory into one job; a terragrunt file is a job of its own.

// job is one unit of the worker pool: a file, or a Terraform module.
type job struct {
	files  []candidate
	module bool
}

// jobs groups the discovered files: Terraform module files by directory
// (in the place of the directory's first file), every other file alone.
func jobs(files []candidate) []job {
	out := make([]job, 0, len(files))
	var g grouper
	for i, c := range files {
		switch index, module := g.job(c); {
		case !module:
			out = append(out, job{files: files[i : i+1 : i+1]}) // the file itself, not a copy
		case index < len(out):
			out[index].files = append(out[index].files, c)
		default:
			out = append(out, job{files: []candidate{c}, module: true})
		}
	}
	return out
}

// grouper numbers the jobs of files given one at a time, in the order
// they are found: a file alone takes the next number, and a Terraform
// module the next number when its first file comes.
type grouper struct {
	n       int            // jobs numbered
	modules map[string]int // a module's directory -> its job's number
}

// job returns the number of c's job and whether it is a module's.
func (g *grouper) job(c candidate) (index int, module bool) {
	if c.stdin != nil || !terraform.IsModuleFile(c.name) {
		g.n++
		return g.n - 1, false
	}
	dir := filepath.Dir(c.path)
	if i, ok := g.modules[dir]; ok {
		return i, true
	}
	if g.modules == nil {
		g.modules = map[string]int{}
	}
	g.modules[dir] = g.n
	g.n++
	return g.n - 1, true
}

// scanModule reads the files of a module directory and scans them
// together, unless none of them can hold a policy.
func scanModule(j job, opts *Options) FileResult {
	var res FileResult
	var files []terraform.ModuleFile
	contents := map[string][]byte{}
	may := false
	for _, c := range j.files {
		data, err := readFile(c.path, c.limit, nil)
		if w, bad := readWarning(c, err); bad {
			res.Warnings = append(res.Warnings, w)
			continue
		}
		may = may || terraform.MayHoldPolicy(c.name, data)
		files = append(files, terraform.ModuleFile{Name: c.name, Data: data})
		contents[c.name] = data
	}
	if !may {
		return res
	}
	first := j.files[0]
	dir, shown := filepath.Dir(first.path), path.Dir(first.name)
	limit := first.limit
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	files = append(files, autoTfvars(dir, shown, limit, contents, &res)...)
	read := func(rel string) (string, []byte, error) {
		name, data, err := readInModule(dir, shown, rel, limit)
		if err == nil {
			contents[name] = data
		}
		return name, data, err
	}
	more := scanTerraform(files, read)
	res.Findings, res.Exempted = more.Findings, more.Exempted
	for name := range contents {
		if !slices.ContainsFunc(files, func(f terraform.ModuleFile) bool { return f.Name == name }) {
			res.read = append(res.read, name)
		}
	}
	res.Warnings = append(res.Warnings, more.Warnings...)
	if opts.Excerpts {
		for name, data := range contents {
			addExcerpts(data, name, res.Findings)
		}
	}
	if opts.LineHashes != nil {
		hashFindings(&res, func(file string) []byte { return contents[file] }, opts.LineHashes)
	}
	return res
}

// autoTfvars reads the tfvars files Terraform loads by itself, whether the
// globs select them or not: they are the values of the module's variables.
func autoTfvars(dir, shown string, limit int64, have map[string][]byte, res *FileResult) []terraform.ModuleFile {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []terraform.ModuleFile
	for _, e := range entries {
		name := path.Join(shown, e.Name())
		if !e.Type().IsRegular() || !terraform.AutoTfvars(e.Name()) || have[name] != nil {
			continue
		}
		data, err := readFile(filepath.Join(dir, e.Name()), limit, nil)
		if w, bad := readWarning(candidate{name: name}, err); bad {
			res.Warnings = append(res.Warnings, w)
			continue
		}
		have[name] = data
		out = append(out, terraform.ModuleFile{Name: name, Data: data})
	}
	return out
}

// errLeavesModule is a path given to file() or templatefile() that is not
// inside the module directory.
var errLeavesModule = errors.New("the path leaves the module directory")

// readInModule reads a file of the module directory dir for file() and
// templatefile(): never a path that leaves it, by name or by a symbolic
// link, and never anything but a regular file within the size limit.
func readInModule(dir, shown, rel string, limit int64) (string, []byte, error) {
	clean := path.Clean(strings.ReplaceAll(rel, `\`, "/"))
	if path.IsAbs(clean) || filepath.IsAbs(rel) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", nil, errLeavesModule
	}
	full := filepath.Join(dir, filepath.FromSlash(clean))
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", nil, unwrapPathError(err)
	}
	target, err := filepath.EvalSymlinks(full)
	if err != nil {
		return "", nil, unwrapPathError(err)
	}
	if r, err := filepath.Rel(realDir, target); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", nil, errLeavesModule
	}
	data, err := readFile(target, limit, nil)
	var tooLarge errTooLarge
	switch {
	case errors.As(err, &tooLarge):
		return "", nil, err
	case err != nil:
		return "", nil, unwrapPathError(err)
	}
	return path.Join(shown, clean), data, nil
}

// readWarning turns a read error into the warning the scan reports.
func readWarning(c candidate, err error) (source.Warning, bool) {
	switch {
	case err == nil:
		return source.Warning{}, false
	case errors.Is(err, errNotRegular):
		return source.Warning{File: c.name, Message: "skipped: not a regular file"}, true
	case errors.As(err, new(errTooLarge)):
		return source.Warning{File: c.name, Message: "skipped: " + err.Error()}, true
	}
	return source.Warning{File: c.name, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}, true
}

// scanTerraform extracts and evaluates the files of one module with every
// rule, applies its suppression comments, and keeps one result per
// statement and rule.
func scanTerraform(files []terraform.ModuleFile, read terraform.ReadFunc) FileResult {
	var res FileResult
	tf := terraform.Extract(files, read)
	res.Warnings = append(res.Warnings, tf.Warnings...)
	comments := exempt.NewComments(func(w source.Warning) { res.Warnings = append(res.Warnings, w) })
	for _, c := range tf.Comments {
		comments.Add(c.File, c.Pos, c.Text)
	}
	seen := map[seenKey]bool{}
	var found []rules.Finding
	pass := rules.Pass{Report: func(f rules.Finding) { found = append(found, f) }}
	for i := range tf.Docs {
		doc := &tf.Docs[i]
		pass.Policy, pass.Attachments, pass.Origin, pass.Files = &doc.Policy, doc.Attachments, doc.Origin, doc.Files
		pass.File = files[0].Name
		if i := slices.IndexFunc(doc.Files, func(f string) bool { return f != "" }); i >= 0 {
			pass.File = doc.Files[i]
		}
		for _, rule := range rules.All {
			pass.Rule, found = rule, found[:0]
			rule.Check(&pass)
			for _, f := range found {
				key := seenKey{resultKey: resultKey{f.File, f.Span, f.RuleID}}
				if len(doc.Attachments) > 0 {
					key.principal, key.identity, key.policy = f.Origin.Resource, f.Origin.Identity, f.Origin.PolicyName
				}
				if seen[key] {
					continue
				}
				seen[key] = true
				if ex, ok := suppress(comments, doc.Suppressions, f); ok {
					res.Exempted = append(res.Exempted, ex)
					continue
				}
				res.Findings = append(res.Findings, f)
			}
		}
	}
	comments.Unused()
	return res
}

// suppress applies the first comment of a document that stands before
// the finding's statement or the whole document.
func suppress(comments *exempt.Comments, sups []extract.Suppression, f rules.Finding) (exempt.Exempted, bool) {
	for _, s := range sups {
		if s.Span != nil && (s.File != f.File || *s.Span != f.Span) {
			continue
		}
		if ex, ok := comments.Suppress(f, s.Comment.File, s.Comment.Pos); ok {
			return ex, true
		}
	}
	return exempt.Exempted{}, false
}

// resultKey is what makes a result one: a statement (its place) and a
// rule.
type resultKey struct {
	file string
	span source.Span
	rule string
}

// seenKey is what makes a result of a module one: a statement and a
// rule, and for an attachment also the principal and the policy, since
// one place may attach policies to several principals (the roles of an
// aws_iam_policy_attachment) or name several policies (each.value).
type seenKey struct {
	resultKey
	principal, identity, policy string
}

// oneResultPerStatement keeps one result per statement and rule where a
// Terraform module reports a statement of a file that is also scanned on
// its own (a policy JSON read through file()): the more severe one, and
// the module's (which names the Terraform address) when they are equal.
func oneResultPerStatement(js []job, results []*FileResult) {
	fromModules := map[resultKey]rules.Severity{}
	for i, j := range js {
		if !j.module || results[i] == nil {
			continue
		}
		for _, f := range allFindings(results[i]) {
			key := resultKey{f.File, f.Span, f.RuleID}
			if sev, ok := fromModules[key]; !ok || f.Severity > sev {
				fromModules[key] = f.Severity
			}
		}
	}
	if len(fromModules) == 0 {
		return
	}
	dropped := map[resultKey]bool{}
	for i, j := range js {
		r := results[i]
		if j.module || r == nil {
			continue
		}
		keep := func(f *rules.Finding) bool {
			key := resultKey{f.File, f.Span, f.RuleID}
			sev, ok := fromModules[key]
			if !ok {
				return true
			}
			if f.Severity > sev {
				dropped[key] = true
				return true
			}
			return false
		}
		r.Findings = slices.DeleteFunc(r.Findings, func(f rules.Finding) bool { return !keep(&f) })
		r.Exempted = slices.DeleteFunc(r.Exempted, func(e exempt.Exempted) bool { return !keep(&e.Finding) })
	}
	for i, j := range js {
		r := results[i]
		if !j.module || r == nil || len(dropped) == 0 {
			continue
		}
		r.Findings = slices.DeleteFunc(r.Findings, func(f rules.Finding) bool { return dropped[resultKey{f.File, f.Span, f.RuleID}] })
		r.Exempted = slices.DeleteFunc(r.Exempted, func(e exempt.Exempted) bool {
			return dropped[resultKey{e.File, e.Span, e.RuleID}]
		})
	}
}

func allFindings(r *FileResult) []rules.Finding {
	out := append([]rules.Finding{}, r.Findings...)
	for _, e := range r.Exempted {
		out = append(out, e.Finding)
	}
	return out
}
