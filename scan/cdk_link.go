package scan

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/cdk"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// TemplateStatement is the message of the related location that a CDK
// finding shown at its app source line keeps: the statement itself.
const TemplateStatement = "statement in the synthesized template"

// The link step shows a finding in a template of a CDK cloud assembly at
// the line of the app that created the resource holding the policy, as
// the assembly's metadata records it (aws:cdk:creationStack), since the
// app is what the user keeps in Git and cdk.out usually is not. The
// statement in the template stays as the related location and the origin
// keeps the construct path.
//
// A frame names a file on the machine that ran synth. It is found under
// the scan root: as it is, when the path lies there; else by its trailing
// path components under the directory that holds cdk.json (the app's
// root, usually cdk.out's parent), then under the scan root itself (two
// components at least, so that a bare "index.js" cannot name an unrelated
// file); the longest match that names an existing file wins. Every look-up
// goes through an os.Root, so no path and no link leads outside the scan
// root. The scan root is the base directory (the workspace in the action)
// when the assembly lies under it, else the scan path it was found in.
//
// When nothing resolves (no metadata, traces turned off, only library
// frames, the app not in the repository), the finding stays where it is.

// linkCDK moves the findings of the assemblies' templates to their app
// source lines, and returns warnings about metadata it could not read.
func linkCDK(js []job, results []*FileResult, opts Options) []source.Warning {
	byAssembly := map[string][]int{}
	var dirs []string
	for i, j := range js {
		if j.module || j.files[0].assembly == "" {
			continue
		}
		dir := j.files[0].assembly
		if _, ok := byAssembly[dir]; !ok {
			dirs = append(dirs, dir)
		}
		byAssembly[dir] = append(byAssembly[dir], i)
	}
	l := &linker{opts: opts, roots: map[string]*scanRoot{}}
	defer l.close()
	for _, dir := range dirs {
		idxs := byAssembly[dir]
		if slices.ContainsFunc(idxs, func(i int) bool { return results[i] != nil && len(results[i].Findings)+len(results[i].Exempted) > 0 }) {
			l.assembly(dir, js, results, idxs)
		}
	}
	return l.warnings
}

type linker struct {
	opts     Options
	roots    map[string]*scanRoot // by absolute path
	warnings []source.Warning
}

// appFile is an app source file a finding is shown in.
type appFile struct {
	lines int
	// found are the findings shown in the file that wait for their line
	// fingerprints or excerpts, when the scan asks for them. The file is
	// read again for those at the end rather than kept: an app may have
	// many files, and the link step holds one at a time.
	found []*rules.Finding
}

// close fingerprints the app lines findings were moved to and takes
// their excerpts, and closes the scan roots.
func (l *linker) close() {
	for _, r := range l.roots {
		for rel, a := range r.apps {
			if a != nil && len(a.found) > 0 {
				l.finish(r, rel, a.found)
			}
		}
		r.root.Close()
	}
}

// finish gives the findings shown in the app file rel their line
// fingerprints and excerpts, as the scan asks.
func (l *linker) finish(r *scanRoot, rel string, found []*rules.Finding) {
	data, err := readInRoot(r.root, rel, l.limit())
	if err != nil {
		return // removed since it was first read: no fingerprint, no excerpt
	}
	if l.opts.LineHashes != nil {
		hashLines(data, found, l.opts.LineHashes)
	}
	if l.opts.Excerpts {
		src := source.NewSource(data)
		for _, f := range found {
			f.Excerpt = excerpt(src, f.Span.Start)
		}
	}
}

func (l *linker) limit() int64 {
	if l.opts.MaxFileSize > 0 {
		return l.opts.MaxFileSize
	}
	return DefaultMaxFileSize
}

// display is a path under the scan root as every output shows it.
func (l *linker) display(r *scanRoot, rel string) string {
	abs := filepath.Join(r.dir, rel)
	if p, err := filepath.Rel(l.opts.BaseDir, abs); err == nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(abs)
}

// rootFor opens the scan root of the assembly in dir.
func (l *linker) rootFor(dir string) (*scanRoot, error) {
	rootDir := dir
	if within(l.opts.BaseDir, dir) {
		rootDir = l.opts.BaseDir
	} else {
		for _, p := range l.opts.Paths {
			if abs, err := filepath.Abs(p); err == nil && within(abs, dir) && len(abs) < len(rootDir) {
				rootDir = abs
			}
		}
	}
	if r := l.roots[rootDir]; r != nil {
		return r, nil
	}
	root, err := os.OpenRoot(rootDir)
	if err != nil {
		return nil, err
	}
	r := &scanRoot{dir: rootDir, root: root, frames: map[frameKey]string{}, apps: map[string]*appFile{}}
	l.roots[rootDir] = r
	return r, nil
}

// within reports whether path is dir or lies below it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && (rel == "." || filepath.IsLocal(rel))
}

