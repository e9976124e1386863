package scan

import (
	"errors"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
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
}

// ScanFile parses, extracts and evaluates one file with every rule. It
// does no I/O: name is only the path shown in the results, so files can
// be scanned in any order and at once.
func ScanFile(name string, data []byte) FileResult {
	var res FileResult
	src := source.NewSource(data)
	warn := func(d source.Diagnostic) { res.Warnings = append(res.Warnings, src.Warning(name, d)) }
	roots, diags, err := syntax.Parse(src)
	if err != nil {
		d := source.Diagnostic{Msg: "cannot parse: " + err.Error()}
		var se *syntax.SyntaxError
		if errors.As(err, &se) {
			d.Offset = se.Offset
		}
		warn(d)
		return res
	}
	docs, more := extract.Extract(src, roots)
	for _, d := range append(diags, more...) {
		warn(d)
	}
	for i := range docs {
		for _, d := range iam.Malformed(&docs[i].Policy) {
			warn(d)
		}
	}
	sup := exempt.NewSuppressor(src, name, warn)
	var found []rules.Finding // one rule's findings in one document
	pass := rules.Pass{File: name, Report: func(f rules.Finding) { found = append(found, f) }}
	for i := range docs {
		pass.Policy, pass.Origin = &docs[i].Policy, docs[i].Origin
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
