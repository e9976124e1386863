package scan

import (
	"errors"
	"fmt"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/cdk"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// FileResult is what one file yields.
type FileResult struct {
	Findings []rules.Finding
	Exempted []exempt.Exempted // suppressed by the template's own Metadata
	Warnings []source.Warning
	// nested are the nested stacks a template of a cloud assembly points
	// at, for the link step.
	nested []cdk.NestedStack
	// read are the files a Terraform module read through file() and
	// templatefile(): scanned there, whatever the include globs say.
	read []string
}

// empty reports whether the file yields nothing for the report or the
// link step.
func (r *FileResult) empty() bool {
	return len(r.Findings)+len(r.Exempted)+len(r.Warnings)+len(r.nested)+len(r.read) == 0
}

// ScanFile parses, extracts and evaluates one file with every rule. It
// does no I/O: name is only the path shown in the results, so files can
// be scanned in any order and at once. A file in UTF-16 or UTF-32 with a
// byte-order mark is decoded first (positions stay the file's own); one
// without a mark is a warning.
//
// A Terraform file (by its name: .tf, .tf.json, .tfvars, terragrunt .hcl)
// is read as a module of one file, whose file() and templatefile() calls
// cannot be evaluated.
func ScanFile(name string, data []byte) FileResult {
	return scanFileWith(name, data, new(worker))
}

// scanFileWith is ScanFile with the file's tree taking its nodes from
// the worker's, and its policies judged by the worker's judge.
func scanFileWith(name string, data []byte, w *worker) FileResult {
	if terraform.Is(name) {
		return scanTerraform([]terraform.ModuleFile{{Name: name, Data: data}}, nil)
	}
	return scanFile(name, data, false, w)
}

// ScanAssemblyFile is ScanFile for a file in a CDK cloud assembly (a
// manifest.json beside it): its construct tree (tree.json) repeats the
// templates and is skipped, and a template's nested stacks are noted for
// the link step.
func ScanAssemblyFile(name string, data []byte) FileResult {
	return scanFile(name, data, true, new(worker))
}

// scanFile is scanFileWith of a file that is not Terraform.
func scanFile(name string, data []byte, inAssembly bool, w *worker) FileResult {
	var res FileResult
	text, _, err := source.Decode(data)
	if err != nil {
		res.Warnings = append(res.Warnings, source.Warning{File: name, Message: err.Error()})
		return res
	}
	src := source.NewSource(text)
	warn := func(d source.Diagnostic) { res.Warnings = append(res.Warnings, src.Warning(name, d)) }
	roots, diags, err := syntax.ParseWith(src, &w.nodes)
	if err != nil {
		d := source.Diagnostic{Msg: "cannot parse: " + err.Error()}
		var se *syntax.SyntaxError
		if errors.As(err, &se) {
			d.Offset = se.Offset
			if len(roots) > 0 {
				// The documents before the broken one keep their findings.
				d.Msg = fmt.Sprintf("cannot parse document %d (the documents before it are scanned): %s", se.Document, se.Msg)
			}
		}
		warn(d)
		if len(roots) == 0 {
			return res
		}
	}
	for _, d := range diags {
		warn(d)
	}
	if inAssembly {
		if cdk.IsConstructTree(roots) {
			return res
		}
		res.nested = cdk.NestedStacks(roots)
	}
	docs, more := extract.Extract(src, roots)
	for _, d := range more {
		warn(d)
	}
	for i := range docs {
		for _, d := range iam.Malformed(&docs[i].Policy) {
			warn(d)
		}
	}
	sup := exempt.NewSuppressor(src, name, warn)
	var found []rules.Finding // one rule's findings in one document
	pass := rules.Pass{File: name, Report: func(f rules.Finding) { found = append(found, f) }, Judge: &w.judge}
	for i := range docs {
		pass.Policy, pass.Attachments, pass.Origin = &docs[i].Policy, docs[i].Attachments, docs[i].Origin
		for _, rule := range rules.All {
			pass.Rule, found = rule, found[:0]
			rule.Check(&pass)
			open, exempted := sup.Apply(docs[i].Holder, found)
			res.Findings = append(res.Findings, open...)
			res.Exempted = append(res.Exempted, exempted...)
		}
	}
	sup.Unused()
	return res
}
