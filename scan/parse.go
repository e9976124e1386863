package scan

// Diagnostic is a problem at a byte offset of a file that does not stop
// the file from being read, such as a duplicate key.
type Diagnostic struct {
	Offset int
	Msg    string
}

// Parse reads a JSON, JSONC or YAML file into one tree per document. The
// content decides the reader, not the file name: text that starts with
// '{' or '[' is JSON (with comments and trailing commas allowed), and
// anything else is YAML.
func Parse(src *Source) ([]*Node, []Diagnostic, error) {
	if looksLikeJSON(src.Data) {
		root, warnings, err := parseJSON(src)
		if err == nil {
			return []*Node{root}, warnings, nil
		}
		// A YAML flow mapping also starts with '{'; only when YAML cannot
		// read it either is the JSON error the one to report.
		if docs, warnings, yerr := parseYAML(src); yerr == nil {
			return docs, warnings, nil
		}
		return nil, nil, withFormat("JSON", err)
	}
	docs, warnings, err := parseYAML(src)
	return docs, warnings, withFormat("YAML", err)
}

// withFormat says which reader failed: a file that is neither JSON nor
// YAML (HCL, a template with placeholders) fails as YAML.
func withFormat(format string, err error) error {
	if se, ok := err.(*SyntaxError); ok {
		return &SyntaxError{Offset: se.Offset, Msg: "not valid " + format + ": " + se.Msg}
	}
	return err
}

func looksLikeJSON(data []byte) bool {
	i := 0
	if hasBOM(data) {
		i = len(bom)
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
