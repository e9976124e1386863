package scan

// FileResult is what one file yields.
type FileResult struct {
	Findings []Finding
	Warnings []Warning
}

// ScanFile parses, extracts and evaluates one file. It does no I/O: name
// is only the path shown in the results, so files can be scanned in any
// order and at once.
func ScanFile(name string, data []byte) FileResult {
	var res FileResult
	src := NewSource(data)
	warn := func(d Diagnostic) {
		p := src.Pos(d.Offset)
		res.Warnings = append(res.Warnings, Warning{File: name, Line: p.Line, Col: p.Col, Message: d.Msg})
	}
	roots, diags, err := Parse(src)
	if err != nil {
		d := Diagnostic{Msg: "cannot parse: " + err.Error()}
		if se, ok := err.(*SyntaxError); ok {
			d.Offset = se.Offset
		}
		warn(d)
		return res
	}
	docs, more := Extract(src, roots)
	for _, d := range append(diags, more...) {
		warn(d)
	}
	sup := &suppressor{src: src, file: name, warn: warn, lists: map[*Node][]*suppression{}}
	for i := range docs {
		for _, rule := range Rules {
			fs := findings(name, &docs[i], rule, Evaluate(&docs[i].Policy, rule.Action))
			sup.apply(docs[i].Holder, fs)
			res.Findings = append(res.Findings, fs...)
		}
	}
	sup.unused()
	return res
}
