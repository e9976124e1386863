package syntax

// SyntaxError is a parse failure at a byte offset of the file.
type SyntaxError struct {
	Offset int
	Msg    string
	// Document is the 1-based document of a YAML stream the error is
	// in; the documents before it were read.
	Document int
}

func (e *SyntaxError) Error() string { return e.Msg }
