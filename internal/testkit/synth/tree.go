// Package synth writes the synthetic monorepo the benchmarks and the
// whole-pipeline tests scan: services with CloudFormation stacks in JSON
// and YAML, package-lock.json files, Kubernetes manifests, Serverless
// files, CDK synth output and bare policies, with findings planted at
// known lines. It is test scaffolding, imported only by tests.
package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ExpectedFindingsFile lists the planted findings, "path:line RULE" per
// line, at the root of a written tree; its name is not one the scanner
// reads.
const ExpectedFindingsFile = "expected-findings.txt"

// Tree is what WriteTree wrote.
type Tree struct {
	Files     int
	Bytes     int64
	YAMLBytes int64    // of Bytes, in .yaml and .yml files
	Expected  []string // "path:line RULE", sorted
}

// genWriter writes the files of a tree and tallies them.
type genWriter struct {
	root string
	tree Tree
}

func (w *genWriter) write(rel string, data []byte, marks []genPlace) error {
	path := filepath.Join(w.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	w.tree.Files++
	w.tree.Bytes += int64(len(data))
	if ext := filepath.Ext(rel); ext == ".yaml" || ext == ".yml" {
		w.tree.YAMLBytes += int64(len(data))
	}
	for _, m := range marks {
		for _, rule := range m.rules {
			w.tree.Expected = append(w.tree.Expected, fmt.Sprintf("%s:%d %s", rel, m.line, rule))
		}
	}
	return nil
}

// WriteTree writes a tree of at least size bytes under root; the same
// seed and size write the same bytes.
func WriteTree(root string, size int64, seed uint64) (*Tree, error) {
	r := newGenRand(seed)
	w := &genWriter{root: root}
	const planted = 0.05 // chance that an IAM resource carries a finding
	for unit := 0; w.tree.Bytes < size; unit++ {
		if err := w.unit(r, unit, planted); err != nil {
			return nil, err
		}
	}
	slices.Sort(w.tree.Expected)
	list := strings.Join(w.tree.Expected, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(root, ExpectedFindingsFile), []byte(list), 0o644); err != nil {
		return nil, err
	}
	return &w.tree, nil
}

// unit writes one service of the monorepo, and every fourth unit a CDK app.
func (w *genWriter) unit(r *genRand, unit int, planted float64) error {
	svc := fmt.Sprintf("services/%s-%03d", r.word(), unit)
	var files []struct {
		rel   string
		data  []byte
		marks []genPlace
	}
	add := func(rel string, data []byte, marks []genPlace) {
		files = append(files, struct {
			rel   string
			data  []byte
			marks []genPlace
		}{rel, data, marks})
	}
	data, marks := genJSON(r.template(40+r.IntN(160), planted), "  ")
	add(svc+"/infra/template.json", data, marks)
	// YAML stacks run larger than JSON ones, so that YAML is at least a
	// seventh of the tree's bytes (issue #18's benchmark tree).
	data, marks = genYAML(r.template(60+r.IntN(240), planted))
	add(svc+"/infra/template.yaml", data, marks)
	if unit%3 != 2 {
		data, _ = genJSON(r.packageLock(300+r.IntN(2700)), "  ")
		add(svc+"/package-lock.json", data, nil)
	}
	if unit%7 == 0 {
		data, marks = genYAML(r.serverless(r.chance(0.3)))
		add(svc+"/serverless.yml", data, marks)
	}
	if unit%3 == 0 {
		var docs []string
		for range 3 {
			d, _ := genYAML(r.k8sManifest())
			docs = append(docs, string(d))
		}
		add(svc+"/deploy/k8s.yaml", []byte(strings.Join(docs, "---\n")), nil)
	}
	data, _ = genJSON(genObj{{"compilerOptions", genObj{{"target", "ES2022"}, {"module", "commonjs"}, {"strict", true}, {"outDir", "dist"}}}}, "  ")
	add(svc+"/tsconfig.json", data, nil)
	for i := range 3 + r.IntN(8) { // small files: test fixtures, locales, configs
		data, _ = genJSON(r.fixture(), "  ")
		add(fmt.Sprintf("%s/test/fixtures/%s-%d.json", svc, r.word(), i), data, nil)
	}
	data, _ = genYAML(r.workflow())
	add(svc+"/.github/workflows/ci.yml", data, nil)
	for range 2 {
		data, marks = genJSON(r.policyDocument(2+r.IntN(8), r.chance(0.1)), "  ")
		add(fmt.Sprintf("policies/%s/%s-%03d.json", r.word(), r.word(), unit), data, marks)
	}
	if unit%4 == 0 {
		stack := r.title() + "Stack"
		dir := fmt.Sprintf("cdk/%s-%03d/cdk.out/", r.word(), unit)
		t, m, tree := r.cdkApp(stack, 20+r.IntN(80), planted)
		data, marks = genJSON(t, " ")
		add(dir+stack+".template.json", data, marks)
		data, _ = genJSON(m, " ")
		add(dir+"manifest.json", data, nil)
		// The construct tree repeats the template's policies; it is not
		// read as a policy source, so its planted marks are not findings.
		data, _ = genJSON(tree, " ")
		add(dir+"tree.json", data, nil)
	}
	for _, f := range files {
		if err := w.write(f.rel, f.data, f.marks); err != nil {
			return err
		}
	}
	return nil
}
