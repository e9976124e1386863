package syntax

import (
	"errors"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// Parse reads a JSON, JSONC or YAML file into one tree per document. The
// content decides the reader, not the file name: text that starts with
// '{' or '[' is JSON (with comments and trailing commas allowed), and
// anything else is YAML. With an error, the documents of a YAML stream
// before the broken one are returned too.
func Parse(src *source.Source) ([]*Node, []source.Diagnostic, error) {
	return ParseWith(src, new(Nodes))
}

// ParseWith is Parse with the nodes taken from nodes.
func ParseWith(src *source.Source, nodes *Nodes) ([]*Node, []source.Diagnostic, error) {
	if LooksLikeJSON(src.Data) {
		root, warnings, err := parseJSON(src, nodes)
		if err == nil {
			return []*Node{root}, warnings, nil
		}
		// A YAML flow mapping also starts with '{'; only when YAML cannot
		// read it either is the JSON error the one to report.
		if docs, warnings, yerr := parseYAML(src, nodes); yerr == nil {
			return docs, warnings, nil
		}
		return nil, nil, withFormat("JSON", err)
	}
	docs, warnings, err := parseYAML(src, nodes)
	return docs, warnings, withFormat("YAML", err)
}

// withFormat says which reader failed: a file that is neither JSON nor
// YAML (HCL, a template with placeholders) fails as YAML.
func withFormat(format string, err error) error {
	var se *SyntaxError
	if errors.As(err, &se) {
		return &SyntaxError{Offset: se.Offset, Msg: "not valid " + format + ": " + se.Msg, Document: se.Document}
	}
	return err
}

// LooksLikeJSON reports whether data starts, after white space, a
// byte-order mark and comments, with '{' or '['.
func LooksLikeJSON(data []byte) bool {
	i := 0
	if source.HasBOM(data) {
		i = len(source.BOM)
	}
	for i < len(data) {
		switch c := data[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '/' && i+1 < len(data) && data[i+1] == '/':
			i = lineEnd(data, i)
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			i += 2
			for i+1 < len(data) && !(data[i] == '*' && data[i+1] == '/') {
				i++
			}
			i += 2
		default:
			return c == '{' || c == '['
		}
	}
	return false
}