// assembly reads the metadata of the assembly in dir and moves the
// findings of files idxs, its templates.
func (l *linker) assembly(dir string, js []job, results []*FileResult, idxs []int) {
	r, err := l.rootFor(dir)
	if err != nil {
		return // the assembly was scanned, so this is a race with its removal
	}
	relDir, _ := filepath.Rel(r.dir, dir)
	stacks, ok := l.stacks(r, relDir)
	if !ok {
		return
	}
	var nested []cdk.NestedStack
	for _, i := range idxs {
		if results[i] != nil {
			nested = append(nested, results[i].nested...)
		}
	}
	index := cdk.NewAssemblyIndex(stacks, nested)
	appDir := r.cdkAppDir(relDir)
	for _, i := range idxs {
		if results[i] == nil {
			continue
		}
		template := filepath.Base(js[i].files[0].path)
		for j := range results[i].Findings {
			l.move(&results[i].Findings[j], r, index, template, appDir)
		}
		for j := range results[i].Exempted {
			l.move(&results[i].Exempted[j].Finding, r, index, template, appDir)
		}
	}
}

// stacks reads the assembly's manifest.json and its stacks' metadata
// files. A file it cannot read is a warning: the findings it would have
// moved stay in their templates.
func (l *linker) stacks(r *scanRoot, relDir string) ([]cdk.AssemblyStack, bool) {
	read := func(name string) (*source.Source, bool) {
		rel := filepath.Join(relDir, name)
		data, err := readInRoot(r.root, rel, l.limit())
		if err != nil {
			l.warn(r, rel, "CDK metadata not read (%v): findings in this cloud assembly are shown in its templates", describeReadError(err))
			return nil, false
		}
		return source.NewSource(data), true
	}
	src, ok := read("manifest.json")
	if !ok {
		return nil, false
	}
	stacks, err := cdk.ParseManifest(src)
	if err != nil {
		l.warn(r, filepath.Join(relDir, "manifest.json"), "CDK metadata not read (%v): findings in this cloud assembly are shown in its templates", err)
		return nil, false
	}
	for _, s := range stacks {
		if s.MetadataFile == "" {
			continue
		}
		if src, ok := read(filepath.FromSlash(s.MetadataFile)); ok {
			if err := s.Constructs.ParseMetadata(src); err != nil {
				l.warn(r, filepath.Join(relDir, filepath.FromSlash(s.MetadataFile)), "CDK metadata not read (%v): findings of stack %s are shown in its template", err, s.TemplateFile)
			}
		}
	}
	return stacks, true
}

func (l *linker) warn(r *scanRoot, rel, format string, args ...any) {
	l.warnings = append(l.warnings, source.Warning{File: l.display(r, rel), Message: fmt.Sprintf(format, args...)})
}

func describeReadError(err error) string {
	switch e := err.(type) {
	case errTooLarge:
		return e.Error()
	default:
		return unwrapPathError(err).Error()
	}
}

// move shows f at the app line that created its resource, if the
// metadata records one that resolves.
func (l *linker) move(f *rules.Finding, r *scanRoot, index *cdk.AssemblyIndex, template, appDir string) {
	if f.Origin.Resource == "" {
		return
	}
	c, ok := index.Lookup(filepath.ToSlash(template), f.Origin.Resource)
	if !ok {
		return
	}
	for _, fr := range cdk.UserFrames(c.Trace) {
		rel := r.resolve(fr.Path, appDir)
		if rel == "" {
			continue
		}
		app := l.app(r, rel)
		if app == nil || fr.Line > app.lines {
			continue // the app changed since synth: this line is not the one
		}
		col := max(fr.Col, 1)
		f.Related = append([]rules.Related{{File: f.File, Span: f.Span, Message: TemplateStatement}}, f.Related...)
		f.File = l.display(r, rel)
		f.Span = source.Span{Start: source.Pos{Line: fr.Line, Col: col}, End: source.Pos{Line: fr.Line, Col: col}}
		f.LineHash, f.Excerpt = "", nil
		if l.opts.LineHashes != nil || l.opts.Excerpts {
			app.found = append(app.found, f)
		}
		if f.Origin.CDKPath == "" {
			f.Origin.CDKPath = strings.TrimPrefix(c.Path, "/")
		}
		return
	}
}

// app reads an app source file once for its line count; nil when it
// cannot be read.
func (l *linker) app(r *scanRoot, rel string) *appFile {
	if a, ok := r.apps[rel]; ok {
		return a
	}
	var a *appFile
	if data, err := readInRoot(r.root, rel, l.limit()); err == nil {
		a = &appFile{lines: countLines(data)}
	}
	r.apps[rel] = a
	return a
}

// countLines counts lines as editors do: "\n", "\r\n" and a lone "\r" end
// one, and the text after the last line break is a line.
func countLines(data []byte) int {
	n := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n"))
	return n
}
