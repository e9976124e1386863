package syntax

// SyntaxError is a parse failure at a byte offset of the file.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return e.Msg }
